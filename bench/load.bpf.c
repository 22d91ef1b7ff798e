// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The object of the load-time benchmark, built twice from this source:
 * as is, its state lives in __arena globals (an arena map, loaded through
 * libbpf_arena); with -DNO_ARENA the same state is ordinary globals (.bss,
 * which plain libbpf loads), and no arena map exists. The programs are the
 * same code either way, so the difference in open+load time is what
 * libbpf_arena and the arena cost, not a different amount of verification.
 * The programs are small but real: a histogram of events, a hash map of
 * flows, a reset. With -DLOAD_MINIMAL only one trivial program and one
 * global remain: the worst case for a fixed cost per object.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/arena_util.h>

#ifdef NO_ARENA
#define __load_mem
#define __load_global
#else
#define __load_mem __arena
#define __load_global __arena_global

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024); /* 4 MiB */
} arena SEC(".maps");
#endif

#ifdef LOAD_MINIMAL
__u64 __load_global events;

SEC("syscall")
int count(void *ctx)
{
	*arena_deref(&events) += 1;
	return 0;
}
#else
#define LOAD_BUCKETS 64

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 4096);
} flows SEC(".maps");

__u64 __load_global histogram[LOAD_BUCKETS];
__u64 __load_global events;
__u64 __load_global total;

static __always_inline __u64 bucket_of(__u64 v)
{
	__u64 b = 0;
	int i;

	for (i = 0; i < 6; i++)
		if (v >> (1 << i))
			b += 1 << i, v >>= 1 << i;
	return b < LOAD_BUCKETS ? b : LOAD_BUCKETS - 1;
}

SEC("syscall")
int record(void *ctx)
{
	__u64 __load_mem *h = arena_deref(&histogram[0]);
	__u64 key, one = 1, *v;
	int i;

	for (i = 0; i < 64; i++) {
		key = (__u64)i * 0x9e3779b97f4a7c15ULL;
		h[bucket_of(key)]++;
		v = bpf_map_lookup_elem(&flows, &key);
		if (v)
			__sync_fetch_and_add(v, 1);
		else
			bpf_map_update_elem(&flows, &key, &one, BPF_NOEXIST);
	}
	*arena_deref(&events) += 64;
	return 0;
}

SEC("syscall")
int summarize(void *ctx)
{
	__u64 __load_mem *h = arena_deref(&histogram[0]);
	__u64 sum = 0;
	int i;

	for (i = 0; i < LOAD_BUCKETS; i++)
		sum += h[i] * (i + 1);
	*arena_deref(&total) = sum;
	return 0;
}

SEC("syscall")
int reset(void *ctx)
{
	__u64 __load_mem *h = arena_deref(&histogram[0]);
	int i;

	/* The barrier keeps clang 19 from turning the loop into a memset,
	 * which it emits on __arena memory without the cast to kernel form
	 * (the verifier then refuses the store: "invalid mem access 'scalar'").
	 */
	for (i = 0; i < LOAD_BUCKETS; i++) {
		h[i] = 0;
		asm volatile("" ::: "memory");
	}
	*arena_deref(&events) = 0;
	return 0;
}

#endif /* LOAD_MINIMAL */

char LICENSE[] SEC("license") = "GPL";

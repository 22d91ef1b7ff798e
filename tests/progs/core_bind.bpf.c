// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Programs that reach the arena without naming the arena map, in the shapes
 * the binding must handle: a subprogram call first, a helper call first, a
 * global function that only receives an arena pointer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

long __arena_global bind_counter;
long __arena_global bind_stamp;

/* first in the object, and no arena in it: loads even without the binding */
SEC("syscall")
int plain(void *ctx)
{
	return 7;
}

static __attribute__((noinline)) int bump(long __arena *p)
{
	*arena_deref(p) += 1;
	return 0;
}

/* compiles to "call bump; exit": no instruction before the call */
SEC("syscall")
int call_first(void *ctx)
{
	return bump(&bind_counter);
}

/* starts with a helper call */
SEC("syscall")
int helper_first(void *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	*arena_deref(&bind_stamp) = now ? 1 : 2;
	return 0;
}

/* a global function: verified on its own, with only an arena pointer */
__attribute__((noinline)) int add_to(long __arena *p __arg_arena, long v)
{
	if (!p)
		return 1;
	*arena_deref(p) += v;
	return 0;
}

SEC("syscall")
int through_global_func(void *ctx)
{
	return add_to(&bind_counter, 100);
}

char _license[] SEC("license") = "GPL";

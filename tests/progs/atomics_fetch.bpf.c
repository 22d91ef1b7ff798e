// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Arena atomics as users write them. The fetch_* programs use the old value
 * of fetch-and/or/xor, so every clang emits the fetch form, which the x86-64
 * JIT has no arena version of: the verifier refuses them and the loader must
 * say which operation, why, and what to write instead. The helpers program
 * does the same through <bpf_arena/arena_util.h>, which every clang turns
 * into instructions the JIT has.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/arena_util.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

__u64 __arena_global words[8];
__u64 fetched;

SEC("syscall")
int fetch_and(void *ctx)
{
	fetched = __sync_fetch_and_and(arena_deref(&words[0]), 0xff00);
	return 0;
}

SEC("syscall")
int fetch_or(void *ctx)
{
	fetched = __sync_fetch_and_or(arena_deref(&words[1]), 0x0f);
	return 0;
}

SEC("syscall")
int fetch_xor(void *ctx)
{
	fetched = __sync_fetch_and_xor(arena_deref(&words[2]), 0x0f);
	return 0;
}

/* The result unused: clang 14 and 19 emit the non-fetch form, which the
 * JIT has; clang 20+ the fetch form, which it refuses.
 */
SEC("syscall")
int sync_or_unused(void *ctx)
{
	(void)__sync_fetch_and_or(arena_deref(&words[1]), 0x0f);
	return 0;
}

/* What the header offers instead: or/and/xor whose result nobody uses,
 * and the fetching forms as compare-and-swap loops.
 */
SEC("syscall")
int helpers(void *ctx)
{
	int fail = 0;

	arena_atomic_or(arena_deref(&words[3]), 0x0f);
	arena_atomic_and(arena_deref(&words[4]), 0xff00);
	arena_atomic_xor(arena_deref(&words[5]), 0x0f);
	fetched = arena_atomic_fetch_or(arena_deref(&words[6]), 0x0f, &fail);
	fetched += arena_atomic_fetch_and(arena_deref(&words[7]), 0xff00, &fail);
	return fail;
}

char _license[] SEC("license") = "GPL";

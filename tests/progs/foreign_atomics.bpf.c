// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Every arena atomic the x86-64 JIT takes, written so that clang 14, 19 and
 * 22 all emit a form it takes: add, and, or, xor without fetch (the
 * __atomic builtins with the result unused: clang 20+ turns an unused
 * __sync_fetch_and_or into fetch-or, which the JIT refuses in an arena),
 * xchg, cmpxchg and fetch-add. Also from XDP, which can't sleep.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

__u64 __arena_global in_atom[8];
/* add, and, or, xor, xchg (new), cmpxchg hit, cmpxchg miss, fetch_add */
__u64 __arena_global out_atom[8];
/* xchg's old value, cmpxchg's (hit, miss), fetch_add's old value */
__u64 __arena_global out_old[4];
__u64 __arena_global out_xdp_atom[2];

SEC("syscall")
int atomics_all(struct foreign_args *args)
{
	__u64 __arena *v = out_atom;
	int i;

	/* volatile: clang 19 turns a plain copy loop into a memcpy on address
	 * space 1 and emits it through the uncast pointer ("invalid mem
	 * access 'scalar'")
	 */
	for (i = 0; i < 8; i++)
		((volatile __u64 __arena *)arena_deref(v))[i] = *arena_deref(&in_atom[i]);
	__atomic_fetch_add(arena_deref(&v[0]), 1000, __ATOMIC_RELAXED);
	__atomic_fetch_and(arena_deref(&v[1]), 0xf0, __ATOMIC_RELAXED);
	__atomic_fetch_or(arena_deref(&v[2]), 0x100, __ATOMIC_RELAXED);
	__atomic_fetch_xor(arena_deref(&v[3]), 0xff, __ATOMIC_RELAXED);
	*arena_deref(&out_old[0]) = __atomic_exchange_n(arena_deref(&v[4]), 77, __ATOMIC_SEQ_CST);
	*arena_deref(&out_old[1]) =
		__sync_val_compare_and_swap(arena_deref(&v[5]), foreign_in_word(5), 55);
	*arena_deref(&out_old[2]) = __sync_val_compare_and_swap(arena_deref(&v[6]), 12345, 66);
	*arena_deref(&out_old[3]) = __sync_fetch_and_add(arena_deref(&v[7]), args->a);
	return 0;
}

SEC("xdp")
int atomics_xdp(struct xdp_md *ctx)
{
	__atomic_fetch_add(arena_deref(&out_xdp_atom[0]), 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(arena_deref(&out_xdp_atom[1]), 0x5, __ATOMIC_RELAXED);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program that only receives arena pointers: no map, no global, nothing
 * that names the arena. Upstream libbpf (1.4 to 1.7) leaves it unbound and
 * the verifier refuses it ("addr_space_cast insn can only be used in a
 * program that has an associated arena"); libbpf_arena binds it. So it is
 * not in the comparison with plain libbpf, only in test_foreign.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

SEC("syscall")
int sum_given_list(struct foreign_args *args)
{
	struct foreign_node __arena *n = (struct foreign_node __arena *)(long)args->b;
	__u64 sum = 0;
	int i;

	for (i = 0; i < 16 && n; i++) {
		sum += arena_deref(n)->val;
		arena_deref(n)->val *= 2; /* user space sees BPF's writes */
		n = arena_deref(n)->next;
	}
	args->ret = sum;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The user of the allocator library (foreign_alloc_lib.bpf.c): builds a
 * list of the values user space put in in_vals from lib_alloc()ed nodes,
 * newest first, and checks arena_get_base() against the base it is given.
 * Neither program names the arena map: only the library does.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"
#include "foreign_alloc.h"

struct foreign_arena_map arena SEC(".maps");

__u64 __arena_global in_vals[4];
struct foreign_node __arena *__arena_global ptr_list;
__u64 __arena_global out_alloc[3]; /* nodes, sum walked back, base matches */

SEC("syscall")
int build_list(struct foreign_args *args)
{
	struct foreign_node __arena *head = NULL, *n;
	int i;

	for (i = 0; i < 4; i++) {
		n = (struct foreign_node __arena *)(long)lib_alloc(sizeof(*n));
		if (!n)
			return 1;
		arena_deref(n)->val = *arena_deref(&in_vals[i]);
		arena_deref(n)->next = head;
		head = n;
	}
	*arena_deref(&ptr_list) = head;
	*arena_deref(&out_alloc[0]) = 4;
	return 0;
}

SEC("syscall")
int walk_list(struct foreign_args *args)
{
	struct foreign_node __arena *n = *arena_deref(&ptr_list);
	__u64 sum = 0;
	int i;

	for (i = 0; i < 8 && n; i++) {
		sum += arena_deref(n)->val;
		n = arena_deref(n)->next;
	}
	*arena_deref(&out_alloc[1]) = sum;
	*arena_deref(&out_alloc[2]) = arena_get_base() == args->base;
	return 0;
}

char _license[] SEC("license") = "GPL";

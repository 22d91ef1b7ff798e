// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program that uses arena memory without ever naming the arena map: its
 * subprogram only receives arena pointers (from a .bss global user space
 * set). The verifier refuses it unless the library binds the arena to it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "skel_subprog.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

/* The nodes live in the arena; user space links them after load. */
struct snode __arena_global nodes[SKEL_SUBPROG_NODES];

struct snode __arena *head;
int sum;

static __attribute__((noinline)) int sum_list(struct snode __arena *n)
{
	int s = 0, i;

	for (i = 0; i < SKEL_SUBPROG_NODES && n; i++) {
		s += arena_deref(n)->val;
		n = arena_deref(n)->next;
	}
	return s;
}

SEC("syscall")
int walk(void *ctx)
{
	sum = sum_list(head);
	return 0;
}

char _license[] SEC("license") = "GPL";

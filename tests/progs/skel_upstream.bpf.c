// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program in the style of the kernel selftests' arena programs, for the
 * test that user code written against upstream skeletons (bpftool 7.4+,
 * libbpf 1.4+) runs unchanged on ours: BPF allocates list elements in the
 * arena, user space walks them through the pointers BPF stored.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "skel_upstream.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 10);
} arena SEC(".maps");

const volatile int nr_elems = 3; /* .rodata */
struct elem __arena *list_head; /* .bss */
int list_sum; /* .bss */
int runs = 1; /* .data */

int __arena_global test_val = 1;
long __arena_global elem_count;
int __arena_global arena_sum;

SEC("syscall")
int arena_list_add(void *ctx)
{
	struct elem __arena *page, *n;
	int i;

	page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!page)
		return 1;
	for (i = 0; i < nr_elems && i < 64; i++) {
		n = page + i;
		arena_deref(n)->value = i + *arena_deref(&test_val);
		arena_deref(n)->next = list_head;
		list_head = n;
		*arena_deref(&elem_count) += 1;
	}
	return 0;
}

SEC("syscall")
int arena_list_sum(void *ctx)
{
	struct elem __arena *n = list_head;
	int s = 0, i;

	for (i = 0; i < 64 && n; i++) {
		s += arena_deref(n)->value;
		n = arena_deref(n)->next;
	}
	list_sum = s;
	*arena_deref(&arena_sum) = s;
	runs++;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF allocates arena pages, builds a linked list in them and stores its
 * head in an __arena global. The pointers it stores are user addresses, so
 * the process that mapped the arena follows them as they are.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256); /* pages: a 1 MiB arena */
} arena SEC(".maps");

struct elem {
	struct elem __arena *next;
	__u64 value;
};

struct elem __arena *__arena_global head;
__u64 __arena_global count;
__u64 __arena_global total;

#define NODES_PER_PAGE (PAGE_SIZE / sizeof(struct elem))

/* Push one page worth of squares 1, 4, 9, ... onto the list. */
SEC("syscall")
int build_list(void *ctx)
{
	struct elem __arena *page;
	__u64 n = *arena_deref(&count);
	int i;

	page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!page)
		return -1;
	for (i = 0; i < NODES_PER_PAGE; i++) {
		struct elem __arena *e = page + i;

		n++;
		arena_deref(e)->value = n * n;
		arena_deref(e)->next = *arena_deref(&head);
		*arena_deref(&head) = e;
	}
	*arena_deref(&count) = n;
	return 0;
}

/* Sum the list as it is now, whoever added to it (up to 2048 nodes: the
 * verifier walks every iteration of a bounded loop).
 */
SEC("syscall")
int sum_list(void *ctx)
{
	struct elem __arena *e = *arena_deref(&head);
	__u64 sum = 0;
	int i;

	for (i = 0; i < 2048 && e; i++) {
		sum += arena_deref(e)->value;
		e = arena_deref(e)->next;
	}
	*arena_deref(&total) = sum;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* BPF allocates pages, builds a linked list, stores its head in a global;
 * user space walks and extends it through the same pointers; BPF walks again.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 32);
} arena SEC(".maps");

struct node {
	struct node __arena *next;
	long value;
};

struct node __arena *__arena_global list_head;
long __arena_global list_len;

#define BPF_NODES 10
#define MAX_WALK 1000

long walk_sum, walk_len;

SEC("syscall")
int build(void *ctx)
{
	struct node __arena *page, *prev = NULL;
	int i;

	page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!page)
		return 1;
	for (i = 0; i < BPF_NODES; i++) {
		struct node __arena *n = page + i;

		arena_deref(n)->value = i + 1;
		arena_deref(n)->next = prev;
		prev = n;
	}
	*arena_deref(&list_head) = prev;
	*arena_deref(&list_len) = BPF_NODES;
	return 0;
}

SEC("syscall")
int walk(void *ctx)
{
	struct node __arena *n = *arena_deref(&list_head);
	long sum = 0, len = 0;
	int i;

	for (i = 0; i < MAX_WALK && n; i++) {
		sum += arena_deref(n)->value;
		len++;
		n = arena_deref(n)->next;
	}
	walk_sum = sum;
	walk_len = len;
	return len == *arena_deref(&list_len) ? 0 : 1;
}

char _license[] SEC("license") = "GPL";

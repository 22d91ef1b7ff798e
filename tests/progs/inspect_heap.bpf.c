// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The arena the inspect test looks into: globals with known values, a heap
 * of <bpf_arena/arena_alloc.h> with live and freed blocks of three classes
 * and a page-run block, and a list through it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "inspect_common.h"

#ifndef INSPECT_FLAGS
#define INSPECT_FLAGS 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE | INSPECT_FLAGS);
	__uint(max_entries, INSPECT_PAGES);
} arena SEC(".maps");

struct inspect_globals __arena_global g;
__u64 __arena_global inspect_counter = 7;

SEC("syscall")
int fill(void *ctx)
{
	struct inspect_globals __arena *gp = &g;
	struct arena_heap __arena *heap = &gp->heap;
	struct arena_list_node __arena *node;
	struct inspect_item __arena *it;
	void __arena *p;
	int i;

	arena_deref(gp)->magic = INSPECT_MAGIC;
	arena_deref(gp)->label[0] = 'h';
	arena_deref(gp)->label[1] = 'e';
	arena_deref(gp)->label[2] = 'a';
	arena_deref(gp)->label[3] = 'p';
	arena_deref(gp)->values[0] = 111;
	arena_deref(gp)->values[1] = 222;
	arena_deref(gp)->values[2] = 333;
	arena_deref(gp)->values[3] = 444;
	arena_list_init(&gp->list);
	/* arena_for, not for: clang would unroll the loops, allocator and all */
	arena_for(i, 0, INSPECT_ITEMS) {
		it = arena_malloc_sleepable(heap, &arena, sizeof(*it));
		if (!it)
			return 1;
		arena_deref(it)->value = i;
		arena_list_add_tail(&it->node, &gp->list);
		arena_deref(gp)->list_len++;
	}
	/* free the first ones again: blocks of the class on this CPU's cache */
	arena_for(i, 0, INSPECT_FREED) {
		node = arena_list_first(&gp->list);
		if (!node)
			return 2;
		arena_list_del(node, &gp->list);
		arena_deref(gp)->list_len--;
		if (arena_free(heap, node))
			return 3;
	}
	arena_for(i, 0, INSPECT_BIG) {
		p = arena_malloc_sleepable(heap, &arena, 3000);
		if (!p)
			return 4;
		if (i == 0 && arena_free(heap, p))
			return 5;
	}
	p = arena_malloc_sleepable(heap, &arena, INSPECT_LARGE_SZ);
	if (!p)
		return 6;
	arena_deref(gp)->large = p;
	*arena_deref(&inspect_counter) = 42;
	return 0;
}

/* The kernel's own count of the arena's free pages: take them all one by
 * one, then give them back.
 */
SEC("syscall")
int count_free_pages(void *ctx)
{
	void __arena *p, *chain = NULL;
	__u64 n = 0;
	int i;

	arena_for(i, 0, INSPECT_PAGES) {
		p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
		if (!p)
			break;
		*(void __arena *__arena *)arena_deref(p) = chain;
		chain = p;
		n++;
	}
	arena_for(i, 0, INSPECT_PAGES) {
		if (!chain)
			break;
		p = chain;
		chain = *(void __arena *__arena *)arena_deref(p);
		bpf_arena_free_pages(&arena, p, 1);
	}
	return (int)n;
}

char _license[] SEC("license") = "GPL";

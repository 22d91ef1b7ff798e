// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The arena allocator driven from BPF: sizes from 16 B to above 512 KiB,
 * steady alloc/free, exhaustion, a non-sleepable program on the pool, and
 * the kernel's own count of free pages.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "ds_common.h"

#define ARENA_PAGES 2048 /* 8 MiB */

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, ARENA_PAGES);
} arena SEC(".maps");

struct ds_alloc_globals __arena_global g;

static const __u64 test_sizes[DS_ALLOC_NSIZES] = {
	16,    17,     32,     100,    1000,   4080,	4096,	 5000,
	65536, 100000, 262144, 524288, 524289, 1048560, 1048576, 3 << 20,
};

/* The byte user space expects at offset @i of block @n. */
static inline unsigned char pattern(__u64 n, __u64 i)
{
	return (unsigned char)(n * 31 + i * 7 + 1);
}

SEC("syscall")
int alloc_sizes(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	struct arena_heap __arena *heap = &gp->heap;
	unsigned char __arena *p;
	__u64 n, size;
	int i;

	for (n = 0; n < DS_ALLOC_NSIZES; n++) {
		size = test_sizes[n];
		p = (unsigned char __arena *)arena_malloc_sleepable(heap, &arena, size);
		CHECK(p);
		CHECK(arena_malloc_usable_size(p) >= size);
		CHECK((arena_ptr_to_u64(p) & 15) == 0);
		arena_for(i, 0, (int)size)
			arena_deref(p)[i] = pattern(n, i);
		arena_deref(gp)->sizes[n] = size;
		arena_deref(gp)->ptrs[n] = p;
	}
	arena_deref(gp)->nptrs = DS_ALLOC_NSIZES;
	return 0;
}

/* After user space rewrote every block with pattern(n + 100, i), check it
 * and free everything.
 */
SEC("syscall")
int check_and_free_sizes(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	unsigned char __arena *p;
	__u64 n, size;
	int i;

	for (n = 0; n < DS_ALLOC_NSIZES; n++) {
		p = (unsigned char __arena *)arena_deref(gp)->ptrs[n];
		size = arena_deref(gp)->sizes[n];
		CHECK(p);
		arena_for(i, 0, (int)size)
			if (arena_deref(p)[i] != pattern(n + 100, i))
				return 1000 + n;
		CHECK(arena_free(&gp->heap, p) == 0);
		/* the second free of the same block is refused */
		CHECK(arena_free(&gp->heap, p) == -EINVAL);
		arena_deref(gp)->ptrs[n] = NULL;
	}
	return 0;
}

/* One round of a steady load: allocate a mix of sizes, free them all. */
SEC("syscall")
int steady(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	struct arena_heap __arena *heap = &gp->heap;
	void __arena *p;
	int i;

	arena_for(i, 0, DS_ALLOC_MAX_PTRS) {
		p = arena_malloc_sleepable(heap, &arena, 16 + (i % 17) * 61 + (i % 5) * 3000);
		CHECK(p);
		arena_deref(gp)->ptrs[i] = p;
	}
	arena_for(i, 0, DS_ALLOC_MAX_PTRS) {
		/* free in a different order than allocated */
		int j = (i * 37) % DS_ALLOC_MAX_PTRS;

		CHECK(arena_free(heap, arena_deref(gp)->ptrs[j]) == 0);
	}
	return 0;
}

/* The kernel's view: how many pages bpf_arena_alloc_pages() can still give.
 * Takes them one by one, then gives them all back.
 */
SEC("syscall")
int count_free_pages(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	void __arena *p, *chain = NULL;
	__u64 n = 0;
	int i;

	/* chain the pages through their first word, then free them */

	arena_for(i, 0, ARENA_PAGES) {
		p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
		if (!p)
			break;
		*(void __arena *__arena *)arena_deref(p) = chain;
		chain = p;
		n++;
	}
	arena_for(i, 0, ARENA_PAGES) {
		if (!chain)
			break;
		p = chain;
		chain = *(void __arena *__arena *)arena_deref(p);
		bpf_arena_free_pages(&arena, p, 1);
	}
	arena_deref(gp)->free_pages = n;
	return 0;
}

/* Take 1 MiB blocks until the arena is used up, then small ones; NULL must
 * come back, cleanly. Then free everything and allocate again.
 */
SEC("syscall")
int exhaust(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	struct arena_heap __arena *heap = &gp->heap;
	struct ds_alloc_globals __arena *k = arena_deref(gp);
	void __arena *p;
	int i;

	/* Counters live in arena memory, not in registers: the verifier
	 * doesn't track them, so the loops converge after a few passes.
	 */
	arena_write_once(k->big_blocks, 0);
	arena_write_once(k->small_blocks, 0);
	arena_for(i, 0, DS_ALLOC_MAX_PTRS - 1) {
		p = arena_malloc_sleepable(heap, &arena, 1 << 20);
		if (!p)
			break;
		k->ptrs[i] = p;
		k->big_blocks++;
	}
	CHECK(k->big_blocks > 0 && k->big_blocks < DS_ALLOC_MAX_PTRS - 1);
	k->ptrs[DS_ALLOC_MAX_PTRS - 1] = NULL;
	arena_for(i, 0, 100000) {
		p = arena_malloc_sleepable(heap, &arena, 2000);
		if (!p)
			break;
		/* a small block's first word links the chain of small blocks */
		*(void __arena *__arena *)arena_deref(p) = k->ptrs[DS_ALLOC_MAX_PTRS - 1];
		k->ptrs[DS_ALLOC_MAX_PTRS - 1] = p;
		k->small_blocks++;
	}
	CHECK(k->small_blocks < 100000);
	/* nothing is left: even 16 bytes fail, without a fault */
	CHECK(!arena_malloc_sleepable(heap, &arena, 16));

	arena_for(i, 0, 100000) {
		p = k->ptrs[DS_ALLOC_MAX_PTRS - 1];
		if (!p)
			break;
		k->ptrs[DS_ALLOC_MAX_PTRS - 1] = *(void __arena *__arena *)arena_deref(p);
		CHECK(arena_free(heap, p) == 0);
	}
	arena_for(i, 0, DS_ALLOC_MAX_PTRS - 1) {
		if ((__u64)i >= k->big_blocks)
			break;
		CHECK(arena_free(heap, k->ptrs[i]) == 0);
	}
	/* all of it is there again, from the pool alone */
	arena_for(i, 0, DS_ALLOC_MAX_PTRS - 1) {
		if ((__u64)i >= k->big_blocks)
			break;
		p = arena_malloc(heap, 1 << 20);
		CHECK(p);
		k->ptrs[i] = p;
	}
	CHECK(!arena_malloc(heap, 1 << 20));
	return 0;
}

/* Give the pool's pages back to the kernel; calloc() from the kernel again
 * returns zeroed memory.
 */
SEC("syscall")
int trim(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;
	struct arena_heap __arena *heap = &gp->heap;
	__u64 __arena *p;
	__u64 pool = arena_deref(heap)->pool_pages;
	int i;

	CHECK(arena_heap_trim(heap, &arena, 0) == pool);
	CHECK(arena_deref(heap)->pool_pages == 0);
	p = (__u64 __arena *)arena_calloc_sleepable(heap, &arena, 100, 100);
	CHECK(p);
	arena_for(i, 0, 10000 / 8)
		CHECK(arena_deref(p)[i] == 0);
	return 0;
}

/* Stock the pool for programs that can't sleep (and for user space). */
SEC("syscall")
int refill(void *ctx)
{
	struct ds_alloc_globals __arena *gp = &g;

	CHECK(arena_heap_refill(&gp->heap, &arena, 8) == 0);
	arena_deref(gp)->first_bpf_page = arena_ptr_to_u64(arena_deref(&gp->heap)->pool);
	return 0;
}

/* Not sleepable: the kfunc is off limits, the pool serves until empty. */
SEC("tc")
int tc_alloc(struct __sk_buff *skb)
{
	struct ds_alloc_globals __arena *gp = &g;
	void __arena *p;
	__u64 n = 0;
	int i;

	arena_for(i, 0, 10000) {
		p = arena_malloc(&gp->heap, 1000);
		if (!p)
			break;
		n++;
	}
	arena_deref(gp)->tc_allocs = n;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * malloc/calloc/free for arena memory, callable from BPF programs (sleepable
 * or not) and from user space on the same heap at the same time.
 *
 * How it works. All state is a struct arena_heap in arena memory (an
 * __arena global, or any place both sides know); its zero value is an
 * empty, usable heap. Every block has a 16-byte header (state, size class,
 * page count or free-list link) before the pointer handed out, so free()
 * needs no size and catches double frees. Requests up to 1 MiB minus the
 * header are rounded up to a power-of-two block of 32 B .. 1 MiB (16 size
 * classes; 16 B .. 512 KiB requests fit); blocks up to a page are carved
 * from single pages, bigger ones take whole contiguous pages. A freed block
 * goes on a free list of its class and is handed out again for that class:
 * memory is reused, never returned to the kernel, so under a steady load
 * the heap stops taking pages. Bigger requests take a run of contiguous
 * pages of their own, which free() puts back into the page pool.
 *
 * Per-CPU caches. Each CPU (ARENA_HEAP_MAX_CPUS slots, wrapped) keeps up to
 * 32 free blocks of each small class under a lock of its own, so two CPUs
 * allocating and freeing don't fight over the heap lock; a cache that grows
 * past its limit is handed to the heap's lists in one splice. The cache
 * locks are still needed: a sleepable program can be preempted on its CPU
 * and a user thread shares that slot with whatever BPF runs there. In BPF
 * that path (a compare-and-swap on the cache lock, a list push or pop, the
 * release) is inlined into the caller and has no loop; only the heap's
 * lists and pool cost a subprogram call.
 *
 * Where pages come from. The heap takes pages only from its pool, a list of
 * runs of populated pages, so arena_malloc() never sleeps and works in any
 * program and in user space. The pool is filled by:
 *  - arena_heap_refill(heap, &arena, n) in a sleepable BPF program (it calls
 *    bpf_arena_alloc_pages()); arena_malloc_sleepable() does that by itself
 *    when the pool runs dry;
 *  - arena_heap_add_pages(heap, start, n) from anywhere, for pages that the
 *    caller owns: in user space the call touches each page, and the kernel
 *    then allocates it (a zero page) as BPF would, unless the arena was
 *    created with BPF_F_SEGV_ON_FAULT, where touching an unallocated page
 *    kills the process: there, donate only pages BPF allocated. User space
 *    cannot know which pages the kernel will hand to bpf_arena_alloc_pages()
 *    later, so it must donate only a range that BPF never allocates from
 *    (set aside by the application before programs run) or pages BPF gave it.
 * In practice a sleepable program (or the loader, through one) refills the
 * pool and everybody else allocates from it.
 *
 * Promises: NULL when the pool can't serve a request, never a fault;
 * blocks 16-byte aligned; every loop bounded for the verifier; freed memory
 * reused.
 * Gives up: memory of one class is never used for another, and pool runs
 * are not coalesced, so a workload that shifts sizes can run out while
 * free memory sits in other classes; a lock that stays taken past
 * ARENA_SPIN_TRIES makes the call fail (NULL, or -ETIMEDOUT from free).
 */
#ifndef __BPF_ARENA_ALLOC_H
#define __BPF_ARENA_ALLOC_H

#include <bpf_arena/arena_lock.h>

#define ARENA_HEAP_HDR 16
#define ARENA_HEAP_MIN_SHIFT 5 /* 32 B blocks */
#define ARENA_HEAP_MAX_SHIFT 20 /* 1 MiB blocks */
#define ARENA_HEAP_NR_CLASSES (ARENA_HEAP_MAX_SHIFT - ARENA_HEAP_MIN_SHIFT + 1)
/* The biggest request a size class serves. */
#define ARENA_HEAP_MAX_CLASS_SIZE ((1UL << ARENA_HEAP_MAX_SHIFT) - ARENA_HEAP_HDR)

#ifndef ARENA_HEAP_MAX_CPUS
#define ARENA_HEAP_MAX_CPUS 64
#endif
/* Free blocks a CPU keeps per small class before handing them back. */
#define ARENA_HEAP_CACHE_MAX 32
/* Pool runs looked at for one request. */
#define ARENA_HEAP_POOL_SCAN 256
/* Pages a refill asks the kernel for at least. */
#ifndef ARENA_HEAP_REFILL_PAGES
#define ARENA_HEAP_REFILL_PAGES 16
#endif

#define ARENA_HEAP_USED 0xa110c8ed00000000ULL
#define ARENA_HEAP_FREE 0xf7eeb10c00000000ULL
#define ARENA_HEAP_TAG_MASK 0xffffffff00000000ULL
#define ARENA_HEAP_LARGE 0xffffULL /* class of a page-run allocation */

struct arena_heap_block {
	__u64 state; /* ARENA_HEAP_USED or _FREE | class */
	union {
		__u64 pages; /* a large block's page count */
		struct arena_heap_block __arena *next; /* on a free list */
	};
};

struct arena_heap_run {
	struct arena_heap_run __arena *next;
	__u64 pages;
};

struct arena_heap_cache {
	struct arena_spinlock lock;
	struct arena_heap_block __arena *head[ARENA_HEAP_NR_CLASSES];
	struct arena_heap_block __arena *tail[ARENA_HEAP_NR_CLASSES];
	__u64 count[ARENA_HEAP_NR_CLASSES];
};

struct arena_heap {
	struct arena_spinlock lock; /* everything below but the caches */
	struct arena_heap_block __arena *free[ARENA_HEAP_NR_CLASSES];
	char __arena *bump[ARENA_HEAP_NR_CLASSES]; /* carving a page of small blocks */
	char __arena *bump_end[ARENA_HEAP_NR_CLASSES];
	struct arena_heap_run __arena *pool;
	__u64 pool_pages; /* pages in the pool */
	__u64 pages; /* pages the heap ever received */
	__u64 refills; /* bpf_arena_alloc_pages() calls that succeeded */
	__u64 bad_frees; /* free() of something not allocated */
	struct arena_heap_cache cache[ARENA_HEAP_MAX_CPUS];
};

/* The class of a request, or ARENA_HEAP_LARGE. */
ARENA_FAST __u64 arena_heap_class(__u64 size)
{
	__u64 need = size + ARENA_HEAP_HDR;
	int c;

	if (size > ARENA_HEAP_MAX_CLASS_SIZE)
		return ARENA_HEAP_LARGE;
	/* Constant trip count: clang unrolls it. */
	for (c = 0; c < ARENA_HEAP_NR_CLASSES; c++)
		if (need <= (1ULL << (ARENA_HEAP_MIN_SHIFT + c)))
			break;
	return c;
}

ARENA_FAST __u64 arena_heap_block_size(__u64 cls)
{
	return 1ULL << (ARENA_HEAP_MIN_SHIFT + cls);
}

/* Pages a request takes out of the pool when nothing can be reused. */
static inline __u64 arena_heap_request_pages(__u64 size)
{
	__u64 cls = arena_heap_class(size);

	if (cls == ARENA_HEAP_LARGE)
		return (size + ARENA_HEAP_HDR + PAGE_SIZE - 1) / PAGE_SIZE;
	if (arena_heap_block_size(cls) <= PAGE_SIZE)
		return 1;
	return arena_heap_block_size(cls) / PAGE_SIZE;
}

/* How many free blocks of a class one CPU keeps. */
ARENA_FAST __u64 arena_heap_cache_limit(__u64 cls)
{
	__u64 bsz = arena_heap_block_size(cls);

	if (bsz <= PAGE_SIZE)
		return ARENA_HEAP_CACHE_MAX;
	if (bsz <= 16 * PAGE_SIZE)
		return 2;
	return 0;
}

/* Heap lock held: take @pages contiguous pages from the first run that has
 * them, splitting off its tail so the run's header stays where it is.
 */
static inline char __arena *arena_heap_pool_take(struct arena_heap __arena *heap, __u64 pages)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_run __arena *prev = NULL, *run = h->pool, *r;
	int i;

	arena_for(i, 0, ARENA_HEAP_POOL_SCAN) {
		if (!run)
			break;
		r = arena_deref(run);
		if (r->pages > pages) {
			r->pages -= pages;
			h->pool_pages -= pages;
			return (char __arena *)run + r->pages * PAGE_SIZE;
		}
		if (r->pages == pages) {
			if (prev)
				arena_deref(prev)->next = r->next;
			else
				h->pool = r->next;
			h->pool_pages -= pages;
			return (char __arena *)run;
		}
		prev = run;
		run = r->next;
	}
	return NULL;
}

/* Heap lock held. */
static inline void arena_heap_pool_put(struct arena_heap __arena *heap, void __arena *start,
				       __u64 pages)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_run __arena *run = (struct arena_heap_run __arena *)start;
	struct arena_heap_run __arena *r = arena_deref(run);

	r->pages = pages;
	r->next = h->pool;
	h->pool = run;
	h->pool_pages += pages;
}

/* Give the heap @pages pages at @start that the caller owns and that
 * nothing else uses (see the top of this file). 0, -EINVAL for a start that
 * is not page aligned, or -ETIMEDOUT.
 */
static inline int arena_heap_add_pages(struct arena_heap __arena *heap, void __arena *start,
				       __u64 pages)
{
	struct arena_heap __arena *h = arena_deref(heap);
	int err;

	if (!start || !pages || (arena_ptr_to_u64(start) & (PAGE_SIZE - 1)))
		return -EINVAL;
	/* A block in the page whose low 32 bits are 0 would be NULL to BPF
	 * once cast: that page stays out of the heap.
	 */
	if (!(__u32)arena_ptr_to_u64(start)) {
		start = (char __arena *)start + PAGE_SIZE;
		if (!--pages)
			return -EINVAL;
	}
#if !BPF_ARENA_IN_BPF
	{
		/* Fault every page in now: BPF stores to a page that nobody
		 * populated are dropped.
		 */
		volatile char *p = (volatile char *)start;
		__u64 i;

		for (i = 0; i < pages; i++)
			(void)p[i * PAGE_SIZE];
	}
#endif
	err = arena_spin_lock(&heap->lock);
	if (err)
		return err;
	arena_heap_pool_put(heap, start, pages);
	h->pages += pages;
	arena_spin_unlock(&heap->lock);
	return 0;
}

/* Heap lock held: a block of class @cls from the class list, the page being
 * carved, or the pool.
 */
static inline struct arena_heap_block __arena *arena_heap_take(struct arena_heap __arena *heap,
							       __u64 cls)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_block __arena *blk = h->free[cls];
	__u64 bsz = arena_heap_block_size(cls);
	char __arena *chunk;

	if (blk) {
		h->free[cls] = arena_deref(blk)->next;
		return blk;
	}
	if (bsz < PAGE_SIZE && h->bump[cls] && h->bump[cls] + bsz <= h->bump_end[cls]) {
		blk = (struct arena_heap_block __arena *)h->bump[cls];
		h->bump[cls] += bsz;
		return blk;
	}
	chunk = arena_heap_pool_take(heap, bsz < PAGE_SIZE ? 1 : bsz / PAGE_SIZE);
	if (!chunk)
		return NULL;
	if (bsz < PAGE_SIZE) {
		h->bump[cls] = chunk + bsz;
		h->bump_end[cls] = chunk + PAGE_SIZE;
	}
	return (struct arena_heap_block __arena *)chunk;
}

ARENA_FAST struct arena_heap_cache __arena *arena_heap_my_cache(struct arena_heap __arena *heap)
{
	return &heap->cache[arena_cpu_id() % ARENA_HEAP_MAX_CPUS];
}

ARENA_FAST struct arena_heap_block __arena *arena_heap_cache_pop(struct arena_heap __arena *heap,
								 __u64 cls)
{
	struct arena_heap_cache __arena *cache = arena_heap_my_cache(heap);
	struct arena_heap_cache __arena *c = arena_deref(cache);
	struct arena_heap_block __arena *blk;

	if (!arena_spin_trylock(&cache->lock))
		return NULL;
	blk = c->head[cls];
	if (blk) {
		c->head[cls] = arena_deref(blk)->next;
		if (!c->head[cls])
			c->tail[cls] = NULL;
		c->count[cls]--;
	}
	arena_spin_unlock(&cache->lock);
	return blk;
}

/* arena_malloc() past the per-CPU cache: the heap's lists and pool, under
 * the heap lock.
 */
ARENA_SLOW struct arena_heap_block __arena *__arena_malloc_slow(struct arena_heap __arena *heap,
								__u64 cls, __u64 pages)
{
	struct arena_heap_block __arena *blk;

	if (arena_spin_lock(&heap->lock))
		return NULL;
	if (cls == ARENA_HEAP_LARGE)
		blk = (struct arena_heap_block __arena *)arena_heap_pool_take(heap, pages);
	else
		blk = arena_heap_take(heap, cls);
	arena_spin_unlock(&heap->lock);
	return blk;
}

/* Allocate @size bytes from the pool's pages; NULL if they are used up or a
 * lock stayed taken. Any BPF program, and user space.
 */
ARENA_FAST void __arena *arena_malloc(struct arena_heap __arena *heap, __u64 size)
{
	struct arena_heap_block __arena *blk = NULL;
	__u64 cls = arena_heap_class(size);
	__u64 pages = 0;

	if (cls != ARENA_HEAP_LARGE && arena_heap_cache_limit(cls))
		blk = arena_heap_cache_pop(heap, cls);
	if (!blk) {
		if (cls == ARENA_HEAP_LARGE) {
			pages = arena_heap_request_pages(size);
			if (pages > 0xffffffffULL)
				return NULL;
		}
		blk = __arena_malloc_slow(heap, cls, pages);
		if (!blk)
			return NULL;
	}
	arena_deref(blk)->state = ARENA_HEAP_USED | cls;
	if (cls == ARENA_HEAP_LARGE)
		arena_deref(blk)->pages = pages;
	return (char __arena *)blk + ARENA_HEAP_HDR;
}

/* The usable size of an allocated block, 0 for anything else. */
static inline __u64 arena_malloc_usable_size(void __arena *ptr)
{
	struct arena_heap_block __arena *blk =
		(struct arena_heap_block __arena *)((char __arena *)ptr - ARENA_HEAP_HDR);
	struct arena_heap_block __arena *b;
	__u64 state, cls;

	if (!ptr)
		return 0;
	b = arena_deref(blk);
	state = b->state;
	if ((state & ARENA_HEAP_TAG_MASK) != ARENA_HEAP_USED)
		return 0;
	cls = state & ~ARENA_HEAP_TAG_MASK;
	if (cls == ARENA_HEAP_LARGE)
		return b->pages * PAGE_SIZE - ARENA_HEAP_HDR;
	if (cls >= ARENA_HEAP_NR_CLASSES)
		return 0;
	return arena_heap_block_size(cls) - ARENA_HEAP_HDR;
}

/* Zero @size bytes of arena memory. */
static inline void arena_memzero(void __arena *ptr, __u64 size)
{
#if BPF_ARENA_IN_BPF
	__u64 __arena *w = (__u64 __arena *)arena_deref(ptr);
	char __arena *b = (char __arena *)arena_deref(ptr);
	__u64 words = size / 8, chunks = words / (1 << 20), base;
	int i, j;

	/* 1M words at a time: one arena_for() can't span more than 8M */
	arena_for(j, 0, (int)chunks + 1) {
		base = (__u64)j << 20;
		arena_for(i, 0, 1 << 20) {
			if (base + i >= words)
				break;
			arena_write_once(w[base + i], 0); /* no memset: see arena_util.h */
		}
	}
	/* at most 7 bytes left */
	for (i = 0; i < 7; i++)
		if (words * 8 + i < size)
			arena_write_once(b[words * 8 + i], 0);
#else
	memset((void *)ptr, 0, size);
#endif
}

/* arena_malloc() of @n * @size zeroed bytes; NULL if that overflows. */
static inline void __arena *arena_calloc(struct arena_heap __arena *heap, __u64 n, __u64 size)
{
	void __arena *p;

	/* An arena holds at most 4 GiB, so factors of 32 bits can't overflow
	 * and bigger ones can't fit (a division here becomes a 128-bit
	 * multiply in clang, which BPF lacks).
	 */
	if (n > 0xffffffffULL || size > 0xffffffffULL)
		return NULL;
	p = arena_malloc(heap, n * size);
	if (p)
		arena_memzero(p, n * size);
	return p;
}

/* arena_free() past the per-CPU cache: @head .. @tail (the block, or with
 * @spliced a cache's whole list of blocks of @state's class) onto the
 * heap's lists, under the heap lock. @state is the block's state before
 * the free, put back if the lock stays taken.
 */
ARENA_SLOW int __arena_free_slow(struct arena_heap __arena *heap,
				 struct arena_heap_block __arena *head,
				 struct arena_heap_block __arena *tail, __u64 state, int spliced)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_cache __arena *cache, *c;
	__u64 cls = state & ~ARENA_HEAP_TAG_MASK;
	int err;

	err = arena_spin_lock(&heap->lock);
	if (err) {
		if (!spliced) {
			arena_deref(head)->state = state;
			return err;
		}
		/* The splice can't wait: leave the blocks to this CPU again. */
		cache = arena_heap_my_cache(heap);
		c = arena_deref(cache);
		if (arena_spin_lock(&cache->lock))
			return 0; /* lost to this heap, never to anyone else */
		arena_deref(tail)->next = c->head[cls];
		if (!c->head[cls])
			c->tail[cls] = tail;
		c->head[cls] = head;
		arena_spin_unlock(&cache->lock);
		return 0;
	}
	if (cls == ARENA_HEAP_LARGE) {
		arena_heap_pool_put(heap, head, arena_deref(head)->pages);
	} else {
		arena_deref(tail)->next = h->free[cls];
		h->free[cls] = head;
	}
	arena_spin_unlock(&heap->lock);
	return 0;
}

/* Free what arena_malloc() returned. 0, 0 for NULL, -EINVAL (and
 * heap->bad_frees counts it) for a pointer that is not an allocated block
 * (a double free), -ETIMEDOUT if a lock stayed taken: the block is then
 * still allocated and the call may be repeated.
 */
ARENA_FAST int arena_free(struct arena_heap __arena *heap, void __arena *ptr)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_block __arena *blk, *b, *head = NULL, *tail = NULL;
	struct arena_heap_cache __arena *cache, *c;
	__u64 state, cls;
	int spliced = 0;

	if (!ptr)
		return 0;
	blk = (struct arena_heap_block __arena *)((char __arena *)ptr - ARENA_HEAP_HDR);
	b = arena_deref(blk);
	state = b->state;
	cls = state & ~ARENA_HEAP_TAG_MASK;
	if ((state & ARENA_HEAP_TAG_MASK) != ARENA_HEAP_USED ||
	    (cls >= ARENA_HEAP_NR_CLASSES && cls != ARENA_HEAP_LARGE) ||
	    arena_atomic_cmpxchg(&b->state, state, ARENA_HEAP_FREE | cls) != state) {
		arena_atomic_add(&h->bad_frees, 1);
		return -EINVAL;
	}

	if (cls != ARENA_HEAP_LARGE && arena_heap_cache_limit(cls)) {
		cache = arena_heap_my_cache(heap);
		c = arena_deref(cache);
		if (arena_spin_trylock(&cache->lock)) {
			b->next = c->head[cls];
			if (!c->head[cls])
				c->tail[cls] = blk;
			c->head[cls] = blk;
			if (++c->count[cls] > arena_heap_cache_limit(cls)) {
				/* Hand the whole list over in one splice. */
				head = c->head[cls];
				tail = c->tail[cls];
				c->head[cls] = NULL;
				c->tail[cls] = NULL;
				c->count[cls] = 0;
				spliced = 1;
			}
			arena_spin_unlock(&cache->lock);
			if (!spliced)
				return 0;
		}
	}
	if (!spliced)
		head = tail = blk;
	return __arena_free_slow(heap, head, tail, state, spliced);
}

/* Free a block that nobody else can reach any more (just unlinked from a
 * container), trying again while a lock stays taken, a few times.
 */
static inline int arena_free_retry(struct arena_heap __arena *heap, void __arena *ptr)
{
	int i, err;

	/* The first try outside the loop: no iterator kfuncs when it works. */
	err = arena_free(heap, ptr);
	if (err != -ETIMEDOUT)
		return err;
	arena_for(i, 1, 8) {
		err = arena_free(heap, ptr);
		if (err != -ETIMEDOUT)
			break;
	}
	return err;
}

#if BPF_ARENA_IN_BPF
/* Sleepable BPF programs only: ask the kernel for @pages pages of @map (the
 * arena) and put them in the pool. 0 or -ENOMEM.
 */
static inline int arena_heap_refill(struct arena_heap __arena *heap, void *map, __u64 pages)
{
	char __arena *p;
	int err;

	if (!pages || pages > 0x7fffffff)
		return -EINVAL;
	p = (char __arena *)bpf_arena_alloc_pages(map, NULL, pages, NUMA_NO_NODE, 0);
	if (!p)
		return -ENOMEM;
	/* A pointer whose low 32 bits are 0 is NULL once BPF casts it (only
	 * the first page of an arena based at a 4 GiB boundary): keep that
	 * page out of the heap.
	 */
	if (!(__u32)arena_ptr_to_u64(p)) {
		p += PAGE_SIZE;
		if (!--pages) {
			p = (char __arena *)bpf_arena_alloc_pages(map, NULL, 1, NUMA_NO_NODE, 0);
			if (!p)
				return -ENOMEM;
			pages = 1;
		}
	}
	err = arena_heap_add_pages(heap, p, pages);
	if (err) {
		bpf_arena_free_pages(map, p, pages);
		return err;
	}
	arena_atomic_add(&arena_deref(heap)->refills, 1);
	return 0;
}

/* Sleepable BPF programs only: arena_malloc(), refilling the pool from the
 * kernel when it can't serve the request.
 */
static inline void __arena *arena_malloc_sleepable(struct arena_heap __arena *heap, void *map,
						   __u64 size)
{
	void __arena *p = arena_malloc(heap, size);
	__u64 pages;

	if (p)
		return p;
	pages = arena_heap_request_pages(size);
	if (pages < ARENA_HEAP_REFILL_PAGES)
		pages = ARENA_HEAP_REFILL_PAGES;
	if (arena_heap_refill(heap, map, pages))
		return NULL;
	return arena_malloc(heap, size);
}

static inline void __arena *arena_calloc_sleepable(struct arena_heap __arena *heap, void *map,
						   __u64 n, __u64 size)
{
	void __arena *p;

	/* An arena holds at most 4 GiB, so factors of 32 bits can't overflow
	 * and bigger ones can't fit (a division here becomes a 128-bit
	 * multiply in clang, which BPF lacks).
	 */
	if (n > 0xffffffffULL || size > 0xffffffffULL)
		return NULL;
	p = arena_malloc_sleepable(heap, map, n * size);
	if (p)
		arena_memzero(p, n * size);
	return p;
}

/* Sleepable BPF programs only: give pool runs back to the kernel until at
 * most @keep pages stay in the pool. Returns the pages released.
 */
static inline __u64 arena_heap_trim(struct arena_heap __arena *heap, void *map, __u64 keep)
{
	struct arena_heap __arena *h = arena_deref(heap);
	struct arena_heap_run __arena *run;
	__u64 released = 0, pages;
	int i;

	arena_for(i, 0, ARENA_HEAP_POOL_SCAN) {
		if (arena_spin_lock(&heap->lock))
			break;
		run = h->pool;
		if (!run || h->pool_pages <= keep) {
			arena_spin_unlock(&heap->lock);
			break;
		}
		pages = arena_deref(run)->pages;
		h->pool = arena_deref(run)->next;
		h->pool_pages -= pages;
		h->pages -= pages;
		arena_spin_unlock(&heap->lock);
		bpf_arena_free_pages(map, run, pages);
		released += pages;
	}
	return released;
}
#endif /* BPF_ARENA_IN_BPF */

#endif /* __BPF_ARENA_ALLOC_H */

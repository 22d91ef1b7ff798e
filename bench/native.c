// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The limit: the same arena_htab.h, arena_fhtab.h and arena_alloc.h that BPF runs,
 * compiled for user space and run on ordinary anonymous memory, with the
 * same keys, the same heap layout and the same page budget. What BPF loses
 * against this is the cost of running as BPF (JIT code, kfunc calls of the
 * loop iterator, address-space casts), not of a different algorithm.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "bench.h"
#include "bench_user.h"

struct bench_native {
	struct bench_globals *g;
	void *pages;
	__u64 npages;
};

/* Where sums go, so the compiler keeps the loops that make them. */
static volatile __u64 native_sink;

/* One operation per call, not inlined, as BPF calls its global functions
 * (bench.bpf.c), so both pay a call per operation.
 */
static __attribute__((noinline)) int op_update(struct arena_htab *htab, __u64 key, __u64 val)
{
	return arena_htab_update(htab, &key, &val, ARENA_HTAB_ANY);
}

static __attribute__((noinline)) __s64 op_lookup(struct arena_htab *htab, __u64 key)
{
	__u64 *v = arena_htab_lookup(htab, &key);

	return v ? (__s64)*v : -1;
}

static __attribute__((noinline)) int op_delete(struct arena_htab *htab, __u64 key)
{
	return arena_htab_delete(htab, &key);
}

static __attribute__((noinline)) int op_fupdate(struct arena_fhtab *htab, __u64 key, __u64 val)
{
	return arena_fhtab_update(htab, &key, &val, ARENA_FHTAB_ANY);
}

static __attribute__((noinline)) __s64 op_flookup(struct arena_fhtab *htab, __u64 key)
{
	__u64 v;

	return arena_fhtab_lookup(htab, &key, &v) ? -1 : (__s64)v;
}

static __attribute__((noinline)) int op_fdelete(struct arena_fhtab *htab, __u64 key)
{
	return arena_fhtab_delete(htab, &key);
}

/* The call alone; the asm keeps the compiler from dropping or hoisting it. */
static __attribute__((noinline)) __s64 op_nothing(__u64 key)
{
	asm volatile("");
	return key >> 7;
}

static __attribute__((noinline)) int op_alloc_pair(struct arena_heap *heap)
{
	void *p = arena_malloc(heap, BENCH_ALLOC_SIZE);

	if (!p)
		return -ENOMEM;
	return arena_free(heap, p);
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

struct bench_native *bench_native_new(__u64 n)
{
	struct bench_native *nt = calloc(1, sizeof(*nt));

	if (!nt)
		return NULL;
	nt->npages = bench_htab_pages(n);
	nt->g = map_anon(sizeof(*nt->g));
	nt->pages = map_anon(nt->npages * PAGE_SIZE);
	if (!nt->g || !nt->pages)
		goto fail;
	/* touches every page, as BPF's refill populates them */
	if (arena_heap_add_pages(&nt->g->heap, nt->pages, nt->npages))
		goto fail;
	if (arena_htab_init(&nt->g->htab, &nt->g->heap, sizeof(__u64), sizeof(__u64), n) ||
	    arena_fhtab_init(&nt->g->fhtab, &nt->g->heap, sizeof(__u64), sizeof(__u64), n))
		goto fail;
	return nt;
fail:
	bench_native_free(nt);
	return NULL;
}

void bench_native_free(struct bench_native *nt)
{
	if (!nt)
		return;
	if (nt->g)
		munmap(nt->g, sizeof(*nt->g));
	if (nt->pages)
		munmap(nt->pages, nt->npages * PAGE_SIZE);
	free(nt);
}

struct arena_htab *bench_native_htab(struct bench_native *nt)
{
	return &nt->g->htab;
}

struct arena_fhtab *bench_native_fhtab(struct bench_native *nt)
{
	return &nt->g->fhtab;
}

__u64 bench_native_update(struct bench_native *nt, __u64 n)
{
	__u64 i, failed = 0;

	for (i = 0; i < n; i++)
		if (op_update(&nt->g->htab, bench_key(i), i))
			failed++;
	return failed;
}

__u64 bench_native_lookup(struct bench_native *nt, __u64 n)
{
	__u64 i, sum = 0, failed = 0;
	__s64 v;

	for (i = 0; i < n; i++) {
		v = op_lookup(&nt->g->htab, bench_key(i));
		if (v >= 0)
			sum += v;
		else
			failed++;
	}
	native_sink = sum;
	return failed;
}

__u64 bench_native_delete(struct bench_native *nt, __u64 n)
{
	__u64 i, failed = 0;

	for (i = 0; i < n; i++)
		if (op_delete(&nt->g->htab, bench_key(i)))
			failed++;
	return failed;
}

__u64 bench_native_fupdate(struct bench_native *nt, __u64 n)
{
	__u64 i, failed = 0;

	for (i = 0; i < n; i++)
		if (op_fupdate(&nt->g->fhtab, bench_key(i), i))
			failed++;
	return failed;
}

__u64 bench_native_flookup(struct bench_native *nt, __u64 n)
{
	__u64 i, sum = 0, failed = 0;
	__s64 v;

	for (i = 0; i < n; i++) {
		v = op_flookup(&nt->g->fhtab, bench_key(i));
		if (v >= 0)
			sum += v;
		else
			failed++;
	}
	native_sink = sum;
	return failed;
}

__u64 bench_native_fdelete(struct bench_native *nt, __u64 n)
{
	__u64 i, failed = 0;

	for (i = 0; i < n; i++)
		if (op_fdelete(&nt->g->fhtab, bench_key(i)))
			failed++;
	return failed;
}

__u64 bench_native_alloc_pairs(struct bench_native *nt, __u64 n)
{
	__u64 i, failed = 0;

	for (i = 0; i < n; i++)
		if (op_alloc_pair(&nt->g->heap))
			failed++;
	return failed;
}

__u64 bench_native_loop(struct bench_native *nt, __u64 n)
{
	__u64 i, sum = 0;

	for (i = 0; i < n; i++)
		sum += op_nothing(bench_key(i));
	native_sink = sum;
	return 0;
}

__u64 bench_native_pages_used(struct bench_native *nt)
{
	return nt->g->heap.pages - nt->g->heap.pool_pages;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The arena allocator (bpf_arena/arena_alloc.h): in user space alone on an
 * arena mapping, in BPF alone, and across: BPF allocates, user space
 * checks, rewrites and frees, BPF checks. Reuse is shown by page counts,
 * the heap's and the kernel's own.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "ds_test_util.h"

static const __u64 sizes[] = { 16,    17,     32,     100,    1000,   4080,    4096,	5000,
			       65536, 100000, 262144, 524288, 524289, 1048560, 1048576, 3 << 20 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static unsigned char pattern(__u64 n, __u64 i)
{
	return (unsigned char)(n * 31 + i * 7 + 1);
}

static void fill(unsigned char *p, __u64 n, __u64 size)
{
	for (__u64 i = 0; i < size; i++)
		p[i] = pattern(n, i);
}

static void check_pattern(const unsigned char *p, __u64 n, __u64 size)
{
	for (__u64 i = 0; i < size; i++)
		if (p[i] != pattern(n, i))
			cr_assert_fail("block %llu (%llu bytes): byte %llu is %u, expected %u",
				       (unsigned long long)n, (unsigned long long)size,
				       (unsigned long long)i, p[i], pattern(n, i));
}

/* Blocks must not overlap, headers included. */
static void check_disjoint(void *const *ptrs, const __u64 *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			char *a = (char *)ptrs[i] - ARENA_HEAP_HDR,
			     *b = (char *)ptrs[j] - ARENA_HEAP_HDR;

			cr_assert(a + lens[i] + ARENA_HEAP_HDR <= b ||
					  b + lens[j] + ARENA_HEAP_HDR <= a,
				  "blocks %zu and %zu overlap", i, j);
		}
}

Test(ds_alloc, user_sizes_16B_to_3MiB_round_trip)
{
	struct ds_user_arena a = ds_user_arena(4096);
	struct arena_heap *heap = ds_user_heap(&a, 4000);
	void *ptrs[NSIZES];
	__u64 taken;

	for (size_t n = 0; n < NSIZES; n++) {
		ptrs[n] = arena_malloc(heap, sizes[n]);
		cr_assert(ptrs[n], "malloc(%llu)", (unsigned long long)sizes[n]);
		cr_assert_geq(arena_malloc_usable_size(ptrs[n]), sizes[n]);
		cr_assert_eq((unsigned long)ptrs[n] % 16, 0, "16-byte aligned");
		cr_assert((char *)ptrs[n] >= a.base &&
			  (char *)ptrs[n] + sizes[n] <= a.base + a.size);
		fill((unsigned char *)ptrs[n], n, sizes[n]);
	}
	check_disjoint(ptrs, sizes, NSIZES);
	for (size_t n = 0; n < NSIZES; n++)
		check_pattern((unsigned char *)ptrs[n], n, sizes[n]);
	taken = heap->pages - heap->pool_pages;
	for (size_t n = 0; n < NSIZES; n++)
		cr_assert_eq(arena_free(heap, ptrs[n]), 0);
	/* the same requests again take no new page */
	for (size_t n = 0; n < NSIZES; n++) {
		ptrs[n] = arena_malloc(heap, sizes[n]);
		cr_assert(ptrs[n]);
	}
	cr_assert_eq(heap->pages - heap->pool_pages, taken, "pages taken: %llu, then %llu",
		     (unsigned long long)taken,
		     (unsigned long long)(heap->pages - heap->pool_pages));
	ds_user_arena_free(&a);
}

Test(ds_alloc, user_steady_load_stops_taking_pages)
{
	struct ds_user_arena a = ds_user_arena(4096);
	struct arena_heap *heap = ds_user_heap(&a, 4000);
	__u64 taken[50];
	void *p[256];

	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 256; i++) {
			p[i] = arena_malloc(heap, 16 + (i % 17) * 61 + (i % 5) * 3000);
			cr_assert(p[i]);
		}
		for (int i = 0; i < 256; i++)
			cr_assert_eq(arena_free(heap, p[(i * 37) % 256]), 0);
		taken[round] = heap->pages - heap->pool_pages;
	}
	cr_assert_eq(taken[1], taken[49], "pages taken after round 2: %llu, after 50: %llu",
		     (unsigned long long)taken[1], (unsigned long long)taken[49]);
	cr_log_info("user steady load: %llu pages taken, then flat over 49 rounds",
		    (unsigned long long)taken[49]);
	ds_user_arena_free(&a);
}

Test(ds_alloc, user_exhaustion_returns_null_then_recovers)
{
	struct ds_user_arena a = ds_user_arena(256);
	struct arena_heap *heap = ds_user_heap(&a, 8);
	void *p[1000];
	int n = 0;

	cr_assert_null(arena_malloc(heap, 9 * PAGE_SIZE), "bigger than the pool");
	while (n < 1000 && (p[n] = arena_malloc(heap, 1000)))
		n++;
	/* 8 pages of 1 KiB blocks (1000 + header rounds up to 1024) */
	cr_assert_eq(n, 32);
	cr_assert_null(arena_malloc(heap, 16), "nothing left for other classes either");
	for (int i = 0; i < n; i++)
		cr_assert_eq(arena_free(heap, p[i]), 0);
	for (int i = 0; i < n; i++)
		cr_assert(arena_malloc(heap, 1000), "freed blocks come back");
	ds_user_arena_free(&a);
}

Test(ds_alloc, user_double_free_and_bad_pointers_are_refused)
{
	struct ds_user_arena a = ds_user_arena(256);
	struct arena_heap *heap = ds_user_heap(&a, 16);
	char *p = (char *)arena_malloc(heap, 100);

	cr_assert(p);
	cr_assert_eq(arena_free(heap, NULL), 0);
	cr_assert_eq(arena_free(heap, p), 0);
	cr_assert_eq(arena_free(heap, p), -EINVAL);
	cr_assert_eq(arena_free(heap, p + 16), -EINVAL);
	cr_assert_eq(heap->bad_frees, 2);
	cr_assert_eq(arena_malloc_usable_size(p), 0, "a freed block has no size");
	ds_user_arena_free(&a);
}

Test(ds_alloc, user_calloc_zeroes_reused_memory)
{
	struct ds_user_arena a = ds_user_arena(256);
	struct arena_heap *heap = ds_user_heap(&a, 16);
	unsigned char *p = (unsigned char *)arena_malloc(heap, 200), *q;

	memset(p, 0xab, 200);
	cr_assert_eq(arena_free(heap, p), 0);
	q = (unsigned char *)arena_calloc(heap, 20, 10);
	cr_assert_eq(q, p, "the freed block is reused");
	for (int i = 0; i < 200; i++)
		cr_assert_eq(q[i], 0);
	cr_assert_null(arena_calloc(heap, 1ULL << 40, 1ULL << 40), "overflow");
	ds_user_arena_free(&a);
}

struct thread_arg {
	struct arena_heap *heap;
	int id;
	int errors;
};

static void *alloc_thread(void *p)
{
	struct thread_arg *t = (struct thread_arg *)p;
	unsigned char *mine[64] = { 0 };
	__u64 len[64] = { 0 };
	unsigned int seed = t->id;

	for (int op = 0; op < 100000; op++) {
		int s = rand_r(&seed) % 64;

		if (mine[s]) {
			for (__u64 i = 0; i < len[s]; i++)
				if (mine[s][i] != (unsigned char)(t->id + s))
					t->errors++;
			if (arena_free(t->heap, mine[s]))
				t->errors++;
			mine[s] = NULL;
		} else {
			len[s] = 1 + rand_r(&seed) % 3000;
			mine[s] = (unsigned char *)arena_malloc(t->heap, len[s]);
			if (mine[s])
				memset(mine[s], t->id + s, len[s]);
		}
	}
	for (int s = 0; s < 64; s++)
		if (mine[s] && arena_free(t->heap, mine[s]))
			t->errors++;
	return NULL;
}

Test(ds_alloc, user_threads_never_share_a_block)
{
	struct ds_user_arena a = ds_user_arena(4096);
	struct arena_heap *heap = ds_user_heap(&a, 4000);
	struct thread_arg args[4];
	pthread_t th[4];

	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){ .heap = heap, .id = i * 64 };
		cr_assert_eq(pthread_create(&th[i], NULL, alloc_thread, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(args[i].errors, 0, "thread %d saw %d corrupted or refused blocks", i,
			     args[i].errors);
	}
	cr_assert_eq(heap->bad_frees, 0);
	ds_user_arena_free(&a);
}

Test(ds_alloc, bpf_allocates_user_checks_and_rewrites_bpf_checks_and_frees)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));
	void *ptrs[DS_ALLOC_NSIZES];

	ds_run(obj, "alloc_sizes");
	cr_assert_eq(g->nptrs, DS_ALLOC_NSIZES);
	for (size_t n = 0; n < DS_ALLOC_NSIZES; n++) {
		ptrs[n] = g->ptrs[n];
		cr_assert_eq(g->sizes[n], sizes[n]);
		cr_assert_geq(arena_malloc_usable_size(ptrs[n]), sizes[n]);
		check_pattern((unsigned char *)ptrs[n], n, sizes[n]);
		fill((unsigned char *)ptrs[n], n + 100, sizes[n]);
	}
	check_disjoint(ptrs, sizes, NSIZES);
	ds_run(obj, "check_and_free_sizes");
	cr_assert_eq(g->heap.bad_frees, DS_ALLOC_NSIZES, "each second free was refused");
	bpf_arena__close(obj);
}

/* Pages one CPU's cache can hold at most (arena_alloc.h: up to
 * arena_heap_cache_limit() free blocks of each class), plus one refill the
 * pool may take to serve them, rounded up as refills are.
 */
static __u64 one_cpu_cache_pages(void)
{
	__u64 bytes = 0;

	for (__u64 cls = 0; cls < ARENA_HEAP_NR_CLASSES; cls++)
		bytes += arena_heap_cache_limit(cls) * arena_heap_block_size(cls);
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE + ARENA_HEAP_REFILL_PAGES;
}

/* A syscall program runs on the CPU of the task that runs it (pinned for
 * the run): choosing the task's CPU chooses the per-CPU cache it fills.
 */
static void run_on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0, "pin to CPU %d", cpu);
}

static __u64 steady_rounds(struct bpf_object *obj, struct ds_alloc_globals *g, int n)
{
	for (int round = 0; round < n; round++) {
		ds_run(obj, "steady");
		ds_run(obj, "count_free_pages");
	}
	return g->heap.pages;
}

/*
 * Under a steady load the heap stops taking pages: on one CPU, once warm,
 * not a page more. A second CPU may fill its own per-CPU cache once (that
 * is what the caches are for), bounded by one cache's worth; after both are
 * warm, runs on either take nothing. Each phase is pinned to its CPU: left
 * to the scheduler, a busy machine moved runs to the other CPU at random
 * and an exact count failed (592 -> 608 pages).
 */
Test(ds_alloc, bpf_steady_load_stops_taking_pages)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));
	__u64 warm, one_cpu, after, bound = one_cpu_cache_pages(), kernel_free;
	int cpus[2], ncpus = 0;
	cpu_set_t allowed;

	cr_assert_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (int c = 0; c < CPU_SETSIZE && ncpus < 2; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[ncpus++] = c;

	run_on_cpu(cpus[0]);
	warm = steady_rounds(obj, g, 3);
	kernel_free = g->free_pages;
	cr_assert_gt(warm, 0);
	after = steady_rounds(obj, g, 27);
	cr_assert_eq(after, warm, "CPU %d: heap pages after round 3: %llu, after 30: %llu", cpus[0],
		     (unsigned long long)warm, (unsigned long long)after);
	one_cpu = warm;
	cr_assert_eq(g->free_pages, kernel_free, "CPU %d: kernel's free pages %llu -> %llu",
		     cpus[0], (unsigned long long)kernel_free, (unsigned long long)g->free_pages);

	if (ncpus > 1) {
		run_on_cpu(cpus[1]);
		after = steady_rounds(obj, g, 3);
		cr_assert_leq(after - warm, bound,
			      "a second CPU took %llu pages, more than one cache (%llu)",
			      (unsigned long long)(after - warm), (unsigned long long)bound);
		warm = after;
		for (int round = 0; round < 20; round++) {
			run_on_cpu(cpus[round % 2]);
			steady_rounds(obj, g, 1);
		}
		cr_assert_eq(g->heap.pages, warm, "both CPUs warm: %llu pages -> %llu",
			     (unsigned long long)warm, (unsigned long long)g->heap.pages);
	}
	fprintf(stderr,
		"ds_alloc steady (%s): heap pages %llu warm on one CPU, %llu warm on %d CPU(s) "
		"(one cache: at most %llu pages)\n",
		test_variant(), (unsigned long long)one_cpu, (unsigned long long)g->heap.pages,
		ncpus, (unsigned long long)bound);
	bpf_arena__close(obj);
}

Test(ds_alloc, bpf_trim_gives_pool_pages_back_to_the_kernel)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));
	__u64 before, pool;

	ds_run(obj, "steady");
	ds_run(obj, "count_free_pages");
	before = g->free_pages;
	pool = g->heap.pool_pages;
	cr_assert_gt(pool, 0);
	ds_run(obj, "trim");
	ds_run(obj, "count_free_pages");
	/* trim released the pool; calloc reused a block that steady freed */
	cr_assert_eq(g->free_pages, before + pool, "kernel free pages %llu -> %llu, pool was %llu",
		     (unsigned long long)before, (unsigned long long)g->free_pages,
		     (unsigned long long)pool);
	bpf_arena__close(obj);
}

Test(ds_alloc, bpf_exhaustion_returns_null_then_recovers)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));

	ds_run(obj, "exhaust");
	/* an 8 MiB arena holds a few 1 MiB blocks, then small ones */
	cr_assert_geq(g->big_blocks, 5);
	cr_assert_leq(g->big_blocks, 7);
	ds_run(obj, "count_free_pages");
	cr_assert_lt(g->free_pages, ARENA_HEAP_REFILL_PAGES, "the kernel has %llu pages left",
		     (unsigned long long)g->free_pages);
	bpf_arena__close(obj);
}

Test(ds_alloc, non_sleepable_program_allocates_from_the_pool_only)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));
	struct bpf_program *tc = bpf_object__find_program_by_name(obj, "tc_alloc");
	char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt));

	cr_assert(tc);
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(tc), &opts), 0, "%s", strerror(errno));
	cr_assert_eq(g->tc_allocs, 0, "an empty pool serves nothing");
	ds_run(obj, "refill");
	cr_assert_eq(g->heap.pool_pages, 8);
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(tc), &opts), 0);
	cr_assert_eq(g->tc_allocs, 8 * (PAGE_SIZE / 1024), "8 pages of 1 KiB blocks");
	bpf_arena__close(obj);
}

Test(ds_alloc, user_donated_pages_are_never_handed_to_bpf)
{
	struct bpf_object *obj = ds_open("ds_alloc");
	struct ds_alloc_globals *g = (struct ds_alloc_globals *)ds_globals(obj, sizeof(*g));
	char *base = (char *)bpf_arena__base(bpf_arena__from_object(obj));
	char *lo = base + PAGE_SIZE, *hi = lo + 64 * PAGE_SIZE;
	__u64 before;

	ds_run(obj, "count_free_pages");
	before = g->free_pages;
	/* user space sets pages 1..64 aside before BPF allocates anything:
	 * touching them makes the kernel allocate them
	 */
	cr_assert_eq(arena_heap_add_pages(&g->heap, lo, 64), 0);
	ds_run(obj, "count_free_pages");
	cr_assert_eq(g->free_pages, before - 64, "the kernel counts the touched pages as used");
	ds_run(obj, "refill");
	cr_assert(g->first_bpf_page < (__u64)lo || g->first_bpf_page >= (__u64)hi,
		  "BPF got a donated page");
	/* user space allocates from both kinds of pages */
	for (int i = 0; i < 64 + 8; i++)
		cr_assert(arena_malloc(&g->heap, 4000), "allocation %d", i);
	cr_assert_null(arena_malloc(&g->heap, 4000));
	bpf_arena__close(obj);
}

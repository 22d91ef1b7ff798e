// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Sections 1 and 2, and pages as N grows. For every N the bench object is
 * loaded fresh (a new 4 GiB arena, a BPF hash map of N entries) and a
 * native table of N keys is built; then every repeat does, on all three
 * side by side: insert N keys, look them all up, read them all from user
 * space (while the tables are full), delete them all; then allocator pairs.
 * Each repeat's figures are paired, so ratios are taken within a repeat
 * and the median of the ratios is reported, not a ratio of medians.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "bench_user.h"

#define V_ARENA "arena htab (BPF)"
#define V_FLAT "arena fhtab (BPF)"
#define V_HASH "BPF hash map (BPF)"
#define V_NATIVE "arena htab (native)"
#define V_FNATIVE "arena fhtab (native)"

/* The largest BPF_MAP_LOOKUP_BATCH a reader asks for. */
#define BENCH_BATCH_MAX 65536

/* Page pairs through the kernel are hundreds of times slower than the
 * allocator's, and their cost doesn't depend on N (one page lives at a
 * time): beyond this many per repeat they only make the bench longer.
 */
#define BENCH_PAGE_PAIRS_MAX 20000

__u64 bench_htab_pages(__u64 n)
{
	__u64 nbuckets = 1, elem_block, per_page, elem_pages;

	while (nbuckets < n)
		nbuckets <<= 1;
	elem_block = arena_heap_block_size(
		arena_heap_class(arena_htab_elem_size(sizeof(__u64), sizeof(__u64))));
	per_page = PAGE_SIZE / elem_block;
	elem_pages = (n + per_page - 1) / per_page;
	/* spare: blocks parked in per-CPU caches, the allocator benchmark */
	return arena_heap_request_pages(nbuckets * sizeof(struct arena_htab_bucket)) + elem_pages +
	       elem_pages / 8 + 16 +
	       arena_heap_request_pages(arena_fhtab_mem_size(sizeof(__u64), sizeof(__u64), n));
}

struct htab_samples {
	/* per variant: arena htab, arena fhtab, hash, native htab, native fhtab */
	double upd[5], lookup[5], del[5];
	double lookup_inline[2]; /* fhtab, hash: no call per operation */
	double walk, walk_cold, walk_native, per_key, batch;
	double fwalk, fwalk_cold, fwalk_native;
	double alloc, alloc_native, page_pairs, loop, loop_native, loop_nocall;
};

enum { A, FL, H, N_, NF };

static int check_read(const char *who, __u64 got, __u64 n, __u64 sum, __u64 expect)
{
	if (got == n && sum == expect)
		return 0;
	fprintf(stderr, "bench: %s read %llu of %llu entries, sum %llx, expected %llx\n", who,
		(unsigned long long)got, (unsigned long long)n, (unsigned long long)sum,
		(unsigned long long)expect);
	return -EIO;
}

/* Walks of small tables take microseconds: repeat them until a sample
 * covers BENCH_WALK_MIN entries, so the clock's granularity doesn't show.
 */
#define BENCH_WALK_MIN 1000000

static __u64 walk_any(void *t, int flat, __u64 *sum)
{
	return flat ? bench_walk_fhtab((struct arena_fhtab *)t, sum)
		    : bench_walk_htab((struct arena_htab *)t, sum);
}

static int timed_walks(const char *who, void *t, int flat, __u64 n, __u64 expect, double *ns)
{
	__u64 walks = n < BENCH_WALK_MIN ? BENCH_WALK_MIN / n : 1, w, t0, got, sum;
	int err;

	t0 = bench_now_ns();
	for (w = 0; w < walks; w++) {
		sum = 0;
		got = walk_any(t, flat, &sum);
		if ((err = check_read(who, got, n, sum, expect)))
			return err;
	}
	*ns = (double)(bench_now_ns() - t0) / (n * walks);
	return 0;
}

static int user_reads(struct bench_obj *b, struct bench_native *nt, __u64 n, __u64 expect,
		      int first, struct htab_samples *s)
{
	__u64 t0, got, sum, batch = n < BENCH_BATCH_MAX ? n : BENCH_BATCH_MAX;
	int err;

	if (first) {
		sum = 0;
		t0 = bench_now_ns();
		got = bench_walk_htab(&b->g->htab, &sum);
		s->walk_cold = (double)(bench_now_ns() - t0) / n;
		if ((err = check_read("arena walk", got, n, sum, expect)))
			return err;
		sum = 0;
		t0 = bench_now_ns();
		got = bench_walk_fhtab(&b->g->fhtab, &sum);
		s->fwalk_cold = (double)(bench_now_ns() - t0) / n;
		if ((err = check_read("fhtab walk", got, n, sum, expect)))
			return err;
	}
	if ((err = timed_walks("arena walk", &b->g->htab, 0, n, expect, &s->walk)) ||
	    (err = timed_walks("native walk", bench_native_htab(nt), 0, n, expect,
			       &s->walk_native)) ||
	    (err = timed_walks("fhtab walk", &b->g->fhtab, 1, n, expect, &s->fwalk)) ||
	    (err = timed_walks("native fhtab walk", bench_native_fhtab(nt), 1, n, expect,
			       &s->fwalk_native)))
		return err;

	sum = 0;
	t0 = bench_now_ns();
	got = bench_read_batch(b->hmap_fd, batch, &sum);
	s->batch = (double)(bench_now_ns() - t0) / n;
	if ((err = check_read("lookup batch", got, n, sum, expect)))
		return err;

	sum = 0;
	t0 = bench_now_ns();
	got = bench_read_per_key(b->hmap_fd, &sum);
	s->per_key = (double)(bench_now_ns() - t0) / n;
	return check_read("per-key syscalls", got, n, sum, expect);
}

/* Time one native pass of n operations; fails if any operation did. */
static int native_pass(__u64 (*op)(struct bench_native *, __u64), struct bench_native *nt, __u64 n,
		       double *ns_per_op, const char *what)
{
	__u64 t0 = bench_now_ns(), failed = op(nt, n);

	*ns_per_op = (double)(bench_now_ns() - t0) / n;
	if (!failed)
		return 0;
	fprintf(stderr, "bench: native %s: %llu of %llu failed\n", what, (unsigned long long)failed,
		(unsigned long long)n);
	return -EIO;
}

static int bpf_pass(struct bench_obj *b, const char *prog, __u64 n, double *ns_per_op)
{
	double ns;
	int err = bench_obj_run_ops(b, prog, n, &ns);

	*ns_per_op = ns / n;
	return err;
}

/* Pages the tables hold once full: the first repeat records them. */
static void record_pages(struct bench_obj *b, struct bench_native *nt, __u64 n)
{
	__u64 heap_pages = b->g->heap.pages - b->g->heap.pool_pages;
	long size_kib, rss_kib, memlock = bench_map_memlock(b->hmap_fd);

	bench_record_value("pages", "table full", n, "arena heap pages", "pages",
			   (double)heap_pages);
	bench_record_value("pages", "table full", n, "arena htab bytes/entry", "B",
			   (double)(heap_pages - b->g->fhtab_pages) * PAGE_SIZE / n);
	bench_record_value("pages", "table full", n, "arena fhtab bytes/entry", "B",
			   (double)b->g->fhtab_pages * PAGE_SIZE / n);
	if (!bench_vma_kib(b->arena_base, &size_kib, &rss_kib))
		bench_record_value("pages", "table full", n, "arena VMA Rss after walk", "KiB",
				   (double)rss_kib);
	if (memlock >= 0) {
		bench_record_value("pages", "table full", n, "BPF hash memlock", "KiB",
				   (double)memlock / 1024);
		bench_record_value("pages", "table full", n, "BPF hash bytes/entry", "B",
				   (double)memlock / n);
	}
	bench_record_value("pages", "table full", n, "native heap pages", "pages",
			   (double)bench_native_pages_used(nt));
}

static int one_repeat(struct bench_obj *b, struct bench_native *nt, __u64 n, __u64 expect,
		      int first, struct htab_samples *s)
{
	__u64 pairs = n < BENCH_PAGE_PAIRS_MAX ? n : BENCH_PAGE_PAIRS_MAX;
	int err;

	if ((err = bpf_pass(b, "empty_loop", n, &s->loop)) ||
	    (err = bpf_pass(b, "prim_may_goto", n, &s->loop_nocall)) ||
	    (err = native_pass(bench_native_loop, nt, n, &s->loop_native, "loop")))
		return err;
	if ((err = bpf_pass(b, "arena_update", n, &s->upd[A])) ||
	    (err = bpf_pass(b, "fhtab_update", n, &s->upd[FL])) ||
	    (err = bpf_pass(b, "hash_update", n, &s->upd[H])) ||
	    (err = native_pass(bench_native_update, nt, n, &s->upd[N_], "update")) ||
	    (err = native_pass(bench_native_fupdate, nt, n, &s->upd[NF], "fhtab update")))
		return err;
	if ((err = bpf_pass(b, "arena_lookup", n, &s->lookup[A])) ||
	    (err = bpf_pass(b, "fhtab_lookup", n, &s->lookup[FL])) ||
	    (err = bpf_pass(b, "hash_lookup", n, &s->lookup[H])) ||
	    (err = native_pass(bench_native_lookup, nt, n, &s->lookup[N_], "lookup")) ||
	    (err = native_pass(bench_native_flookup, nt, n, &s->lookup[NF], "fhtab lookup")) ||
	    (err = bpf_pass(b, "fhtab_lookup_inline", n, &s->lookup_inline[0])) ||
	    (err = bpf_pass(b, "hash_lookup_inline", n, &s->lookup_inline[1])))
		return err;
	if ((err = user_reads(b, nt, n, expect, first, s)))
		return err;
	if (first)
		record_pages(b, nt, n);
	if ((err = bpf_pass(b, "arena_delete", n, &s->del[A])) ||
	    (err = bpf_pass(b, "fhtab_delete", n, &s->del[FL])) ||
	    (err = bpf_pass(b, "hash_delete", n, &s->del[H])) ||
	    (err = native_pass(bench_native_delete, nt, n, &s->del[N_], "delete")) ||
	    (err = native_pass(bench_native_fdelete, nt, n, &s->del[NF], "fhtab delete")))
		return err;
	if ((err = bpf_pass(b, "alloc_pairs", n, &s->alloc)) ||
	    (err = native_pass(bench_native_alloc_pairs, nt, n, &s->alloc_native, "alloc")) ||
	    (err = bpf_pass(b, "page_pairs", pairs, &s->page_pairs)))
		return err;
	return 0;
}

/* The samples of one field across the repeats, minus the loop's own cost
 * in the same repeat when @loop_off is given.
 */
static void column(const struct htab_samples *s, int reps, size_t off, long loop_off, double *out)
{
	int r;

	for (r = 0; r < reps; r++) {
		out[r] = *(const double *)((const char *)&s[r] + off);
		if (loop_off >= 0)
			out[r] -= *(const double *)((const char *)&s[r] + loop_off);
	}
}

#define F(field) offsetof(struct htab_samples, field)
#define NO_LOOP (-1L)

/*
 * The table shows each variant's time per operation as measured, loop
 * included; the ratios are of the operations alone (net of the loop and
 * call, measured in the same repeat), because a BPF program does its
 * lookups from its own code, not from this benchmark's loop. The ratios of
 * the raw times go to the CSV only (section "bpf-raw").
 */
static void record_op(const char *op, __u64 n, const struct htab_samples *s, int reps, size_t off)
{
	static const char *const who[5] = { V_ARENA, V_FLAT, V_HASH, V_NATIVE, V_FNATIVE };
	static const long loop_of[5] = { F(loop), F(loop), F(loop), F(loop_native),
					 F(loop_native) };
	double v[5][reps];
	int k;

	memset(v, 0, sizeof(v));
	for (k = 0; k < 5; k++) {
		column(s, reps, off + k * sizeof(double), NO_LOOP, v[k]);
		bench_record("bpf", op, n, who[k], "ns/op", v[k], reps);
	}
	bench_record_ratio("bpf-raw", op, n, "htab/hash", v[A], v[H], reps);
	bench_record_ratio("bpf-raw", op, n, "fhtab/hash", v[FL], v[H], reps);
	bench_record_ratio("bpf-raw", op, n, "htab/native", v[A], v[N_], reps);
	bench_record_ratio("bpf-raw", op, n, "fhtab/native", v[FL], v[NF], reps);

	for (k = 0; k < 5; k++)
		column(s, reps, off + k * sizeof(double), loop_of[k], v[k]);
	bench_record_ratio("bpf", op, n, "htab/hash", v[A], v[H], reps);
	bench_record_ratio("bpf", op, n, "fhtab/hash", v[FL], v[H], reps);
	bench_record_ratio("bpf", op, n, "htab/native", v[A], v[N_], reps);
	bench_record_ratio("bpf", op, n, "fhtab/native", v[FL], v[NF], reps);
}

static void record_all(__u64 n, const struct htab_samples *s, int reps)
{
	double x[reps], y[reps];

	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	record_op("update (insert)", n, s, reps, F(upd));
	record_op("lookup", n, s, reps, F(lookup));
	record_op("delete", n, s, reps, F(del));

	/* the lookups inlined in the loop: net of the loop without a call */
	column(s, reps, F(lookup_inline[0]), NO_LOOP, x);
	bench_record("inline", "lookup, no call", n, V_FLAT, "ns/op", x, reps);
	column(s, reps, F(lookup_inline[1]), NO_LOOP, y);
	bench_record("inline", "lookup, no call", n, V_HASH, "ns/op", y, reps);
	column(s, reps, F(lookup_inline[0]), F(loop_nocall), x);
	column(s, reps, F(lookup_inline[1]), F(loop_nocall), y);
	bench_record_ratio("inline", "lookup, no call", n, "fhtab/hash", x, y, reps);

	column(s, reps, F(loop), NO_LOOP, x);
	bench_record("loop", "loop + call", n, "BPF: may_goto loop + call", "ns/iter", x, reps);
	column(s, reps, F(loop_native), NO_LOOP, x);
	bench_record("loop", "loop + call", n, "native: for loop + call", "ns/iter", x, reps);
	column(s, reps, F(loop_nocall), NO_LOOP, x);
	bench_record("loop", "loop + call", n, "BPF: may_goto loop alone", "ns/iter", x, reps);
	column(s, reps, F(loop), F(loop_nocall), x);
	bench_record("loop", "loop + call", n, "BPF-to-BPF call (difference)", "ns/iter", x, reps);

	column(s, reps, F(walk), NO_LOOP, x);
	bench_record("user", "read all", n, "arena walk", "ns/entry", x, reps);
	column(s, reps, F(walk_native), NO_LOOP, y);
	bench_record("user", "read all", n, "native walk", "ns/entry", y, reps);
	bench_record_ratio("user", "read all", n, "arena/native", x, y, reps);
	column(s, reps, F(batch), NO_LOOP, y);
	bench_record("user", "read all", n, "lookup batch", "ns/entry", y, reps);
	bench_record_ratio("user", "read all", n, "batch/arena", y, x, reps);
	column(s, reps, F(per_key), NO_LOOP, y);
	bench_record("user", "read all", n, "per-key syscalls", "ns/entry", y, reps);
	bench_record_ratio("user", "read all", n, "per-key/arena", y, x, reps);

	column(s, reps, F(fwalk), NO_LOOP, x);
	bench_record("user", "read all", n, "fhtab walk", "ns/entry", x, reps);
	column(s, reps, F(fwalk_native), NO_LOOP, y);
	bench_record("user", "read all", n, "native fhtab walk", "ns/entry", y, reps);
	bench_record_ratio("user", "read all", n, "fhtab/native", x, y, reps);
	column(s, reps, F(batch), NO_LOOP, y);
	bench_record_ratio("user", "read all", n, "batch/fhtab", y, x, reps);
	column(s, reps, F(per_key), NO_LOOP, y);
	bench_record_ratio("user", "read all", n, "per-key/fhtab", y, x, reps);

	column(s, reps, F(alloc), NO_LOOP, x);
	bench_record("alloc", "alloc+free pair", n, "arena_malloc (BPF)", "ns/pair", x, reps);
	column(s, reps, F(page_pairs), NO_LOOP, y);
	bench_record("alloc", "alloc+free pair", n, "page kfuncs (BPF)", "ns/pair", y, reps);
	column(s, reps, F(alloc_native), NO_LOOP, y);
	bench_record("alloc", "alloc+free pair", n, "arena_malloc (native)", "ns/pair", y, reps);
	column(s, reps, F(alloc), F(loop), x);
	column(s, reps, F(page_pairs), F(loop), y);
	bench_record_ratio("alloc", "alloc+free pair", n, "kfuncs/arena_malloc", y, x, reps);
	column(s, reps, F(alloc_native), F(loop_native), y);
	bench_record_ratio("alloc", "alloc+free pair", n, "BPF/native", x, y, reps);
}

/* Small tables take a millisecond a repeat: more repeats there make their
 * medians as steady as the big tables', at little cost.
 */
static int repeats_for(const struct bench_config *cfg, __u64 n)
{
	__u64 k = 100000 / n;

	return cfg->repeats * (k < 1 ? 1 : k > 10 ? 10 : (int)k);
}

static int run_size(const struct bench_config *cfg, __u64 n)
{
	int reps = repeats_for(cfg, n);
	/* one more: repeat 0 warms up and is not counted */
	struct htab_samples *s = calloc(reps + 1, sizeof(*s));
	struct bench_native *nt = NULL;
	struct bench_obj b;
	__u64 expect = 0, i;
	double ns;
	int r, err;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		expect += bench_key(i) + i;
	err = bench_obj_open(&b, cfg->bench_obj, n);
	if (err)
		goto out_free;
	err = bench_obj_run(&b, "arena_setup", n, bench_htab_pages(n), &ns);
	if (err)
		goto out;
	nt = bench_native_new(n);
	if (!nt) {
		fprintf(stderr, "bench: native table of %llu keys: out of memory\n",
			(unsigned long long)n);
		err = -ENOMEM;
		goto out;
	}
	for (r = 0; r <= reps; r++) {
		err = one_repeat(&b, nt, n, expect, r == 0, &s[r]);
		if (err)
			goto out;
	}
	record_all(n, s + 1, reps);
	/* the first walk of all maps BPF's pages into this process, fault by fault */
	bench_record_value("user", "read all", n, "arena walk, first", "ns/entry", s[0].walk_cold);
	bench_record_value("user", "read all", n, "fhtab walk, first", "ns/entry", s[0].fwalk_cold);
out:
	bench_native_free(nt);
	bench_obj_close(&b);
out_free:
	free(s);
	return err;
}

/* The primitives, at the largest N: each program's time per iteration. */
static int run_prims(const struct bench_config *cfg)
{
	static const struct {
		const char *prog, *name;
	} prims[] = {
		{ "prim_may_goto", "may_goto loop iteration" },
		{ "prim_arena_for", "arena_for iteration (bpf_iter_num kfuncs)" },
		{ "prim_bpf_loop", "bpf_loop iteration (callback)" },
		{ "empty_loop", "may_goto iteration + BPF-to-BPF call" },
		{ "prim_lock", "may_goto iteration + arena_spin_lock/unlock" },
	};
	__u64 n = cfg->sizes[cfg->nsizes - 1];
	int reps = cfg->repeats, r, err;
	double v[reps];
	struct bench_obj b;
	size_t k;

	err = bench_obj_open(&b, cfg->bench_obj, 1);
	if (err)
		return err;
	for (k = 0; k < sizeof(prims) / sizeof(prims[0]); k++) {
		for (r = 0; r <= reps && !err; r++)
			err = bpf_pass(&b, prims[k].prog, n, &v[r ? r - 1 : 0]);
		if (err)
			break;
		bench_record("prims", prims[k].name, n, "BPF", "ns/iter", v, reps);
	}
	bench_obj_close(&b);
	return err;
}

int bench_htab_run(const struct bench_config *cfg)
{
	int i, err;

	for (i = 0; i < cfg->nsizes; i++) {
		fprintf(stderr, "bench: tables of %llu keys\n", (unsigned long long)cfg->sizes[i]);
		err = run_size(cfg, cfg->sizes[i]);
		if (err)
			return err;
	}
	return run_prims(cfg);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The state of a heap of <bpf_arena/arena_alloc.h> in a running arena, read
 * through the safe reader only (inspect_read.c), so looking never allocates
 * a page or faults.
 *
 * The heap records its pool (runs of free pages), its free lists and the
 * per-CPU caches, but not where the pages it carved are: those are found by
 * their block headers. Every page of the arena has its first 16 bytes read
 * (absent pages read as zeros); a page that starts with a block header
 * (ARENA_HEAP_USED or _FREE | class) belongs to that class: a page of small
 * blocks is read whole and its headers counted (live, free, or zero: not
 * carved yet), a block of a page or more spans its pages, and a page-run
 * allocation (class ARENA_HEAP_LARGE) its page count. Pages of the globals
 * and of the pool are known beforehand; anything else non-zero is data that
 * is not the heap's as far as can be told. The struct's layout is the one
 * this library was built with; the BTF size of struct arena_heap tells how
 * many CPU slots the program was built with (ARENA_HEAP_MAX_CPUS).
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf_arena/arena_alloc.h>

#include "inspect_internal.h"

/* Walks of lists stored in the arena are bounded: a torn list must not
 * hang the inspector.
 */
#define MAX_WALK (1U << 22)

struct heap_scan {
	struct bpf_arena_reader *r;
	struct bpf_arena_heap_stats *st;
	__u64 ua, size;
	size_t page;
};

/* The arena offset a pointer stored in the arena refers to: user form
 * (upper half of the user address | offset) or, under BPF_F_NO_USER_CONV,
 * the kernel form (low 32 bits); ~0 for NULL or outside.
 */
static __u64 ptr_off(const struct heap_scan *s, __u64 p)
{
	__u64 off;

	if (!p)
		return ~0ULL;
	off = (__u32)(p - s->ua);
	return off < s->size ? off : ~0ULL;
}

static int walk_pool(struct heap_scan *s, __u64 head)
{
	__u64 off = ptr_off(s, head);
	__u32 steps = 0;

	while (off != ~0ULL && steps++ < MAX_WALK) {
		struct arena_heap_run run;
		__u64 p, first = off / s->page;
		int err = bpf_arena_reader__read(s->r, off, &run, sizeof(run));

		if (err)
			return err;
		for (p = first; p < first + run.pages && p < s->st->page_cnt; p++)
			s->st->page_kind[p] = BPF_ARENA_PAGE_POOL;
		off = ptr_off(s, (__u64)(unsigned long)run.next);
	}
	return 0;
}

/* Blocks on a free list from @head. */
static int count_list(struct heap_scan *s, __u64 head, __u64 *cnt)
{
	__u64 off = ptr_off(s, head);

	*cnt = 0;
	while (off != ~0ULL && *cnt < MAX_WALK) {
		struct arena_heap_block b;
		int err = bpf_arena_reader__read(s->r, off, &b, sizeof(b));

		if (err)
			return err;
		(*cnt)++;
		off = ptr_off(s, (__u64)(unsigned long)b.next);
	}
	return 0;
}

static int read_caches(struct heap_scan *s, __u64 heap_off)
{
	struct arena_heap_cache c;
	__u32 cpu, cls;
	__u64 n;
	int err;

	for (cpu = 0; cpu < s->st->cpu_cnt; cpu++) {
		err = bpf_arena_reader__read(s->r,
					     heap_off + offsetof(struct arena_heap, cache) +
						     (__u64)cpu * sizeof(c),
					     &c, sizeof(c));
		if (err)
			return err;
		for (cls = 0; cls < ARENA_HEAP_NR_CLASSES; cls++) {
			err = count_list(s, (__u64)(unsigned long)c.head[cls], &n);
			if (err)
				return err;
			s->st->cls[cls].cached += n;
			s->st->cpu_cached[cpu] += n;
		}
	}
	return 0;
}

static void mark(struct bpf_arena_heap_stats *st, __u64 first, __u64 n, __u8 kind, __u8 cls)
{
	__u64 p;

	for (p = first; p < first + n && p < st->page_cnt; p++) {
		st->page_kind[p] = kind;
		st->page_class[p] = cls;
	}
}

/* A page that starts with a header of small class @cls: count its blocks. */
static int count_small_page(struct heap_scan *s, __u64 p, __u64 cls, char *buf)
{
	__u64 bsz = arena_heap_block_size(cls), k;
	struct bpf_arena_heap_class *c = &s->st->cls[cls];
	int err = bpf_arena_reader__read(s->r, p * s->page, buf, s->page);

	if (err)
		return err;
	for (k = 0; k + bsz <= s->page; k += bsz) {
		__u64 state;

		memcpy(&state, buf + k, sizeof(state));
		if (state == (ARENA_HEAP_USED | cls))
			c->live++;
		else if (state == (ARENA_HEAP_FREE | cls))
			c->free++;
		else
			c->uncarved++; /* not carved yet (a live block's header is never 0) */
	}
	c->pages++;
	mark(s->st, p, 1, BPF_ARENA_PAGE_CLASS, (__u8)cls);
	return 0;
}

static int classify_pages(struct heap_scan *s)
{
	struct bpf_arena_heap_stats *st = s->st;
	const __u32 batch = 1024;
	__u32 p = 0, first = 0, n = 0;
	__u64 *hdr = malloc(2 * sizeof(*hdr) * batch);
	char *buf = malloc(s->page);
	int err = 0;

	if (!buf || !hdr) {
		err = -ENOMEM;
		goto out;
	}
	while (p < st->page_cnt) {
		__u64 state, tag, cls, second, span = 1;

		if (!n || p >= first + n) {
			first = p;
			n = st->page_cnt - p < batch ? st->page_cnt - p : batch;
			err = arena_inspect_scan_headers(s->r, first, n, hdr);
			if (err)
				goto out;
			st->scanned_pages += n;
		}
		state = hdr[2 * (p - first)];
		second = hdr[2 * (p - first) + 1];
		tag = state & ARENA_HEAP_TAG_MASK;
		cls = state & ~ARENA_HEAP_TAG_MASK;
		if (st->page_kind[p] != BPF_ARENA_PAGE_EMPTY) {
			/* globals or pool, known beforehand */
		} else if ((tag == ARENA_HEAP_USED || tag == ARENA_HEAP_FREE) &&
			   cls < ARENA_HEAP_NR_CLASSES) {
			__u64 bsz = arena_heap_block_size(cls);

			if (bsz < s->page) {
				err = count_small_page(s, p, cls, buf);
				if (err)
					goto out;
			} else {
				span = bsz / s->page;
				if (tag == ARENA_HEAP_USED)
					st->cls[cls].live++;
				else
					st->cls[cls].free++;
				st->cls[cls].pages += span;
				mark(st, p, span, BPF_ARENA_PAGE_CLASS, (__u8)cls);
			}
		} else if (tag == ARENA_HEAP_USED && cls == ARENA_HEAP_LARGE && second &&
			   second <= st->page_cnt - p) {
			span = second;
			st->large_live++;
			st->large_pages += span;
			mark(st, p, span, BPF_ARENA_PAGE_LARGE, 0);
		} else if (state || second) {
			st->page_kind[p] = BPF_ARENA_PAGE_DATA;
		}
		p += (__u32)span;
	}
out:
	free(hdr);
	free(buf);
	return err;
}

static void sum_up(struct bpf_arena_heap_stats *st, size_t page)
{
	__u64 class_bytes = 0, class_free = 0;
	int c;

	for (c = 0; c < BPF_ARENA_HEAP_CLASSES; c++) {
		struct bpf_arena_heap_class *k = &st->cls[c];
		__u64 free_bytes = (k->free + k->uncarved) * k->block_size;

		st->bytes_in_use += k->live * k->block_size;
		class_bytes += k->pages * page;
		class_free += free_bytes;
	}
	st->bytes_in_use += st->large_pages * page;
	st->bytes_free = class_free + st->pool_pages * page;
	st->fragmentation = class_bytes ? (double)class_free / (double)class_bytes : 0.0;
}

/* CPU slots of the heap the program was built with, from its BTF size. */
static int heap_cpu_cnt(const struct bpf_arena_globals *g, __u32 *cnt)
{
	__s32 id;
	__u64 sz, base = offsetof(struct arena_heap, cache);

	*cnt = ARENA_HEAP_MAX_CPUS;
	if (!g)
		return 0;
	id = btf__find_by_name_kind(g->btf, "arena_heap", BTF_KIND_STRUCT);
	if (id <= 0)
		return 0;
	sz = btf__type_by_id(g->btf, id)->size;
	if (sz < base || (sz - base) % sizeof(struct arena_heap_cache)) {
		pr_warn("struct arena_heap of %s has %llu bytes, which is no layout of this "
			"library's allocator (a different version of arena_alloc.h?)\n",
			g->btf_source, (unsigned long long)sz);
		return -EPROTO;
	}
	*cnt = (__u32)((sz - base) / sizeof(struct arena_heap_cache));
	return 0;
}

struct bpf_arena_heap_stats *bpf_arena__heap_stats(struct bpf_arena_reader *r, __u64 heap_off,
						   const struct bpf_arena_globals *g)
{
	struct bpf_arena_heap_stats *st;
	struct arena_heap h; /* up to the caches */
	struct heap_scan s = { .r = r };
	int c, err;

	if (!r)
		return arena_err_ptr(-EINVAL);
	s.page = arena_page_size();
	s.ua = bpf_arena_reader__user_addr(r);
	s.size = bpf_arena_reader__size(r);
	st = calloc(1, sizeof(*st));
	if (!st)
		return arena_err_ptr(-ENOMEM);
	s.st = st;
	st->heap_offset = heap_off;
	st->page_cnt = (__u32)(s.size / s.page);
	err = heap_cpu_cnt(g, &st->cpu_cnt);
	if (err)
		goto err_out;
	st->page_kind = calloc(st->page_cnt, 1);
	st->page_class = calloc(st->page_cnt, 1);
	st->cpu_cached = calloc(st->cpu_cnt ? st->cpu_cnt : 1, sizeof(*st->cpu_cached));
	if (!st->page_kind || !st->page_class || !st->cpu_cached) {
		err = -ENOMEM;
		goto err_out;
	}
	if (heap_off + offsetof(struct arena_heap, cache) > s.size) {
		err = -ERANGE;
		goto err_out;
	}
	err = bpf_arena_reader__read(r, heap_off, &h, offsetof(struct arena_heap, cache));
	if (err)
		goto err_out;
	if (h.pool_pages > h.pages || h.pages > st->page_cnt) {
		pr_warn("arena: the heap at offset 0x%llx says it holds %llu pages, %llu in its "
			"pool, in an arena of %u pages: not a heap of this library's allocator\n",
			(unsigned long long)heap_off, (unsigned long long)h.pages,
			(unsigned long long)h.pool_pages, st->page_cnt);
		err = -EPROTO;
		goto err_out;
	}
	st->pages = h.pages;
	st->pool_pages = h.pool_pages;
	st->refills = h.refills;
	st->bad_frees = h.bad_frees;
	for (c = 0; c < BPF_ARENA_HEAP_CLASSES; c++)
		st->cls[c].block_size = arena_heap_block_size(c);
	if (g)
		mark(st, g->offset / s.page, (g->size + s.page - 1) / s.page,
		     BPF_ARENA_PAGE_GLOBALS, 0);
	err = walk_pool(&s, (__u64)(unsigned long)h.pool);
	if (!err)
		err = read_caches(&s, heap_off);
	if (!err)
		err = classify_pages(&s);
	if (err)
		goto err_out;
	sum_up(st, s.page);
	return st;
err_out:
	bpf_arena__heap_stats_free(st);
	return arena_err_ptr(err);
}

void bpf_arena__heap_stats_free(struct bpf_arena_heap_stats *st)
{
	if (!st)
		return;
	free(st->page_kind);
	free(st->page_class);
	free(st->cpu_cached);
	free(st);
}

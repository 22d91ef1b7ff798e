// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hash table and ordered map (bpf_arena/arena_htab.h, arena_rbtree.h):
 * self tests in user space and in BPF, and 100k random operations checked
 * one by one against a plain C reference model, run in user space alone and
 * across the boundary (each batch of operations goes to BPF or to user
 * space at random, on the same structure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ds_test_util.h"
#include "ds_model.h"

#define DS_REFILL(heap) ((void)0)
#include "progs/ds_maps_logic.h"

#define KEYS DS_MODEL_KEYS

/* ---- hash table ---- */

static struct ds_htab_globals *user_htab(struct ds_user_arena *a)
{
	size_t gpages = (sizeof(struct ds_htab_globals) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct ds_htab_globals *g = (struct ds_htab_globals *)(a->base + PAGE_SIZE);

	cr_assert_eq(arena_heap_add_pages(&g->heap, a->base + (1 + gpages) * PAGE_SIZE, 512), 0);
	cr_assert_eq(arena_htab_init(&g->htab, &g->heap, sizeof(struct ds_key),
				     sizeof(struct ds_val), DS_HTAB_MAX),
		     0);
	return g;
}

/* Walk every bucket: the elements are exactly the model's keys. */
static void htab_matches_model(struct ds_htab_globals *g, const struct ds_model *m)
{
	struct arena_htab_elem *e;
	__u64 seen = 0;
	int b;

	arena_htab_for_each_unlocked(e, b, &g->htab) {
		struct ds_key *key = (struct ds_key *)arena_htab_elem_key(e);
		struct ds_val *val = (struct ds_val *)arena_htab_elem_value(&g->htab, e);
		struct ds_key want;
		__u64 k = 0;

		/* find the key number: ids are k * golden ratio, unique */
		for (k = 0; k < KEYS; k++) {
			ds_make_key(k, &want);
			if (memcmp(&want, key, sizeof(want)) == 0)
				break;
		}
		cr_assert_lt(k, KEYS, "an element with a key nobody inserted");
		cr_assert(m->present[k], "key %llu is in the table, deleted in the model",
			  (unsigned long long)k);
		cr_assert_eq(val->a, m->value[k]);
		seen++;
	}
	cr_assert_eq(seen, m->count, "%llu elements in the buckets, %llu in the model",
		     (unsigned long long)seen, (unsigned long long)m->count);
	cr_assert_eq(arena_htab_count(&g->htab), m->count);
}

Test(ds_maps, user_htab_selftest)
{
	struct ds_user_arena a = ds_user_arena(1024);
	struct ds_htab_globals *g = user_htab(&a);
	int line = ds_htab_selftest(g);

	cr_assert_eq(line, 0, "CHECK() failed at line %d", line);
	line = ds_htab_limits(g);
	cr_assert_eq(line, 0, "limits: CHECK() failed at line %d", line);
	ds_user_arena_free(&a);
}

static void htab_user_batch(void *ctx, bool in_bpf)
{
	ds_htab_run_batch((struct ds_htab_globals *)ctx);
}

Test(ds_maps, user_htab_100k_random_ops_match_the_model)
{
	struct ds_user_arena a = ds_user_arena(1024);
	struct ds_htab_globals *g = user_htab(&a);
	static struct ds_model m;

	memset(&m, 0, sizeof(m));
	ds_model_random_ops(g->ops, &g->nops, false, 0, htab_user_batch, g, &m, ds_test_seed());
	htab_matches_model(g, &m);
	ds_user_arena_free(&a);
}

Test(ds_maps, bpf_htab_selftest)
{
	struct bpf_object *obj = ds_open("ds_htab");

	ds_run(obj, "htab_init");
	ds_run(obj, "htab_selftest");
	ds_run(obj, "htab_limits");
	bpf_arena__close(obj);
}

struct cross_ctx {
	struct bpf_object *obj;
	void *g;
	int (*user)(void *g);
	const char *prog;
};

static void cross_batch(void *p, bool in_bpf)
{
	struct cross_ctx *c = (struct cross_ctx *)p;

	if (in_bpf)
		ds_run(c->obj, c->prog);
	else
		cr_assert_eq(c->user(c->g), 0);
}

static int htab_user_run(void *g)
{
	return ds_htab_run_batch((struct ds_htab_globals *)g);
}

Test(ds_maps, htab_100k_random_ops_alternating_bpf_and_user_match_the_model)
{
	struct bpf_object *obj = ds_open("ds_htab");
	struct ds_htab_globals *g = (struct ds_htab_globals *)ds_globals(obj, sizeof(*g));
	struct cross_ctx c = { obj, g, htab_user_run, "htab_batch" };
	static struct ds_model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	ds_run(obj, "htab_init");
	bpf_batches = ds_model_random_ops(g->ops, &g->nops, false, 50, cross_batch, &c, &m,
					  ds_test_seed());
	cr_assert_gt(bpf_batches, 20, "both sides took part");
	cr_assert_lt(bpf_batches, DS_MODEL_OPS / DS_BATCH - 20);
	htab_matches_model(g, &m);
	bpf_arena__close(obj);
}

/* ---- ordered map ---- */

static struct ds_rbtree_globals *user_rbtree(struct ds_user_arena *a)
{
	size_t gpages = (sizeof(struct ds_rbtree_globals) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct ds_rbtree_globals *g = (struct ds_rbtree_globals *)(a->base + PAGE_SIZE);

	cr_assert_eq(arena_heap_add_pages(&g->heap, a->base + (1 + gpages) * PAGE_SIZE, 512), 0);
	arena_rbtree_init(&g->tree, &g->heap);
	return g;
}

/* In-order walk gives exactly the model's keys and values, in order. */
static void rbtree_matches_model(struct ds_rbtree_globals *g, const struct ds_model *m)
{
	struct arena_rb_node *n = arena_rbtree_min(&g->tree);
	__u64 k;

	for (k = 0; k < KEYS; k++) {
		if (!m->present[k])
			continue;
		cr_assert(n, "the tree ends before key %llu", (unsigned long long)k);
		cr_assert_eq(n->key, k);
		cr_assert_eq(n->value, m->value[k]);
		n = arena_rbtree_next(n);
	}
	cr_assert_null(n, "the tree has keys the model doesn't");
	cr_assert_eq(arena_rbtree_count(&g->tree), m->count);
}

Test(ds_maps, user_rbtree_selftest)
{
	struct ds_user_arena a = ds_user_arena(1024);
	int line = ds_rbtree_selftest(user_rbtree(&a));

	cr_assert_eq(line, 0, "CHECK() failed at line %d", line);
	ds_user_arena_free(&a);
}

static void rbtree_user_batch(void *ctx, bool in_bpf)
{
	struct ds_rbtree_globals *g = (struct ds_rbtree_globals *)ctx;
	struct ds_op saved;

	ds_rbtree_run_batch(g);
	/* the red-black rules hold after every batch (validate uses ops[0]
	 * as scratch, so keep the result there)
	 */
	saved = g->ops[0];
	cr_assert_eq(ds_rbtree_validate(g), 0, "the tree broke its rules");
	g->ops[0] = saved;
}

Test(ds_maps, user_rbtree_100k_random_ops_match_the_model)
{
	struct ds_user_arena a = ds_user_arena(1024);
	struct ds_rbtree_globals *g = user_rbtree(&a);
	static struct ds_model m;

	memset(&m, 0, sizeof(m));
	ds_model_random_ops(g->ops, &g->nops, true, 0, rbtree_user_batch, g, &m, ds_test_seed());
	rbtree_matches_model(g, &m);
	ds_user_arena_free(&a);
}

Test(ds_maps, bpf_rbtree_selftest)
{
	struct bpf_object *obj = ds_open("ds_rbtree");

	ds_run(obj, "rbtree_init");
	ds_run(obj, "rbtree_selftest");
	bpf_arena__close(obj);
}

static int rbtree_user_run(void *g)
{
	return ds_rbtree_run_batch((struct ds_rbtree_globals *)g);
}

static void rbtree_cross_batch(void *p, bool in_bpf)
{
	struct cross_ctx *c = (struct cross_ctx *)p;
	struct ds_rbtree_globals *g = (struct ds_rbtree_globals *)c->g;
	struct ds_op saved;

	cross_batch(p, in_bpf);
	saved = g->ops[0];
	/* the other side checks the red-black rules */
	if (in_bpf)
		cr_assert_eq(ds_rbtree_validate(g), 0, "user space: the tree broke its rules");
	else
		ds_run(c->obj, "rbtree_validate");
	g->ops[0] = saved;
}

Test(ds_maps, rbtree_100k_random_ops_alternating_bpf_and_user_match_the_model)
{
	struct bpf_object *obj = ds_open("ds_rbtree");
	struct ds_rbtree_globals *g = (struct ds_rbtree_globals *)ds_globals(obj, sizeof(*g));
	struct cross_ctx c = { obj, g, rbtree_user_run, "rbtree_batch" };
	static struct ds_model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	ds_run(obj, "rbtree_init");
	bpf_batches = ds_model_random_ops(g->ops, &g->nops, true, 50, rbtree_cross_batch, &c, &m,
					  ds_test_seed());
	cr_assert_gt(bpf_batches, 20, "both sides took part");
	rbtree_matches_model(g, &m);
	bpf_arena__close(obj);
}

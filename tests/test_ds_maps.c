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

#define DS_REFILL(heap) ((void)0)
#include "progs/ds_maps_logic.h"

#define RANDOM_OPS 100000
#define KEYS 3000

/* The reference: a present flag and a value per key. */
struct model {
	bool present[KEYS + 1];
	__u64 value[KEYS + 1];
	__u64 count;
};

static __u64 rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void make_op(struct ds_op *op, __u64 *seed, bool ordered)
{
	__u64 r = rnd(seed) % 100;

	op->key = rnd(seed) % KEYS;
	op->value = rnd(seed);
	if (r < 30)
		op->op = DS_OP_INSERT;
	else if (r < 55)
		op->op = DS_OP_DELETE;
	else if (r < 80)
		op->op = DS_OP_LOOKUP;
	else if (r < 90 || !ordered)
		op->op = DS_OP_UPDATE;
	else
		op->op = DS_OP_NEXT;
}

/* What the structure must have answered, and the model after it. */
static void model_apply(struct model *m, const struct ds_op *op, __s64 *ret, __u64 *out)
{
	__u64 k = op->key, j;

	*out = 0;
	switch (op->op) {
	case DS_OP_INSERT:
		*ret = m->present[k] ? -EEXIST : 0;
		if (!m->present[k]) {
			m->present[k] = true;
			m->value[k] = op->value;
			m->count++;
		}
		break;
	case DS_OP_UPDATE:
		*ret = m->present[k] ? 0 : -ENOENT;
		if (m->present[k])
			m->value[k] = op->value;
		break;
	case DS_OP_DELETE:
		*ret = m->present[k] ? 0 : -ENOENT;
		if (m->present[k]) {
			m->present[k] = false;
			m->count--;
		}
		break;
	case DS_OP_LOOKUP:
		*ret = m->present[k] ? 0 : -ENOENT;
		*out = m->present[k] ? m->value[k] : 0;
		break;
	case DS_OP_NEXT:
		for (j = k; j < KEYS && !m->present[j]; j++)
			;
		if (j >= KEYS) {
			*ret = -ENOENT;
			break;
		}
		*out = j;
		for (j++; j < KEYS && !m->present[j]; j++)
			;
		*ret = j < KEYS ? (__s64)j : -ENOENT;
		break;
	}
}

typedef void (*batch_fn)(void *ctx, bool in_bpf);

/* Generates RANDOM_OPS operations in batches into @ops, lets @run execute
 * each batch (in BPF when @bpf_share of 100 says so), and checks every
 * result against the model.
 */
static void random_ops(struct ds_op *ops, __u64 *nops, bool ordered, int bpf_share, batch_fn run,
		       void *ctx, struct model *m, __u64 seed, int *bpf_batches)
{
	__u64 done = 0;

	*bpf_batches = 0;
	while (done < RANDOM_OPS) {
		__u64 n = RANDOM_OPS - done < DS_BATCH ? RANDOM_OPS - done : DS_BATCH;
		bool in_bpf = (int)(rnd(&seed) % 100) < bpf_share;

		for (__u64 i = 0; i < n; i++)
			make_op(&ops[i], &seed, ordered);
		*nops = n;
		run(ctx, in_bpf);
		*bpf_batches += in_bpf;
		for (__u64 i = 0; i < n; i++) {
			__s64 ret;
			__u64 out;

			model_apply(m, &ops[i], &ret, &out);
			if (ops[i].ret != ret || ops[i].out != out)
				cr_assert_fail(
					"op %llu (%s, kind %llu, key %llu): got %lld/%llu, "
					"model says %lld/%llu",
					(unsigned long long)(done + i), in_bpf ? "BPF" : "user",
					(unsigned long long)ops[i].op,
					(unsigned long long)ops[i].key, (long long)ops[i].ret,
					(unsigned long long)ops[i].out, (long long)ret,
					(unsigned long long)out);
		}
		done += n;
	}
}

static __u64 test_seed(void)
{
	const char *s = getenv("DS_SEED");
	__u64 seed = s ? strtoull(s, NULL, 0) : (__u64)time(NULL);

	if (!seed)
		seed = 1;
	cr_log_info("DS_SEED=%llu", (unsigned long long)seed);
	return seed;
}

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
static void htab_matches_model(struct ds_htab_globals *g, const struct model *m)
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
	static struct model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	random_ops(g->ops, &g->nops, false, 0, htab_user_batch, g, &m, test_seed(), &bpf_batches);
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
	static struct model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	ds_run(obj, "htab_init");
	random_ops(g->ops, &g->nops, false, 50, cross_batch, &c, &m, test_seed(), &bpf_batches);
	cr_assert_gt(bpf_batches, 20, "both sides took part");
	cr_assert_lt(bpf_batches, RANDOM_OPS / DS_BATCH - 20);
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
static void rbtree_matches_model(struct ds_rbtree_globals *g, const struct model *m)
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
	static struct model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	random_ops(g->ops, &g->nops, true, 0, rbtree_user_batch, g, &m, test_seed(), &bpf_batches);
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
	static struct model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	ds_run(obj, "rbtree_init");
	random_ops(g->ops, &g->nops, true, 50, rbtree_cross_batch, &c, &m, test_seed(),
		   &bpf_batches);
	cr_assert_gt(bpf_batches, 20, "both sides took part");
	rbtree_matches_model(g, &m);
	bpf_arena__close(obj);
}

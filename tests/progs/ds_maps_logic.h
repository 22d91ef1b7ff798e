/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Hash table and ordered map operations, written once for BPF
 * (ds_htab.bpf.c, ds_rbtree.bpf.c) and user space (test_ds_maps.c): a
 * batch of struct ds_op in arena memory is applied and each op's result
 * recorded, so user space can compare both sides with one reference model.
 */
#ifndef __DS_MAPS_LOGIC_H
#define __DS_MAPS_LOGIC_H

#include "ds_common.h"

ARENA_ALWAYS_INLINE void ds_htab_apply(struct arena_htab __arena *htab, struct ds_op __arena *op)
{
	struct ds_op __arena *o = arena_deref(op);
	struct ds_key key;
	struct ds_val val;
	__s64 ret;

	ds_make_key(o->key, &key);
	val.a = o->value;
	val.b = ~o->value;
	o->out = 0;
	switch (o->op) {
	case DS_OP_INSERT:
		ret = arena_htab_update(htab, &key, &val, ARENA_HTAB_NOEXIST);
		break;
	case DS_OP_UPDATE:
		ret = arena_htab_update(htab, &key, &val, ARENA_HTAB_EXIST);
		break;
	case DS_OP_DELETE:
		ret = arena_htab_delete(htab, &key);
		break;
	case DS_OP_LOOKUP:
		ret = arena_htab_lookup_copy(htab, &key, &val);
		if (!ret && val.b != ~val.a)
			ret = -1000; /* a torn value */
		if (!ret)
			o->out = val.a;
		break;
	default:
		ret = -EINVAL;
	}
	o->ret = ret;
}

static inline int ds_htab_run_batch(struct ds_htab_globals __arena *g)
{
	int i;

	arena_for(i, 0, DS_BATCH) {
		if ((__u64)i >= arena_deref(g)->nops)
			break;
		ds_htab_apply(&g->htab, &g->ops[i]);
	}
	return 0;
}

/* Everything the table does, checked on the spot. */
static inline int ds_htab_selftest(struct ds_htab_globals __arena *g)
{
	struct arena_htab __arena *h = &g->htab;
	struct ds_val __arena *vp;
	struct ds_key key;
	struct ds_val val;
	__u64 used;
	int i;

	ds_make_key(1, &key);
	val.a = 11;
	val.b = ~11ULL;
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_EXIST) == -ENOENT);
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_NOEXIST) == 0);
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_NOEXIST) == -EEXIST);
	vp = (struct ds_val __arena *)arena_htab_lookup(h, &key);
	CHECK(vp && arena_deref(vp)->a == 11);
	val.a = 12;
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_ANY) == 0);
	CHECK(arena_deref(vp)->a == 12); /* updated in place */
	CHECK(arena_htab_count(h) == 1);
	CHECK(arena_htab_delete(h, &key) == 0);
	CHECK(arena_htab_delete(h, &key) == -ENOENT);
	CHECK(!arena_htab_lookup(h, &key));
	CHECK(arena_htab_count(h) == 0);
	/* delete reuses memory: the same number of inserts after deleting
	 * takes no new page
	 */
	arena_for(i, 0, 200) {
		ds_make_key(100 + i, &key);
		CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_ANY) == 0);
	}
	arena_for(i, 0, 200) {
		ds_make_key(100 + i, &key);
		CHECK(arena_htab_delete(h, &key) == 0);
	}
	used = arena_deref(&g->heap)->pages - arena_deref(&g->heap)->pool_pages;
	arena_for(i, 0, 200) {
		ds_make_key(1000 + i, &key);
		CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_ANY) == 0);
	}
	CHECK(arena_deref(&g->heap)->pages - arena_deref(&g->heap)->pool_pages == used);
	CHECK(arena_htab_count(h) == 200);
	arena_for(i, 0, 200) {
		ds_make_key(1000 + i, &key);
		CHECK(arena_htab_lookup_copy(h, &key, &val) == 0);
		CHECK(arena_htab_delete(h, &key) == 0);
	}
	CHECK(arena_htab_count(h) == 0);
	return 0;
}

/* Full table: -E2BIG, and a wrong key size: -EINVAL. */
static inline int ds_htab_limits(struct ds_htab_globals __arena *g)
{
	struct arena_htab __arena *h = &g->htab;
	struct ds_key key;
	struct ds_val val = { 1, ~1ULL };
	__u64 small = 5;
	int i;

	arena_for(i, 0, DS_HTAB_MAX) {
		ds_make_key(i, &key);
		CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_NOEXIST) == 0);
	}
	ds_make_key(DS_HTAB_MAX, &key);
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_NOEXIST) == -E2BIG);
	CHECK(arena_htab_count(h) == DS_HTAB_MAX);
	CHECK(arena_htab_update(h, &small, &val, ARENA_HTAB_ANY) == -EINVAL);
	CHECK(!arena_htab_lookup(h, &small));
	ds_make_key(7, &key);
	CHECK(arena_htab_delete(h, &key) == 0);
	ds_make_key(DS_HTAB_MAX, &key);
	CHECK(arena_htab_update(h, &key, &val, ARENA_HTAB_NOEXIST) == 0);
	return 0;
}

ARENA_ALWAYS_INLINE void ds_rbtree_apply(struct arena_rbtree __arena *tree,
					 struct ds_op __arena *op)
{
	struct ds_op __arena *o = arena_deref(op);
	struct arena_rb_node __arena *n;
	__s64 ret = 0;

	o->out = 0;
	switch (o->op) {
	case DS_OP_INSERT:
		ret = arena_rbtree_insert(tree, o->key, o->value);
		break;
	case DS_OP_UPDATE:
		n = arena_rbtree_find(tree, o->key);
		if (n)
			arena_deref(n)->value = o->value;
		else
			ret = -ENOENT;
		break;
	case DS_OP_DELETE:
		ret = arena_rbtree_delete(tree, o->key);
		break;
	case DS_OP_LOOKUP:
		n = arena_rbtree_find(tree, o->key);
		if (n)
			o->out = arena_deref(n)->value;
		else
			ret = -ENOENT;
		break;
	case DS_OP_NEXT:
		/* the smallest key >= key, and the one after it */
		n = arena_rbtree_lower_bound(tree, o->key);
		if (!n) {
			ret = -ENOENT;
			break;
		}
		o->out = arena_deref(n)->key;
		n = arena_rbtree_next(n);
		ret = n ? (__s64)arena_deref(n)->key : -ENOENT;
		break;
	default:
		ret = -EINVAL;
	}
	o->ret = ret;
}

static inline int ds_rbtree_run_batch(struct ds_rbtree_globals __arena *g)
{
	int i;

	arena_for(i, 0, DS_BATCH) {
		if ((__u64)i >= arena_deref(g)->nops)
			break;
		ds_rbtree_apply(&g->tree, &g->ops[i]);
	}
	return 0;
}

/* The red-black rules, checked by walking the tree in order: keys rise,
 * parents and children agree, no red node has a red parent, every path
 * from a node with a missing child to the root has as many black nodes.
 * Counters sit in ops[0], which the verifier doesn't track.
 */
static inline int ds_rbtree_validate(struct ds_rbtree_globals __arena *g)
{
	struct arena_rbtree __arena *t = &g->tree;
	struct ds_op __arena *c = arena_deref(&g->ops[0]);
	struct arena_rb_node __arena *n, *p, *up;
	__u64 blacks;
	int i, j;

	c->out = 0; /* nodes seen */
	c->value = 0; /* black height, once known */
	n = arena_rbtree_min(t);
	CHECK(!arena_deref(t)->root || arena_rb_color(arena_deref(t)->root) == ARENA_RB_BLACK);
	CHECK(!arena_deref(t)->root || !arena_rb_parent(arena_deref(t)->root));
	arena_for(i, 0, ARENA_MAX_LOOPS) {
		if (!n)
			break;
		c->out++;
		p = arena_rb_parent(n);
		if (p)
			CHECK(arena_rb_left(p) == n || arena_rb_right(p) == n);
		if (arena_rb_left(n))
			CHECK(arena_rb_parent(arena_rb_left(n)) == n);
		if (arena_rb_right(n))
			CHECK(arena_rb_parent(arena_rb_right(n)) == n);
		if (arena_rb_color(n) == ARENA_RB_RED)
			CHECK(arena_rb_color(p) == ARENA_RB_BLACK);
		if (!arena_rb_left(n) || !arena_rb_right(n)) {
			blacks = 0;
			up = n;
			arena_for(j, 0, ARENA_RBTREE_MAX_DEPTH + 1) {
				if (!up)
					break;
				if (arena_rb_color(up) == ARENA_RB_BLACK)
					blacks++;
				up = arena_rb_parent(up);
			}
			CHECK(!up);
			if (!c->value)
				c->value = blacks;
			CHECK(c->value == blacks);
		}
		p = arena_rbtree_next(n);
		if (p)
			CHECK(arena_deref(p)->key > arena_deref(n)->key);
		n = p;
	}
	CHECK(c->out == arena_rbtree_count(t));
	return 0;
}

static inline int ds_rbtree_selftest(struct ds_rbtree_globals __arena *g)
{
	struct arena_rbtree __arena *t = &g->tree;
	struct arena_rb_node __arena *n;
	__u64 used;
	int i;

	CHECK(!arena_rbtree_min(t) && !arena_rbtree_max(t));
	/* 0, 7, 14, ... in a scrambled order */
	arena_for(i, 0, 300)
		CHECK(arena_rbtree_insert(t, ((__u64)i * 97 % 300) * 7, i) == 0);
	CHECK(arena_rbtree_insert(t, 7, 0) == -EEXIST);
	CHECK(arena_rbtree_count(t) == 300);
	CHECK(ds_rbtree_validate(g) == 0);
	CHECK(arena_deref(arena_rbtree_min(t))->key == 0);
	CHECK(arena_deref(arena_rbtree_max(t))->key == 299 * 7);
	n = arena_rbtree_lower_bound(t, 8);
	CHECK(n && arena_deref(n)->key == 14);
	CHECK(arena_deref(arena_rbtree_prev(n))->key == 7);
	CHECK(!arena_rbtree_lower_bound(t, 299 * 7 + 1));
	CHECK(!arena_rbtree_find(t, 8));
	/* delete the odd multiples, check, put them back: no new page */
	arena_for(i, 0, 300)
		if (i & 1)
			CHECK(arena_rbtree_delete(t, (__u64)i * 7) == 0);
	CHECK(arena_rbtree_delete(t, 7) == -ENOENT);
	CHECK(arena_rbtree_count(t) == 150);
	CHECK(ds_rbtree_validate(g) == 0);
	used = arena_deref(&g->heap)->pages - arena_deref(&g->heap)->pool_pages;
	arena_for(i, 0, 300)
		if (i & 1)
			CHECK(arena_rbtree_insert(t, (__u64)i * 7, i) == 0);
	CHECK(arena_deref(&g->heap)->pages - arena_deref(&g->heap)->pool_pages == used);
	CHECK(ds_rbtree_validate(g) == 0);
	/* in order, backwards */
	n = arena_rbtree_max(t);
	arena_for(i, 0, 300) {
		CHECK(n && arena_deref(n)->key == (__u64)(299 - i) * 7);
		n = arena_rbtree_prev(n);
	}
	CHECK(!n);
	arena_for(i, 0, 300)
		CHECK(arena_rbtree_delete(t, (__u64)i * 7) == 0);
	CHECK(arena_rbtree_count(t) == 0 && !arena_deref(t)->root);
	return 0;
}

#endif /* __DS_MAPS_LOGIC_H */

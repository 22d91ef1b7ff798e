/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The list, bitmap and queue tests, written once: the BPF program
 * ds_containers.bpf.c runs them as SEC("syscall") programs, test_ds_containers.c
 * runs the same functions natively on an arena mapping. Each returns 0 or
 * the line of its failed CHECK(). The includer defines DS_REFILL(heap), which
 * makes sure the heap's pool has pages (a kfunc call in BPF, nothing in user
 * space, where the test donated pages up front).
 */
#ifndef __DS_CONTAINERS_LOGIC_H
#define __DS_CONTAINERS_LOGIC_H

#include "ds_common.h"

static inline struct ds_item __arena *ds_new_item(struct arena_heap __arena *heap, __u64 value)
{
	struct ds_item __arena *it =
		(struct ds_item __arena *)arena_malloc(heap, sizeof(struct ds_item));

	if (it)
		arena_deref(it)->value = value;
	return it;
}

static inline __u64 ds_item_value(struct arena_list_node __arena *node)
{
	return arena_deref(arena_container_of(node, struct ds_item, node))->value;
}

/* Items 0 .. DS_LIST_BPF_ITEMS - 1, in order. */
static inline int ds_list_build(struct ds_containers_globals __arena *g)
{
	struct ds_item __arena *it;
	int i;

	DS_REFILL(&g->heap);
	arena_list_init(&g->list);
	arena_for(i, 0, DS_LIST_BPF_ITEMS) {
		it = ds_new_item(&g->heap, i);
		CHECK(it);
		arena_list_add_tail(&it->node, &g->list);
	}
	return 0;
}

/* The other side's edit: drop odd items, put 5000 in front, 1000..1009 at
 * the end.
 */
static inline int ds_list_edit(struct ds_containers_globals __arena *g)
{
	struct arena_list_node __arena *pos, *tmp;
	struct ds_item __arena *it;
	int i;

	arena_list_for_each_safe(pos, tmp, &g->list) {
		if (ds_item_value(pos) & 1) {
			arena_list_del(pos, &g->list);
			CHECK(arena_free(&g->heap, arena_container_of(pos, struct ds_item, node)) ==
			      0);
		}
	}
	it = ds_new_item(&g->heap, 5000);
	CHECK(it);
	arena_list_add(&it->node, &g->list);
	arena_for(i, 0, 10) {
		it = ds_new_item(&g->heap, 1000 + i);
		CHECK(it);
		arena_list_add_tail(&it->node, &g->list);
	}
	return 0;
}

/* What build + edit leave, forwards and backwards. */
static inline int ds_list_check(struct ds_containers_globals __arena *g)
{
	struct ds_containers_globals __arena *k = arena_deref(g);
	struct arena_list_node __arena *pos;
	__u64 n, want;

	k->n = 0;
	arena_list_for_each(pos, &g->list) {
		n = k->n++;
		if (n == 0)
			want = 5000;
		else if (n <= DS_LIST_BPF_ITEMS / 2)
			want = (n - 1) * 2;
		else
			want = 1000 + n - 1 - DS_LIST_BPF_ITEMS / 2;
		CHECK(ds_item_value(pos) == want);
	}
	CHECK(k->n == 1 + DS_LIST_BPF_ITEMS / 2 + 10);
	/* a fresh load: compared with a constant the verifier knows, the
	 * loop counter in arena_list_len() would stop the loop converging
	 */
	CHECK(arena_list_len(&g->list) == arena_read_once(k->n));
	/* backwards */
	pos = arena_list_last(&g->list);
	CHECK(ds_item_value(pos) == 1009);
	CHECK(ds_item_value(arena_list_prev(pos)) == 1008);
	pos = arena_list_first(&g->list);
	CHECK(!arena_list_prev(pos));
	CHECK(ds_item_value(arena_list_next(pos)) == 0);
	return 0;
}

/* Everything the list does, in one place. */
static inline int ds_list_selftest(struct ds_containers_globals __arena *g)
{
	struct arena_list_node __arena *pos, *node;
	struct ds_item __arena *a, *b, *c;
	__u64 sum = 0;
	int err;

	err = ds_list_build(g);
	if (err)
		return err;
	err = ds_list_edit(g);
	if (err)
		return err;
	err = ds_list_check(g);
	if (err)
		return err;
	/* insert_after in the middle and at the end */
	a = ds_new_item(&g->heap, 7777);
	b = ds_new_item(&g->heap, 8888);
	CHECK(a && b);
	node = arena_list_next(arena_list_first(&g->list));
	arena_list_insert_after(&a->node, node, &g->list);
	CHECK(ds_item_value(arena_list_next(node)) == 7777);
	CHECK(ds_item_value(arena_list_next(&a->node)) == 2);
	arena_list_insert_after(&b->node, arena_list_last(&g->list), &g->list);
	CHECK(arena_list_last(&g->list) == &b->node);
	/* pop everything, freeing as we go */
	arena_for(err, 0, 1000) {
		node = arena_list_pop(&g->list);
		if (!node)
			break;
		sum += ds_item_value(node);
		c = arena_container_of(node, struct ds_item, node);
		CHECK(arena_free(&g->heap, c) == 0);
	}
	/* 5000 + (0 + 2 + .. + 98) + (1000 + .. + 1009) + 7777 + 8888 */
	CHECK(sum == 5000 + 2450 + 10045 + 7777 + 8888);
	CHECK(arena_list_empty(&g->list));
	CHECK(!arena_list_last(&g->list));
	arena_list_for_each(pos, &g->list)
		return __LINE__;
	return 0;
}

/* Multiples of 3 set. */
static inline int ds_bitmap_build(struct ds_containers_globals __arena *g)
{
	int i;

	DS_REFILL(&g->heap);
	CHECK(arena_bitmap_init(&g->bitmap, &g->heap, DS_BITMAP_BITS) == 0);
	arena_for(i, 0, DS_BITMAP_BITS)
		if (i % 3 == 0)
			CHECK(arena_bitmap_set(&g->bitmap, i) == 0);
	return 0;
}

static inline int ds_bitmap_edit(struct ds_containers_globals __arena *g)
{
	CHECK(arena_bitmap_test(&g->bitmap, 999) == 1);
	CHECK(arena_bitmap_test(&g->bitmap, 998) == 0);
	CHECK(arena_bitmap_weight(&g->bitmap) == 334);
	CHECK(arena_bitmap_find_first_zero(&g->bitmap) == 1);
	CHECK(arena_bitmap_set(&g->bitmap, 1) == 0);
	CHECK(arena_bitmap_clear(&g->bitmap, 999) == 0);
	CHECK(arena_bitmap_test_and_set(&g->bitmap, 998) == 0);
	CHECK(arena_bitmap_test_and_set(&g->bitmap, 998) == 1);
	return 0;
}

static inline int ds_bitmap_check(struct ds_containers_globals __arena *g)
{
	CHECK(arena_bitmap_weight(&g->bitmap) == 335);
	CHECK(arena_bitmap_test(&g->bitmap, 1) == 1);
	CHECK(arena_bitmap_test(&g->bitmap, 999) == 0);
	CHECK(arena_bitmap_find_next_set(&g->bitmap, 997) == 998);
	CHECK(arena_bitmap_find_next_set(&g->bitmap, 999) == DS_BITMAP_BITS);
	CHECK(arena_bitmap_find_first_zero(&g->bitmap) == 2);
	CHECK(arena_bitmap_find_next_zero(&g->bitmap, 3) == 4);
	CHECK(arena_bitmap_set(&g->bitmap, DS_BITMAP_BITS) == -EINVAL);
	CHECK(arena_bitmap_test(&g->bitmap, DS_BITMAP_BITS) == -EINVAL);
	return 0;
}

static inline int ds_bitmap_selftest(struct ds_containers_globals __arena *g)
{
	int err, i;

	err = ds_bitmap_build(g);
	if (!err)
		err = ds_bitmap_edit(g);
	if (!err)
		err = ds_bitmap_check(g);
	if (err)
		return err;
	/* claim every free bit, the way concurrent users would */
	arena_for(i, 0, DS_BITMAP_BITS + 1) {
		__u64 bit = arena_bitmap_find_first_zero(&g->bitmap);

		if (bit == DS_BITMAP_BITS)
			break;
		CHECK(arena_bitmap_test_and_set(&g->bitmap, bit) == 0);
	}
	CHECK(arena_bitmap_weight(&g->bitmap) == DS_BITMAP_BITS);
	CHECK(arena_bitmap_test_and_clear(&g->bitmap, 500) == 1);
	CHECK(arena_bitmap_find_first_zero(&g->bitmap) == 500);
	arena_bitmap_zero(&g->bitmap);
	CHECK(arena_bitmap_weight(&g->bitmap) == 0);
	CHECK(arena_bitmap_find_first_set(&g->bitmap) == DS_BITMAP_BITS);
	return 0;
}

/* 0 .. 49 queued. */
static inline int ds_queue_build(struct ds_containers_globals __arena *g)
{
	int i;

	DS_REFILL(&g->heap);
	CHECK(arena_queue_init(&g->queue, &g->heap, DS_QUEUE_CAP) == 0);
	CHECK(arena_queue_capacity(&g->queue) == DS_QUEUE_CAP);
	arena_for(i, 0, 50)
		CHECK(arena_queue_push(&g->queue, i) == 0);
	return 0;
}

static inline int ds_queue_edit(struct ds_containers_globals __arena *g)
{
	__u64 v;
	int i;

	arena_for(i, 0, 10) {
		CHECK(arena_queue_pop(&g->queue, &v) == 0);
		CHECK(v == (__u64)i);
	}
	arena_for(i, 0, 10)
		CHECK(arena_queue_push(&g->queue, 100 + i) == 0);
	CHECK(arena_queue_len(&g->queue) == 50);
	return 0;
}

static inline int ds_queue_check(struct ds_containers_globals __arena *g)
{
	__u64 v;
	int i;

	arena_for(i, 0, 50) {
		CHECK(arena_queue_pop(&g->queue, &v) == 0);
		CHECK(v == (i < 40 ? (__u64)i + 10 : (__u64)i - 40 + 100));
	}
	CHECK(arena_queue_pop(&g->queue, &v) == -ENOENT);
	arena_for(i, 0, DS_QUEUE_CAP)
		CHECK(arena_queue_push(&g->queue, i) == 0);
	CHECK(arena_queue_push(&g->queue, 12345) == -ENOSPC);
	CHECK(arena_queue_len(&g->queue) == DS_QUEUE_CAP);
	return 0;
}

static inline int ds_queue_selftest(struct ds_containers_globals __arena *g)
{
	__u64 v;
	int err, i;

	err = ds_queue_build(g);
	if (!err)
		err = ds_queue_edit(g);
	if (!err)
		err = ds_queue_check(g);
	if (err)
		return err;
	/* wrap around the ring many times */
	arena_for(i, 0, 10 * DS_QUEUE_CAP) {
		CHECK(arena_queue_pop(&g->queue, &v) == 0);
		CHECK(arena_queue_push(&g->queue, v + DS_QUEUE_CAP) == 0);
	}
	CHECK(arena_queue_pop(&g->queue, &v) == 0);
	CHECK(v == 10 * DS_QUEUE_CAP);
	return 0;
}

#endif /* __DS_CONTAINERS_LOGIC_H */

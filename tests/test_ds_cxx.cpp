// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The data-structure headers compiled as C++ and run over ordinary memory
 * (user space needs no arena for them): every structure once, so a C++
 * program that includes <bpf_arena/arena_ds.h> builds and works.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <bpf_arena/arena_ds.h>

struct item {
	struct arena_list_node node;
	__u64 value;
};

struct world {
	struct arena_heap heap;
	struct arena_list_head list;
	struct arena_htab htab;
	struct arena_fhtab fhtab;
	struct arena_queue queue;
	struct arena_rbtree tree;
	struct arena_bitmap bitmap;
	struct arena_spinlock lock;
};

static struct world *new_world(void **mem)
{
	const size_t pages = 512;
	char *m = (char *)aligned_alloc(PAGE_SIZE, (pages + 16) * PAGE_SIZE);
	struct world *w = (struct world *)m;

	cr_assert(m);
	memset(m, 0, (pages + 16) * PAGE_SIZE);
	cr_assert_lt(sizeof(*w), 16 * PAGE_SIZE);
	cr_assert_eq(arena_heap_add_pages(&w->heap, m + 16 * PAGE_SIZE, pages), 0);
	*mem = m;
	return w;
}

Test(ds_cxx, every_structure_works_from_cxx)
{
	void *mem;
	struct world *w = new_world(&mem);
	struct arena_list_node *pos;
	struct arena_rb_node *n;
	__u64 key = 42, val = 7, out = 0, sum = 0;

	cr_assert_eq(arena_spin_lock(&w->lock), 0);
	cr_assert_eq(arena_spin_trylock(&w->lock), 0);
	arena_spin_unlock(&w->lock);

	for (int i = 0; i < 10; i++) {
		struct item *it = (struct item *)arena_malloc(&w->heap, sizeof(*it));

		cr_assert(it);
		it->value = i;
		arena_list_add_tail(&it->node, &w->list);
	}
	arena_list_for_each(pos, &w->list)
		sum += arena_container_of(pos, struct item, node)->value;
	cr_assert_eq(sum, 45);

	cr_assert_eq(arena_htab_init(&w->htab, &w->heap, sizeof(key), sizeof(val), 100), 0);
	cr_assert_eq(arena_htab_update(&w->htab, &key, &val, ARENA_HTAB_ANY), 0);
	cr_assert_eq(arena_htab_lookup_copy(&w->htab, &key, &out), 0);
	cr_assert_eq(out, 7);
	cr_assert_eq(arena_htab_delete(&w->htab, &key), 0);

	cr_assert_eq(arena_fhtab_init(&w->fhtab, &w->heap, sizeof(key), sizeof(val), 100), 0);
	cr_assert_eq(arena_fhtab_update(&w->fhtab, &key, &val, ARENA_FHTAB_NOEXIST), 0);
	cr_assert_eq(arena_fhtab_lookup(&w->fhtab, &key, &out), 0);
	cr_assert_eq(out, 7);
	cr_assert_eq(*(__u64 *)arena_fhtab_lookup_elem(&w->fhtab, &key), 7);
	cr_assert_eq(arena_fhtab_count(&w->fhtab), 1);
	cr_assert_eq(arena_fhtab_delete(&w->fhtab, &key), 0);
	cr_assert_eq(arena_fhtab_destroy(&w->fhtab), 0);

	cr_assert_eq(arena_queue_init(&w->queue, &w->heap, 8), 0);
	cr_assert_eq(arena_queue_push(&w->queue, 5), 0);
	cr_assert_eq(arena_queue_pop(&w->queue, &out), 0);
	cr_assert_eq(out, 5);

	arena_rbtree_init(&w->tree, &w->heap);
	for (__u64 k = 0; k < 100; k++)
		cr_assert_eq(arena_rbtree_insert(&w->tree, (k * 37) % 100, k), 0);
	n = arena_rbtree_min(&w->tree);
	for (__u64 k = 0; k < 100; k++, n = arena_rbtree_next(n))
		cr_assert_eq(n->key, k);
	cr_assert_eq(arena_rbtree_delete(&w->tree, 50), 0);
	cr_assert_null(arena_rbtree_find(&w->tree, 50));

	cr_assert_eq(arena_bitmap_init(&w->bitmap, &w->heap, 100), 0);
	cr_assert_eq(arena_bitmap_test_and_set(&w->bitmap, 63), 0);
	cr_assert_eq(arena_bitmap_find_first_set(&w->bitmap), 63);
	cr_assert_eq(arena_bitmap_weight(&w->bitmap), 1);
	free(mem);
}

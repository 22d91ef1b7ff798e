// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * List, bitmap and queue (bpf_arena/arena_{list,bitmap,queue}.h), each three
 * ways with the same code (progs/ds_containers_logic.h): all in user space
 * on an arena mapping, all in BPF, and across the boundary in both
 * directions (one side builds, the other checks and edits, the first checks
 * the edit).
 */
#include "ds_test_util.h"

#define DS_REFILL(heap) ((void)0)
#include "progs/ds_containers_logic.h"

/* The globals of ds_containers.bpf.c, but in an arena of the test's own. */
static struct ds_containers_globals *user_globals(struct ds_user_arena *a)
{
	size_t gpages = (sizeof(struct ds_containers_globals) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct ds_containers_globals *g = (struct ds_containers_globals *)(a->base + PAGE_SIZE);

	cr_assert_eq(arena_heap_add_pages(&g->heap, a->base + (1 + gpages) * PAGE_SIZE, 64), 0);
	return g;
}

#define USER_ONLY(name)                                                   \
	Test(ds_containers, user_##name)                                  \
	{                                                                 \
		struct ds_user_arena a = ds_user_arena(256);              \
		int line = ds_##name(user_globals(&a));                   \
		cr_assert_eq(line, 0, "CHECK() failed at line %d", line); \
		ds_user_arena_free(&a);                                   \
	}

USER_ONLY(list_selftest)
USER_ONLY(bitmap_selftest)
USER_ONLY(queue_selftest)

#define BPF_ONLY(name)                                             \
	Test(ds_containers, bpf_##name)                            \
	{                                                          \
		struct bpf_object *obj = ds_open("ds_containers"); \
		ds_run(obj, #name);                                \
		bpf_arena__close(obj);                             \
	}

BPF_ONLY(list_selftest)
BPF_ONLY(bitmap_selftest)
BPF_ONLY(queue_selftest)

/* BPF builds, user space checks and edits, BPF checks the edit. */
#define BPF_USER_BPF(what)                                                                    \
	Test(ds_containers, what##_bpf_builds_user_edits_bpf_checks)                          \
	{                                                                                     \
		struct bpf_object *obj = ds_open("ds_containers");                            \
		struct ds_containers_globals *g = (struct ds_containers_globals *)ds_globals( \
			obj, sizeof(struct ds_containers_globals));                           \
		int line;                                                                     \
                                                                                              \
		ds_run(obj, #what "_build");                                                  \
		line = ds_##what##_edit(g);                                                   \
		cr_assert_eq(line, 0, "user space: CHECK() failed at line %d", line);         \
		ds_run(obj, #what "_check");                                                  \
		bpf_arena__close(obj);                                                        \
	}

/* User space builds, BPF checks and edits, user space checks the edit. */
#define USER_BPF_USER(what)                                                                   \
	Test(ds_containers, what##_user_builds_bpf_edits_user_checks)                         \
	{                                                                                     \
		struct bpf_object *obj = ds_open("ds_containers");                            \
		struct ds_containers_globals *g = (struct ds_containers_globals *)ds_globals( \
			obj, sizeof(struct ds_containers_globals));                           \
		int line;                                                                     \
                                                                                              \
		/* user space can't call the kfunc: BPF stocks the pool */                    \
		ds_run(obj, "list_build");                                                    \
		ds_run(obj, "bitmap_build");                                                  \
		line = ds_##what##_build(g);                                                  \
		cr_assert_eq(line, 0, "user space: CHECK() failed at line %d", line);         \
		ds_run(obj, #what "_edit");                                                   \
		line = ds_##what##_check(g);                                                  \
		cr_assert_eq(line, 0, "user space: CHECK() failed at line %d", line);         \
		bpf_arena__close(obj);                                                        \
	}

BPF_USER_BPF(list)
BPF_USER_BPF(bitmap)
BPF_USER_BPF(queue)
USER_BPF_USER(list)
USER_BPF_USER(bitmap)
USER_BPF_USER(queue)

Test(ds_containers, user_sees_bpf_pointers_as_plain_pointers)
{
	struct bpf_object *obj = ds_open("ds_containers");
	struct ds_containers_globals *g = (struct ds_containers_globals *)ds_globals(
		obj, sizeof(struct ds_containers_globals));
	char *base = (char *)bpf_arena__base(bpf_arena__from_object(obj));
	size_t size = bpf_arena__size(bpf_arena__from_object(obj));
	struct arena_list_node *n;
	__u64 want = 0;

	ds_run(obj, "list_build");
	for (n = g->list.first; n; n = n->next) {
		cr_assert((char *)n >= base && (char *)n < base + size, "node %p outside the arena",
			  (void *)n);
		cr_assert_eq(((struct ds_item *)n)->value, want++);
	}
	cr_assert_eq(want, DS_LIST_BPF_ITEMS);
	bpf_arena__close(obj);
}

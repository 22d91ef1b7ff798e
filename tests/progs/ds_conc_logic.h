/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* One round of an actor in the concurrency test, the same code for the two
 * BPF actors (ds_conc.bpf.c, one per CPU) and the user-space one
 * (test_ds_conc.c): each actor keeps a window of its own keys live in the
 * shared hash table (inserting the next, deleting the oldest), reads one
 * back, pushes its numbered values into the shared queue and pops whatever
 * comes, marking it in the producer's bitmap. Anything lost or seen twice
 * counts as an error; a lock that stayed taken only delays the step.
 */
#ifndef __DS_CONC_LOGIC_H
#define __DS_CONC_LOGIC_H

#include "ds_common.h"

static inline void ds_conc_key(__u64 actor, __u64 n, struct ds_key *key)
{
	int j;

	key->id = actor << 32 | n;
	for (j = 0; j < (int)sizeof(key->name); j++)
		key->name[j] = (char)(n + actor + j);
}

#define DS_CONC_ERROR(a)                       \
	do {                                   \
		(a)->errors++;                 \
		(a)->last_err_line = __LINE__; \
	} while (0)

/* BPF: the heap's pool must hold the pages (the BPF side refills it). */
static inline int ds_conc_init(struct ds_conc_globals __arena *g)
{
	int i;

	CHECK(arena_htab_init(&g->htab, &g->heap, sizeof(struct ds_key), sizeof(struct ds_val),
			      DS_CONC_HTAB_MAX) == 0);
	CHECK(arena_queue_init(&g->queue, &g->heap, DS_CONC_QUEUE_CAP) == 0);
	arena_for(i, 0, DS_CONC_ACTORS)
		CHECK(arena_bitmap_init(&g->popped[i], &g->heap, DS_CONC_MAX_PUSH) == 0);
	return 0;
}

ARENA_ALWAYS_INLINE void ds_conc_round(struct ds_conc_globals __arena *g, __u64 id)
{
	struct ds_conc_actor __arena *a = arena_deref(&g->actor[id]);
	struct ds_key key;
	struct ds_val val;
	__u64 v, p;
	int err, i;

	/* the oldest key goes once the window is full */
	if (a->next_key - a->del_key >= DS_CONC_WINDOW) {
		ds_conc_key(id, a->del_key, &key);
		err = arena_htab_delete(&g->htab, &key);
		if (!err)
			a->del_key++;
		else if (err == -ETIMEDOUT)
			a->timeouts++;
		else
			DS_CONC_ERROR(a); /* -ENOENT: lost */
	}
	if (a->next_key - a->del_key < DS_CONC_WINDOW) {
		ds_conc_key(id, a->next_key, &key);
		val.a = a->next_key;
		val.b = ~val.a;
		err = arena_htab_update(&g->htab, &key, &val, ARENA_HTAB_NOEXIST);
		if (!err)
			a->next_key++;
		else if (err == -ETIMEDOUT)
			a->timeouts++;
		else if (err == -ENOMEM)
			a->nomem++;
		else
			DS_CONC_ERROR(a); /* -EEXIST: a duplicate */
	}
	/* the oldest live key reads back whole */
	if (a->next_key > a->del_key) {
		ds_conc_key(id, a->del_key, &key);
		err = arena_htab_lookup_copy(&g->htab, &key, &val);
		if (err == -ETIMEDOUT)
			a->timeouts++;
		else if (err || val.a != a->del_key || val.b != ~val.a)
			DS_CONC_ERROR(a);
	}

	if (a->pushed < DS_CONC_MAX_PUSH) {
		err = arena_queue_push(&g->queue, id << 32 | a->pushed);
		if (!err)
			a->pushed++;
		else if (err == -EAGAIN)
			a->timeouts++;
		else if (err != -ENOSPC)
			DS_CONC_ERROR(a);
	}
	err = arena_queue_pop(&g->queue, &v);
	if (err == -EAGAIN) {
		a->timeouts++;
	} else if (err && err != -ENOENT) {
		DS_CONC_ERROR(a);
	} else if (!err) {
		p = v >> 32;
		if (p >= DS_CONC_ACTORS) {
			DS_CONC_ERROR(a);
			return;
		}
		arena_for(i, 0, 4) {
			err = arena_bitmap_test_and_set(&g->popped[p], v & 0xffffffff);
			if (err != -EAGAIN)
				break;
		}
		if (err) /* 1: popped twice; <0: not recorded */
			DS_CONC_ERROR(a);
		else
			a->popped++;
	}
}

#endif /* __DS_CONC_LOGIC_H */

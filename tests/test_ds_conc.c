// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF on both CPUs at once plus a user-space thread, all inserting and
 * deleting in one hash table and pushing and popping in one queue for a
 * bounded time (progs/ds_conc_logic.h). Afterwards every structure must be
 * consistent: the table holds exactly each actor's live window of keys,
 * every value pushed was popped exactly once, and nobody saw an error.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>

#include "ds_test_util.h"
#include "ds_actors.h"

#define DS_REFILL(heap) ((void)0)
#include "progs/ds_conc_logic.h"

/* A user actor's run: rounds of the same logic BPF runs. */
static void conc_user_run(struct ds_actor_thread *t)
{
	for (int i = 0; i < DS_ACTORS_ROUNDS_PER_RUN; i++)
		ds_conc_round((struct ds_conc_globals *)t->g, t->actor);
}

/* Whether every actor went past its first window and pushed (read while
 * they run: the counts only grow).
 */
static bool all_progressed(void *p)
{
	struct ds_conc_globals *g = (struct ds_conc_globals *)p;

	for (int i = 0; i < DS_CONC_ACTORS; i++) {
		volatile struct ds_conc_actor *a = &g->actor[i];

		if (a->next_key <= DS_CONC_WINDOW || !a->pushed)
			return false;
	}
	return true;
}

Test(ds_conc, two_cpus_of_bpf_and_a_user_thread_lose_and_duplicate_nothing, .timeout = 60)
{
	struct bpf_object *obj = ds_open("ds_conc");
	struct ds_conc_globals *g = (struct ds_conc_globals *)ds_globals(obj, sizeof(*g));
	struct ds_actor_thread t[DS_CONC_ACTORS];
	struct arena_htab_elem *e;
	__u64 live = 0, found = 0, v;
	int b, err;

	ds_run(obj, "conc_init");
	for (int i = 0; i < DS_CONC_ACTORS; i++)
		t[i] = (struct ds_actor_thread){ .obj = obj,
						 .g = g,
						 .prog = "conc_round",
						 .user_run = conc_user_run,
						 .actor = i,
						 .cpu = i < 2 ? i : -1 };
	ds_actors_run(t, DS_CONC_ACTORS, all_progressed);

	for (int i = 0; i < DS_CONC_ACTORS; i++) {
		struct ds_conc_actor *a = &g->actor[i];

		fprintf(stderr,
			"ds_conc (%s) actor %d (%s): %ld runs, keys %llu inserted / %llu deleted, "
			"%llu pushed, %llu popped, %llu timeouts, %llu nomem\n",
			test_variant(), i, i < 2 ? "BPF" : "user", t[i].runs,
			(unsigned long long)a->next_key, (unsigned long long)a->del_key,
			(unsigned long long)a->pushed, (unsigned long long)a->popped,
			(unsigned long long)a->timeouts, (unsigned long long)a->nomem);
		cr_assert_eq(t[i].run_errors, 0, "actor %d: BPF_PROG_TEST_RUN failed: %s", i,
			     strerror(t[i].last_errno));
		cr_assert_eq(a->errors, 0, "actor %d saw %llu errors, the last at line %llu", i,
			     (unsigned long long)a->errors, (unsigned long long)a->last_err_line);
		cr_assert_gt(a->next_key, DS_CONC_WINDOW, "actor %d made progress", i);
		cr_assert_gt(a->pushed, 0);
		live += a->next_key - a->del_key;
	}

	/* The table: exactly the live windows, each key once, values whole. */
	cr_assert_eq(arena_htab_count(&g->htab), live);
	arena_htab_for_each_unlocked(e, b, &g->htab) {
		struct ds_key *key = (struct ds_key *)arena_htab_elem_key(e);
		struct ds_val *val = (struct ds_val *)arena_htab_elem_value(&g->htab, e);
		__u64 actor = key->id >> 32, n = key->id & 0xffffffff;

		cr_assert_lt(actor, DS_CONC_ACTORS);
		cr_assert(n >= g->actor[actor].del_key && n < g->actor[actor].next_key,
			  "key %llu of actor %llu should be gone", (unsigned long long)n,
			  (unsigned long long)actor);
		cr_assert_eq(val->a, n);
		found++;
	}
	cr_assert_eq(found, live, "%llu elements in the buckets, %llu live",
		     (unsigned long long)found, (unsigned long long)live);
	for (int i = 0; i < DS_CONC_ACTORS; i++)
		for (__u64 n = g->actor[i].del_key; n < g->actor[i].next_key; n++) {
			struct ds_key key;
			struct ds_val val;

			ds_conc_key(i, n, &key);
			cr_assert_eq(arena_htab_lookup_copy(&g->htab, &key, &val), 0);
		}

	/* The queue: drain it, then every value pushed was popped once. */
	while ((err = arena_queue_pop(&g->queue, &v)) == 0) {
		cr_assert_lt(v >> 32, DS_CONC_ACTORS);
		cr_assert_eq(arena_bitmap_test_and_set(&g->popped[v >> 32], v & 0xffffffff), 0,
			     "value %llx popped twice", (unsigned long long)v);
	}
	cr_assert_eq(err, -ENOENT);
	for (int i = 0; i < DS_CONC_ACTORS; i++) {
		cr_assert_eq(arena_bitmap_weight(&g->popped[i]), g->actor[i].pushed,
			     "actor %d pushed %llu values, %llu came out", i,
			     (unsigned long long)g->actor[i].pushed,
			     (unsigned long long)arena_bitmap_weight(&g->popped[i]));
		cr_assert_eq(arena_bitmap_find_first_zero(&g->popped[i]), g->actor[i].pushed);
	}
	cr_assert_eq(g->heap.bad_frees, 0);
	bpf_arena__close(obj);
}

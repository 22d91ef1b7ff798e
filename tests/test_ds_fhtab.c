// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flat hash table (bpf_arena/arena_fhtab.h): self tests in user space
 * and in BPF; 100k random operations checked one by one against a plain C
 * model, in user space alone and across the boundary; keys crafted to share
 * one home bucket; answers after BPF's loop budget is spent; and readers on
 * both CPUs of BPF and in a user thread against writers on all three, each
 * value checked for tearing and reuse and each miss against what the
 * writers had published.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ds_test_util.h"
#include "ds_actors.h"
#include "ds_model.h"
#include "progs/ds_fhtab_logic.h"

#define KEYS DS_MODEL_KEYS

/* The walk in memory order finds exactly the model's keys, values whole. */
static void fhtab_matches_model(struct ds_fhtab_globals *g, const struct ds_model *m)
{
	struct arena_fhtab_bucket *bk;
	static bool seen_key[KEYS];
	__u64 seen = 0, b, k;
	int i;

	memset(seen_key, 0, sizeof(seen_key));
	arena_fhtab_for_each(bk, b, i, &g->htab) {
		struct ds_key *key = (struct ds_key *)arena_fhtab_slot_key(&g->htab, bk, i);
		struct ds_val *val = (struct ds_val *)arena_fhtab_slot_value(&g->htab, bk, i);
		struct ds_key want;

		for (k = 0; k < KEYS; k++) {
			ds_make_key(k, &want);
			if (!memcmp(&want, key, sizeof(want)))
				break;
		}
		cr_assert_lt(k, KEYS, "an entry with a key nobody inserted");
		cr_assert(m->present[k], "key %llu is in the table, deleted in the model",
			  (unsigned long long)k);
		cr_assert_not(seen_key[k], "key %llu is in the table twice", (unsigned long long)k);
		seen_key[k] = true;
		cr_assert_eq(val->a, m->value[k]);
		cr_assert_eq(val->b, ~m->value[k]);
		seen++;
	}
	cr_assert_eq(seen, m->count, "%llu entries in the table, %llu in the model",
		     (unsigned long long)seen, (unsigned long long)m->count);
	cr_assert_eq(arena_fhtab_count(&g->htab), m->count);
}

static struct ds_fhtab_globals *user_fhtab(struct ds_user_arena *a)
{
	size_t gpages = (sizeof(struct ds_fhtab_globals) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct ds_fhtab_globals *g = (struct ds_fhtab_globals *)(a->base + PAGE_SIZE);

	cr_assert_eq(arena_heap_add_pages(&g->heap, a->base + (1 + gpages) * PAGE_SIZE, 512), 0);
	cr_assert_eq(arena_fhtab_init(&g->htab, &g->heap, sizeof(struct ds_key),
				      sizeof(struct ds_val), DS_FHTAB_MAX),
		     0);
	g->pages_after_init = ds_fh_heap_used(g);
	return g;
}

Test(ds_fhtab, user_selftest)
{
	struct ds_user_arena a = ds_user_arena(1024);
	struct ds_fhtab_globals *g = user_fhtab(&a);
	int line = ds_fhtab_selftest(g);

	cr_assert_eq(line, 0, "CHECK() failed at line %d", line);
	/* one slot of 32 + 16 bytes per 64-byte bucket, at most half full */
	cr_assert_eq(g->htab.slots, 1);
	cr_assert_eq(g->htab.bucket_size, 64);
	cr_assert_geq(g->htab.nbuckets, 2 * DS_FHTAB_MAX);
	ds_user_arena_free(&a);
}

static void user_batch(void *ctx, bool in_bpf)
{
	(void)in_bpf;
	ds_fhtab_run_batch((struct ds_fhtab_globals *)ctx);
}

Test(ds_fhtab, user_100k_random_ops_match_the_model)
{
	struct ds_user_arena a = ds_user_arena(1024);
	struct ds_fhtab_globals *g = user_fhtab(&a);
	static struct ds_model m;

	memset(&m, 0, sizeof(m));
	ds_model_random_ops(g->ops, &g->nops, false, 0, user_batch, g, &m, ds_test_seed());
	fhtab_matches_model(g, &m);
	ds_user_arena_free(&a);
}

/* Keys whose home is one bucket fill it and the next ones: lookups walk
 * the path, deletes from its middle keep the rest findable, and once all
 * are gone every bucket's count of entries that passed is 0 again.
 */
Test(ds_fhtab, keys_sharing_a_home_bucket_walk_the_path_and_counts_return_to_zero)
{
	struct ds_user_arena a = ds_user_arena(64);
	struct arena_heap *heap = ds_user_heap(&a, 32);
	struct arena_fhtab *t = (struct arena_fhtab *)(a.base + 40 * PAGE_SIZE);
	__u64 keys[40], k, v, h, home = 0, b;
	int n = 0, i;

	cr_assert_eq(arena_fhtab_init(t, heap, 8, 8, 1000), 0);
	cr_assert_eq(t->slots, 3);
	for (k = 1; n < 40; k++) {
		h = arena_fhtab_hash(&k, 8);
		if (!n)
			home = arena_fhtab_home(h, t->nbuckets);
		if (arena_fhtab_home(h, t->nbuckets) == home)
			keys[n++] = k;
	}
	for (i = 0; i < n; i++)
		cr_assert_eq(arena_fhtab_update(t, &keys[i], &keys[i], ARENA_FHTAB_NOEXIST), 0);
	/* 40 keys, 3 a bucket: 14 buckets, the home one passed by 37 */
	cr_assert_eq(arena_fhtab_bucket_at(t, home)->meta >> 48, 37);
	for (i = 0; i < n; i++) {
		cr_assert_eq(arena_fhtab_lookup(t, &keys[i], &v), 0);
		cr_assert_eq(v, keys[i]);
	}
	for (i = 0; i < n; i += 2)
		cr_assert_eq(arena_fhtab_delete(t, &keys[i]), 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(arena_fhtab_lookup(t, &keys[i], &v), i % 2 ? 0 : -ENOENT);
	/* the holes are reused, the path gets no longer */
	for (i = 0; i < n; i += 2)
		cr_assert_eq(arena_fhtab_update(t, &keys[i], &keys[i], ARENA_FHTAB_NOEXIST), 0);
	cr_assert_eq(arena_fhtab_bucket_at(t, home + 14)->meta & 0xffffff, 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(arena_fhtab_delete(t, &keys[i]), 0);
	for (b = 0; b < arena_fhtab_nr_buckets(t); b++)
		cr_assert_eq(arena_fhtab_bucket_at(t, b)->meta, 0, "bucket %llu: meta %llx",
			     (unsigned long long)b,
			     (unsigned long long)arena_fhtab_bucket_at(t, b)->meta);
	cr_assert_eq(arena_fhtab_count(t), 0);
	/* a path full to its last bucket: -ENOSPC, and counts unchanged */
	for (k = 1, n = 0; n < 3 * ARENA_FHTAB_MAX_PROBE + 1; k++) {
		h = arena_fhtab_hash(&k, 8);
		if (arena_fhtab_home(h, t->nbuckets) != home)
			continue;
		v = arena_fhtab_update(t, &k, &k, ARENA_FHTAB_NOEXIST);
		cr_assert_eq((int)v, n < 3 * ARENA_FHTAB_MAX_PROBE ? 0 : -ENOSPC, "key %d", n);
		n++;
	}
	cr_assert_eq(arena_fhtab_bucket_at(t, home)->meta >> 48, 3 * ARENA_FHTAB_MAX_PROBE - 3);
	cr_assert_eq(arena_fhtab_count(t), 3 * ARENA_FHTAB_MAX_PROBE);
	ds_user_arena_free(&a);
}

/* Keys with the same home bucket and the same tag: the first candidate a
 * lookup compares is the wrong one, and the walk must go on to the next.
 */
Test(ds_fhtab, keys_with_the_same_tag_in_one_bucket_are_told_apart)
{
	struct ds_user_arena a = ds_user_arena(64);
	struct arena_heap *heap = ds_user_heap(&a, 32);
	struct arena_fhtab *t = (struct arena_fhtab *)(a.base + 40 * PAGE_SIZE);
	__u64 keys[3], k, v, h, home = 0, tag = 0;
	int n = 0, i;

	cr_assert_eq(arena_fhtab_init(t, heap, 8, 8, 1000), 0);
	for (k = 1; n < 3; k++) {
		h = arena_fhtab_hash(&k, 8);
		if (!n) {
			home = arena_fhtab_home(h, t->nbuckets);
			tag = arena_fhtab_tag(h);
		}
		if (arena_fhtab_home(h, t->nbuckets) == home && arena_fhtab_tag(h) == tag)
			keys[n++] = k;
	}
	for (i = 0; i < 3; i++)
		cr_assert_eq(arena_fhtab_update(t, &keys[i], &keys[i], ARENA_FHTAB_NOEXIST), 0);
	/* all three in the home bucket, all with one tag */
	cr_assert_eq(arena_fhtab_bucket_at(t, home)->meta, tag * 0x010101ULL);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(arena_fhtab_lookup(t, &keys[i], &v), 0);
		cr_assert_eq(v, keys[i]);
		cr_assert_eq(*(__u64 *)arena_fhtab_lookup_elem(t, &keys[i]), keys[i]);
		cr_assert_eq(arena_fhtab_update(t, &keys[i], &keys[i], ARENA_FHTAB_NOEXIST),
			     -EEXIST);
	}
	cr_assert_eq(arena_fhtab_delete(t, &keys[2]), 0);
	cr_assert_eq(arena_fhtab_lookup(t, &keys[2], &v), -ENOENT);
	cr_assert_eq(arena_fhtab_delete(t, &keys[0]), 0);
	cr_assert_eq(arena_fhtab_lookup(t, &keys[1], &v), 0);
	cr_assert_eq(arena_fhtab_delete(t, &keys[1]), 0);
	cr_assert_eq(arena_fhtab_bucket_at(t, home)->meta, 0);
	ds_user_arena_free(&a);
}

Test(ds_fhtab, bpf_selftest)
{
	struct bpf_object *obj = ds_open("ds_fhtab");
	struct ds_fhtab_globals *g = (struct ds_fhtab_globals *)ds_globals(obj, sizeof(*g));

	ds_run(obj, "fhtab_init");
	ds_run(obj, "fhtab_selftest");
	/* user space reads what BPF left, and BPF what user space leaves */
	cr_assert_eq(arena_fhtab_count(&g->htab), 0);
	cr_assert_eq(ds_fhtab_selftest(g), 0);
	ds_run(obj, "fhtab_selftest");
	bpf_arena__close(obj);
}

struct cross_ctx {
	struct bpf_object *obj;
	struct ds_fhtab_globals *g;
};

static void cross_batch(void *p, bool in_bpf)
{
	struct cross_ctx *c = (struct cross_ctx *)p;

	if (in_bpf)
		ds_run(c->obj, "fhtab_batch");
	else
		cr_assert_eq(ds_fhtab_run_batch(c->g), 0);
}

Test(ds_fhtab, bpf_and_user_100k_random_ops_alternating_match_the_model)
{
	struct bpf_object *obj = ds_open("ds_fhtab");
	struct ds_fhtab_globals *g = (struct ds_fhtab_globals *)ds_globals(obj, sizeof(*g));
	struct cross_ctx c = { obj, g };
	static struct ds_model m;
	int bpf_batches;

	memset(&m, 0, sizeof(m));
	ds_run(obj, "fhtab_init");
	bpf_batches = ds_model_random_ops(g->ops, &g->nops, false, 50, cross_batch, &c, &m,
					  ds_test_seed());
	cr_assert_gt(bpf_batches, 20, "both sides took part");
	cr_assert_lt(bpf_batches, DS_MODEL_OPS / DS_BATCH - 20);
	fhtab_matches_model(g, &m);
	bpf_arena__close(obj);
}

Test(ds_fhtab, answers_are_right_after_the_loop_budget_is_spent)
{
	struct bpf_object *obj = ds_open("ds_fhtab");
	struct ds_fhtab_globals *g = (struct ds_fhtab_globals *)ds_globals(obj, sizeof(*g));

	ds_run(obj, "fhtab_init");
	ds_run(obj, "after_budget");
	cr_assert_gt(g->spins, 10000, "%llu may_goto iterations", (unsigned long long)g->spins);
	cr_assert_eq(arena_fhtab_count(&g->htab), 0);
	bpf_arena__close(obj);
}

/* ---- readers against writers ---- */

/* The whole table, bucket by bucket, while everybody writes: every entry
 * read must be whole and its own key's.
 */
static void user_walk(struct ds_fc_globals *g, struct ds_fc_actor *a)
{
	__u64 keys[ARENA_FHTAB_MAX_SLOTS], b;
	struct ds_fc_val vals[ARENA_FHTAB_MAX_SLOTS];
	int n, i;

	for (b = 0; b < arena_fhtab_nr_buckets(&g->htab); b++) {
		n = arena_fhtab_bucket_read(&g->htab, b, keys, vals);
		if (n < 0) {
			a->timeouts++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (vals[i].a != (keys[i] ^ (vals[i].b * DS_FC_MIX)) ||
			    keys[i] >> 32 >= DS_FC_ACTORS)
				a->walk_bad++;
	}
	a->walks++;
}

/* A user actor's run: rounds of the same logic BPF runs, then a walk. */
static void fc_user_run(struct ds_actor_thread *t)
{
	struct ds_fc_globals *g = (struct ds_fc_globals *)t->g;

	for (int i = 0; i < DS_ACTORS_ROUNDS_PER_RUN; i++)
		ds_fc_round(g, t->actor);
	user_walk(g, &g->actor[t->actor]);
}

/* Whether every actor went past its first window and found keys, and user
 * space walked (read while they run: the counts only grow).
 */
static bool all_progressed(void *p)
{
	struct ds_fc_globals *g = (struct ds_fc_globals *)p;

	for (int i = 0; i < DS_FC_ACTORS; i++) {
		volatile struct ds_fc_actor *a = &g->actor[i];

		if (a->next_key <= DS_FC_WINDOW || a->found <= 1000)
			return false;
	}
	return ((volatile struct ds_fc_actor *)&g->actor[2])->walks > 100;
}

Test(ds_fhtab, readers_on_two_cpus_of_bpf_and_a_user_thread_never_see_torn_reused_or_lost,
     .timeout = 60)
{
	struct bpf_object *obj = ds_open("ds_fhtab_conc");
	struct ds_fc_globals *g = (struct ds_fc_globals *)ds_globals(obj, sizeof(*g));
	struct ds_actor_thread t[DS_FC_ACTORS];
	struct arena_fhtab_bucket *bk;
	__u64 live = 0, found = 0, b;
	int i;

	ds_run(obj, "fc_init");
	for (i = 0; i < DS_FC_ACTORS; i++) {
		t[i] = (struct ds_actor_thread){ .obj = obj,
						 .g = g,
						 .prog = "fc_round",
						 .user_run = fc_user_run,
						 .actor = i,
						 .cpu = i < 2 ? i : -1 };
		g->actor[i].rnd = 0x1234567ULL * (i + 1);
	}
	ds_actors_run(t, DS_FC_ACTORS, all_progressed);

	for (i = 0; i < DS_FC_ACTORS; i++) {
		struct ds_fc_actor *a = &g->actor[i];

		fprintf(stderr,
			"ds_fhtab conc (%s) actor %d (%s): %ld runs, %llu writes, %llu reads "
			"(%llu found), %llu bad values, %llu lost, %llu errors, %llu timeouts, "
			"%llu walks (%llu bad entries)\n",
			test_variant(), i, i < 2 ? "BPF" : "user", t[i].runs,
			(unsigned long long)a->writes, (unsigned long long)a->reads,
			(unsigned long long)a->found, (unsigned long long)a->bad_value,
			(unsigned long long)a->lost, (unsigned long long)a->errors,
			(unsigned long long)a->timeouts, (unsigned long long)a->walks,
			(unsigned long long)a->walk_bad);
		cr_assert_eq(t[i].run_errors, 0, "actor %d: BPF_PROG_TEST_RUN failed: %s", i,
			     strerror(t[i].last_errno));
		cr_assert_eq(
			a->bad_value, 0, "actor %d read %llu torn or reused values (line %llu)", i,
			(unsigned long long)a->bad_value, (unsigned long long)a->last_err_line);
		cr_assert_eq(a->lost, 0, "actor %d missed %llu keys that were there", i,
			     (unsigned long long)a->lost);
		cr_assert_eq(a->walk_bad, 0, "actor %d's walks read %llu torn or foreign entries",
			     i, (unsigned long long)a->walk_bad);
		cr_assert_eq(a->errors, 0, "actor %d: %llu errors, the last at line %llu", i,
			     (unsigned long long)a->errors, (unsigned long long)a->last_err_line);
		cr_assert_gt(a->next_key, DS_FC_WINDOW, "actor %d made progress", i);
		cr_assert_gt(a->found, 1000, "actor %d found keys", i);
		live += a->next_key - a->del_key;
	}
	cr_assert_gt(g->actor[2].walks, 100, "user space walked the table while BPF wrote");

	/* The table: exactly the live windows, each key once, values whole. */
	cr_assert_eq(arena_fhtab_count(&g->htab), live);
	arena_fhtab_for_each(bk, b, i, &g->htab) {
		__u64 key = *(__u64 *)arena_fhtab_slot_key(&g->htab, bk, i);
		struct ds_fc_val *val = (struct ds_fc_val *)arena_fhtab_slot_value(&g->htab, bk, i);
		__u64 actor = key >> 32, n = key & 0xffffffff;

		cr_assert_lt(actor, DS_FC_ACTORS);
		cr_assert(n >= g->actor[actor].del_key && n < g->actor[actor].next_key,
			  "key %llu of actor %llu should be gone", (unsigned long long)n,
			  (unsigned long long)actor);
		cr_assert_eq(val->a, key ^ (val->b * DS_FC_MIX));
		found++;
	}
	cr_assert_eq(found, live, "%llu entries in the table, %llu live", (unsigned long long)found,
		     (unsigned long long)live);
	cr_assert_eq(g->heap.bad_frees, 0);
	bpf_arena__close(obj);
}

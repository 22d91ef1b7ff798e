/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The flat hash table (arena_fhtab.h) tests, written once for BPF
 * (ds_fhtab.bpf.c) and user space (test_ds_fhtab.c): batches of operations
 * checked against a model, a self test, and the rounds of the concurrency
 * test, where readers check every value they get for tearing and reuse and
 * every miss against what the writers published.
 */
#ifndef __DS_FHTAB_LOGIC_H
#define __DS_FHTAB_LOGIC_H

#include <bpf_arena/arena_fhtab.h>
#include "ds_common.h"

/* Sized so that the random tests' 3000 keys fill it to 3/4 at most. */
#define DS_FHTAB_MAX 3000

struct ds_fhtab_globals {
	struct arena_heap heap;
	struct arena_fhtab htab;
	__u64 nops;
	struct ds_op ops[DS_BATCH];
	__u64 spins; /* budget: may_goto iterations before it ran out */
	__u64 pages_after_init;
};

ARENA_ALWAYS_INLINE void ds_fhtab_apply(struct arena_fhtab __arena *htab, struct ds_op __arena *op)
{
	struct ds_op __arena *o = arena_deref(op);
	struct ds_val __arena *vp;
	struct ds_key key;
	struct ds_val val;
	__s64 ret;

	ds_make_key(o->key, &key);
	val.a = o->value;
	val.b = ~o->value;
	o->out = 0;
	switch (o->op) {
	case DS_OP_INSERT:
		ret = arena_fhtab_update(htab, &key, &val, ARENA_FHTAB_NOEXIST);
		break;
	case DS_OP_UPDATE:
		ret = arena_fhtab_update(htab, &key, &val, ARENA_FHTAB_EXIST);
		break;
	case DS_OP_DELETE:
		ret = arena_fhtab_delete(htab, &key);
		break;
	case DS_OP_LOOKUP:
		ret = arena_fhtab_lookup(htab, &key, &val);
		if (!ret && val.b != ~val.a)
			ret = -1000; /* a torn value */
		/* the pointer lookup agrees */
		vp = (struct ds_val __arena *)arena_fhtab_lookup_elem(htab, &key);
		if (!ret && (!vp || arena_deref(vp)->a != val.a))
			ret = -1001;
		if (ret == -ENOENT && vp)
			ret = -1002;
		if (!ret)
			o->out = val.a;
		break;
	default:
		ret = -EINVAL;
	}
	o->ret = ret;
}

static inline int ds_fhtab_run_batch(struct ds_fhtab_globals __arena *g)
{
	int i;

	arena_for(i, 0, DS_BATCH) {
		if ((__u64)i >= arena_deref(g)->nops)
			break;
		ds_fhtab_apply(&g->htab, &g->ops[i]);
	}
	return 0;
}

static inline __u64 ds_fh_heap_used(struct ds_fhtab_globals __arena *g)
{
	return arena_deref(&g->heap)->pages - arena_deref(&g->heap)->pool_pages;
}

/* Everything the table does, checked on the spot. Starts and ends empty. */
static inline int ds_fhtab_selftest(struct ds_fhtab_globals __arena *g)
{
	struct arena_fhtab __arena *h = &g->htab;
	struct ds_val __arena *vp;
	struct ds_key key;
	struct ds_val val, out;
	__u64 small = 5;
	int i;

	CHECK(arena_fhtab_count(h) == 0);
	ds_make_key(1, &key);
	val.a = 11;
	val.b = ~11ULL;
	CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_EXIST) == -ENOENT);
	CHECK(arena_fhtab_lookup(h, &key, &out) == -ENOENT);
	CHECK(!arena_fhtab_lookup_elem(h, &key));
	CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_NOEXIST) == 0);
	CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_NOEXIST) == -EEXIST);
	CHECK(arena_fhtab_lookup(h, &key, &out) == 0 && out.a == 11 && out.b == ~11ULL);
	vp = (struct ds_val __arena *)arena_fhtab_lookup_elem(h, &key);
	CHECK(vp && arena_deref(vp)->a == 11);
	val.a = 12;
	val.b = ~12ULL;
	CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_ANY) == 0);
	CHECK(arena_deref(vp)->a == 12); /* updated in place */
	CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_EXIST) == 0);
	CHECK(arena_fhtab_count(h) == 1);
	CHECK(arena_fhtab_delete(h, &key) == 0);
	CHECK(arena_fhtab_delete(h, &key) == -ENOENT);
	CHECK(arena_fhtab_lookup(h, &key, &out) == -ENOENT);
	CHECK(arena_fhtab_count(h) == 0);
	/* wrong sizes */
	CHECK(arena_fhtab_update(h, &small, &val, ARENA_FHTAB_ANY) == -EINVAL);
	CHECK(arena_fhtab_update(h, &key, &small, ARENA_FHTAB_ANY) == -EINVAL);
	CHECK(arena_fhtab_lookup(h, &small, &out) == -EINVAL);
	CHECK(arena_fhtab_delete(h, &small) == -EINVAL);
	CHECK(arena_fhtab_update(h, &key, &val, 3) == -EINVAL);
	/* the table full: every key in, every key found, nothing allocated */
	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		val.a = i;
		val.b = ~(__u64)i;
		CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_NOEXIST) == 0);
	}
	CHECK(arena_fhtab_count(h) == DS_FHTAB_MAX);
	CHECK(ds_fh_heap_used(g) == arena_deref(g)->pages_after_init);
	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		CHECK(arena_fhtab_lookup(h, &key, &out) == 0 && out.a == (__u64)i &&
		      out.b == ~(__u64)i);
		if (i & 1)
			CHECK(arena_fhtab_delete(h, &key) == 0);
	}
	CHECK(arena_fhtab_count(h) == DS_FHTAB_MAX / 2);
	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		if (i & 1)
			CHECK(arena_fhtab_lookup(h, &key, &out) == -ENOENT);
		else
			CHECK(arena_fhtab_delete(h, &key) == 0);
	}
	CHECK(arena_fhtab_count(h) == 0);
	return 0;
}

/* ---- the concurrency test ---- */

#define DS_FC_ACTORS 3
#define DS_FC_WINDOW 32 /* keys each actor keeps live */
#define DS_FC_MAX 128 /* a small table: buckets shared, paths long */
#define DS_FC_READS 8 /* lookups per round */
#define DS_FC_HOT 4 /* the newest keys, rewritten and read the most */
#define DS_FC_MIX 0x9e3779b97f4a7c15ULL

/* Values say which key and which version they belong to: a = id ^ (b *
 * DS_FC_MIX), b = version. A torn value (halves of two writes) or another
 * key's value breaks the rule.
 */
struct ds_fc_val {
	__u64 a, b;
};

struct ds_fc_actor {
	__u64 next_key; /* keys [del_key, next_key) are live */
	__u64 del_key;
	__u64 del_start; /* keys below this may be gone (set before a delete) */
	__u64 version;
	__u64 rnd;
	__u64 writes, reads, found;
	__u64 bad_value; /* torn or another key's: must stay 0 */
	__u64 lost; /* a key that was surely there, not found: must stay 0 */
	__u64 errors; /* a writer's unexpected answer: must stay 0 */
	__u64 timeouts;
	__u64 last_err_line;
	__u64 walks, walk_bad; /* user space: whole-table walks, bad entries seen */
	__u64 __pad[1];
};

struct ds_fc_globals {
	struct arena_heap heap;
	struct arena_fhtab htab;
	struct ds_fc_actor actor[DS_FC_ACTORS];
};

static inline __u64 ds_fc_id(__u64 actor, __u64 n)
{
	return actor << 32 | n;
}

static inline int ds_fc_init(struct ds_fc_globals __arena *g)
{
	CHECK(arena_fhtab_init(&g->htab, &g->heap, sizeof(__u64), sizeof(struct ds_fc_val),
			       DS_FC_MAX) == 0);
	return 0;
}

ARENA_ALWAYS_INLINE __u64 ds_fc_rnd(struct ds_fc_actor __arena *a)
{
	__u64 x = a->rnd ? a->rnd : 0x2545f4914f6cdd1dULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	a->rnd = x;
	return x;
}

#define DS_FC_ERROR(a, field)                  \
	do {                                   \
		(a)->field++;                  \
		(a)->last_err_line = __LINE__; \
	} while (0)

ARENA_ALWAYS_INLINE void ds_fc_round(struct ds_fc_globals __arena *g, __u64 me)
{
	struct ds_fc_actor __arena *a = arena_deref(&g->actor[me]);
	struct ds_fc_actor __arena *o;
	struct ds_fc_val val;
	__u64 key, n, x, hi, ver, r;
	int err, i;

	/* writer: the oldest key goes once the window is full; readers may
	 * miss it from the moment del_start says so
	 */
	if (a->next_key - a->del_key >= DS_FC_WINDOW) {
		n = a->del_key;
		arena_atomic_xchg(&a->del_start, n + 1);
		key = ds_fc_id(me, n);
		err = arena_fhtab_delete(&g->htab, &key);
		if (!err)
			a->del_key = n + 1;
		else if (err == -ETIMEDOUT)
			a->timeouts++;
		else
			DS_FC_ERROR(a, errors);
	}
	if (a->next_key - a->del_key < DS_FC_WINDOW) {
		n = a->next_key;
		key = ds_fc_id(me, n);
		ver = ++a->version;
		val.b = ver;
		val.a = key ^ (ver * DS_FC_MIX);
		err = arena_fhtab_update(&g->htab, &key, &val, ARENA_FHTAB_NOEXIST);
		if (!err) /* published only once it is in */
			arena_atomic_xchg(&a->next_key, n + 1);
		else if (err == -ETIMEDOUT)
			a->timeouts++;
		else
			DS_FC_ERROR(a, errors);
		a->writes++;
	}
	/* rewrite one of the newest keys' value in place: what readers
	 * could tear
	 */
	if (a->next_key - a->del_key >= DS_FC_HOT) {
		n = a->next_key - 1 - ds_fc_rnd(a) % DS_FC_HOT;
		key = ds_fc_id(me, n);
		ver = ++a->version;
		val.b = ver;
		val.a = key ^ (ver * DS_FC_MIX);
		err = arena_fhtab_update(&g->htab, &key, &val, ARENA_FHTAB_EXIST);
		if (err == -ETIMEDOUT)
			a->timeouts++;
		else if (err)
			DS_FC_ERROR(a, errors);
		a->writes++;
	}

	/* reader: keys of every actor, live or recently deleted */
	arena_for(i, 0, DS_FC_READS) {
		r = ds_fc_rnd(a);
		x = (r >> 8) % DS_FC_ACTORS;
		o = arena_deref(&g->actor[x]);
		hi = arena_read_once(o->next_key);
		/* mostly the hot keys, and some old or just deleted ones */
		n = r % (DS_FC_HOT + ((r >> 16) & 1) * (DS_FC_WINDOW + 8 - DS_FC_HOT));
		if (n >= hi)
			continue;
		n = hi - 1 - n;
		key = ds_fc_id(x, n);
		err = arena_fhtab_lookup(&g->htab, &key, &val);
		a->reads++;
		if (!err) {
			a->found++;
			if (val.a != (key ^ (val.b * DS_FC_MIX)))
				DS_FC_ERROR(a, bad_value);
		} else if (err == -ENOENT) {
			/* inserted before the lookup (n < hi) and not yet being
			 * deleted after it: it was there all along
			 */
			if (n >= arena_atomic_cmpxchg(&o->del_start, 0, 0))
				DS_FC_ERROR(a, lost);
		} else if (err == -ETIMEDOUT) {
			a->timeouts++;
		} else {
			DS_FC_ERROR(a, errors);
		}
	}
}

#endif /* __DS_FHTAB_LOGIC_H */

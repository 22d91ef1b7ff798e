/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The reference model the map tests (test_ds_maps.c, test_ds_fhtab.c)
 * check a structure against: a present flag and a value per key number,
 * random operations in batches of struct ds_op, each run in BPF or in user
 * space, and each result compared with what the model says it must be.
 * Include after ds_test_util.h.
 */
#ifndef __DS_MODEL_H
#define __DS_MODEL_H

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define DS_MODEL_OPS 100000
#define DS_MODEL_KEYS 3000

struct ds_model {
	bool present[DS_MODEL_KEYS + 1];
	__u64 value[DS_MODEL_KEYS + 1];
	__u64 count;
};

static inline __u64 ds_rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The seed of this run: DS_SEED from the environment (to replay a failure)
 * or the time; logged, so a failure can be replayed.
 */
static inline __u64 ds_test_seed(void)
{
	const char *s = getenv("DS_SEED");
	__u64 seed = s ? strtoull(s, NULL, 0) : (__u64)time(NULL);

	if (!seed)
		seed = 1;
	cr_log_info("DS_SEED=%llu", (unsigned long long)seed);
	return seed;
}

/* A random operation on a random key: 30% inserts, 25% deletes, 25%
 * lookups, the rest updates, of which half are next-key queries when the
 * structure is @ordered.
 */
static inline void ds_model_make_op(struct ds_op *op, __u64 *seed, bool ordered)
{
	__u64 r = ds_rnd(seed) % 100;

	op->key = ds_rnd(seed) % DS_MODEL_KEYS;
	op->value = ds_rnd(seed);
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
static inline void ds_model_apply(struct ds_model *m, const struct ds_op *op, __s64 *ret,
				  __u64 *out)
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
		for (j = k; j < DS_MODEL_KEYS && !m->present[j]; j++)
			;
		if (j >= DS_MODEL_KEYS) {
			*ret = -ENOENT;
			break;
		}
		*out = j;
		for (j++; j < DS_MODEL_KEYS && !m->present[j]; j++)
			;
		*ret = j < DS_MODEL_KEYS ? (__s64)j : -ENOENT;
		break;
	}
}

/* Runs the batch of operations in @ops (BPF's or user space's turn). */
typedef void (*ds_batch_fn)(void *ctx, bool in_bpf);

/* Generates DS_MODEL_OPS operations in batches into @ops, lets @run
 * execute each batch (in BPF when @bpf_share of 100 says so), and checks
 * every result against the model; returns how many batches BPF ran.
 */
static inline int ds_model_random_ops(struct ds_op *ops, __u64 *nops, bool ordered, int bpf_share,
				      ds_batch_fn run, void *ctx, struct ds_model *m, __u64 seed)
{
	__u64 done = 0;
	int bpf_batches = 0;

	while (done < DS_MODEL_OPS) {
		__u64 n = DS_MODEL_OPS - done < DS_BATCH ? DS_MODEL_OPS - done : DS_BATCH;
		bool in_bpf = (int)(ds_rnd(&seed) % 100) < bpf_share;

		for (__u64 i = 0; i < n; i++)
			ds_model_make_op(&ops[i], &seed, ordered);
		*nops = n;
		run(ctx, in_bpf);
		bpf_batches += in_bpf;
		for (__u64 i = 0; i < n; i++) {
			__s64 ret;
			__u64 out;

			ds_model_apply(m, &ops[i], &ret, &out);
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
	return bpf_batches;
}

#endif /* __DS_MODEL_H */

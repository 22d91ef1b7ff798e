// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The flat hash table in BPF: batches of operations from user space
 * (compared there with a reference model), a self test, and answers after
 * the program's may_goto budget is spent.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "ds_fhtab_logic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
} arena SEC(".maps");

struct ds_fhtab_globals __arena_global g;

SEC("syscall")
int fhtab_init(void *ctx)
{
	CHECK(arena_heap_refill(&g.heap, &arena, 256) == 0);
	CHECK(arena_fhtab_init(&g.htab, &g.heap, sizeof(struct ds_key), sizeof(struct ds_val),
			       DS_FHTAB_MAX) == 0);
	arena_deref(&g)->pages_after_init = ds_fh_heap_used(&g);
	return 0;
}

/* One operation, verified once on its own (a global function): the five
 * kinds inlined into the batch loop would multiply the verifier's states.
 */
__noinline int fhtab_apply_one(struct arena_fhtab __arena *htab __arg_arena,
			       struct ds_op __arena *op __arg_arena)
{
	ds_fhtab_apply(htab, op);
	return 0;
}

SEC("syscall")
int fhtab_batch(void *ctx)
{
	struct ds_fhtab_globals __arena *gp = &g;
	int i;

	arena_for(i, 0, DS_BATCH) {
		if ((__u64)i >= arena_deref(gp)->nops)
			break;
		fhtab_apply_one(&gp->htab, &gp->ops[i]);
	}
	return 0;
}

SEC("syscall")
int fhtab_selftest(void *ctx)
{
	return ds_fhtab_selftest(&g);
}

/* Fill the table to max_entries, spend the run's whole loop budget, then
 * check every answer: the lock-free walks are cut short at once and must
 * fall back, never answer "absent" for a present key. Returns the line of
 * a wrong answer, or 1000000 if the budget wasn't spent.
 */
SEC("syscall")
int after_budget(void *ctx)
{
	struct ds_fhtab_globals __arena *gp = &g;
	struct arena_fhtab __arena *h = &gp->htab;
	struct ds_key key;
	struct ds_val val, out;
	__u64 n = 0;
	int i;

	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		val.a = i;
		val.b = ~(__u64)i;
		CHECK(arena_fhtab_update(h, &key, &val, ARENA_FHTAB_NOEXIST) == 0);
	}
	while (arena_can_loop)
		n++;
	arena_deref(gp)->spins = n;
	if (arena_can_loop)
		return 1000000;
	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		CHECK(arena_fhtab_lookup(h, &key, &out) == 0 && out.a == (__u64)i);
		CHECK(arena_fhtab_lookup_elem(h, &key));
		ds_make_key(100000 + i, &key);
		CHECK(arena_fhtab_lookup(h, &key, &out) == -ENOENT);
		CHECK(!arena_fhtab_lookup_elem(h, &key));
	}
	arena_for(i, 0, DS_FHTAB_MAX) {
		ds_make_key(100 + i, &key);
		CHECK(arena_fhtab_delete(h, &key) == 0);
	}
	CHECK(arena_fhtab_count(h) == 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

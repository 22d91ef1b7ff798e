// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The hash table's fast loops are may_goto loops, which the kernel cuts
 * short silently once a program run has spent its loop budget. A cut-short
 * walk must never become a wrong answer: these programs spend the whole
 * budget first, then use the table, and count every wrong answer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "ds_budget.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
} arena SEC(".maps");

struct budget_state __arena_global g;

/* Few buckets for the entries: chains long enough to walk. */
SEC("syscall")
int setup(void *ctx)
{
	int i;

	if (arena_heap_refill(&g.heap, &arena, 64))
		return 1;
	if (arena_htab_init(&g.htab, &g.heap, sizeof(__u64), sizeof(__u64), ENTRIES))
		return 2;
	arena_for(i, 0, ENTRIES) {
		__u64 k = i * 7, v = i + 100;

		if (arena_htab_update(&g.htab, &k, &v, ARENA_HTAB_NOEXIST))
			return 3;
	}
	return 0;
}

/* Returns the number of wrong answers (0), or 1000000 if the budget
 * wasn't spent (the test would prove nothing).
 */
SEC("syscall")
int after_budget(void *ctx)
{
	struct budget_state __arena *gp = &g;
	__u64 k, v, n = 0;
	int i, bad = 0;

	while (arena_can_loop)
		n++;
	arena_deref(gp)->spins = n;
	if (arena_can_loop)
		return 1000000;

	arena_for(i, 0, ENTRIES) {
		__u64 __arena *vp;

		k = i * 7;
		vp = arena_htab_lookup(&gp->htab, &k);
		if (!vp || *arena_deref(vp) != (__u64)i + 100)
			bad++;
		if (arena_htab_lookup_copy(&gp->htab, &k, &v) || v != (__u64)i + 100)
			bad++;
		k = i * 7 + 1; /* never inserted */
		if (arena_htab_lookup(&gp->htab, &k))
			bad++;
		if (arena_htab_lookup_copy(&gp->htab, &k, &v) != -ENOENT)
			bad++;
	}
	k = 7;
	v = 5;
	if (arena_htab_update(&gp->htab, &k, &v, ARENA_HTAB_NOEXIST) != -EEXIST)
		bad++;
	if (arena_htab_update(&gp->htab, &k, &v, ARENA_HTAB_EXIST) != 0)
		bad++;
	if (arena_htab_delete(&gp->htab, &k) != 0)
		bad++;
	if (arena_htab_delete(&gp->htab, &k) != -ENOENT)
		bad++;
	if (arena_htab_count(&gp->htab) != ENTRIES - 1)
		bad++;
	v = 101; /* put key 7 back as setup had it */
	if (arena_htab_update(&gp->htab, &k, &v, ARENA_HTAB_NOEXIST) != 0)
		bad++;
	return bad;
}

char _license[] SEC("license") = "GPL";

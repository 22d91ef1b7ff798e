// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The BPF actors of the flat hash table's concurrency test: user space runs
 * fc_round on both CPUs at once while a user thread does the same rounds
 * natively (progs/ds_fhtab_logic.h).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "ds_fhtab_logic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
} arena SEC(".maps");

struct ds_fc_globals __arena_global g;

SEC("syscall")
int fc_init(void *ctx)
{
	CHECK(arena_heap_refill(&g.heap, &arena, 64) == 0);
	return ds_fc_init(&g);
}

/* One round, verified once on its own (a global function): inlined into
 * the loop below, its many outcomes would multiply the verifier's states.
 */
__noinline int fc_round_one(struct ds_fc_globals __arena *gp __arg_arena, __u64 actor)
{
	if (actor >= DS_FC_ACTORS)
		return -1;
	ds_fc_round(gp, actor);
	return 0;
}

SEC("syscall")
int fc_round(struct ds_conc_ctx *ctx)
{
	__u64 actor = ctx->actor, rounds = ctx->rounds;
	int i;

	if (actor >= DS_FC_ACTORS || rounds > 4096)
		return -1;
	arena_for(i, 0, (int)rounds)
		if (fc_round_one(&g, actor))
			return -1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

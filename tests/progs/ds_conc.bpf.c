// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The BPF actors of the concurrency test: user space runs conc_round on
 * both CPUs at once while a user thread does the same rounds natively.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "ds_conc_logic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 2048);
} arena SEC(".maps");

struct ds_conc_globals __arena_global g;

SEC("syscall")
int conc_init(void *ctx)
{
	CHECK(arena_heap_refill(&g.heap, &arena, 512) == 0);
	return ds_conc_init(&g);
}

SEC("syscall")
int conc_round(struct ds_conc_ctx *ctx)
{
	__u64 actor = ctx->actor, rounds = ctx->rounds;
	int i;

	if (actor >= DS_CONC_ACTORS || rounds > 4096)
		return -1;
	arena_for(i, 0, (int)rounds)
		ds_conc_round(&g, actor);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

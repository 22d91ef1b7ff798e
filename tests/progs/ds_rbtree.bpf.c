// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The ordered map in BPF: batches of operations from user space (compared
 * there with a reference model), the red-black rules, and a self test.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "ds_maps_logic.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
} arena SEC(".maps");

struct ds_rbtree_globals __arena_global g;

SEC("syscall")
int rbtree_init(void *ctx)
{
	CHECK(arena_heap_refill(&g.heap, &arena, 256) == 0);
	arena_rbtree_init(&g.tree, &g.heap);
	return 0;
}

SEC("syscall")
int rbtree_batch(void *ctx)
{
	return ds_rbtree_run_batch(&g);
}

SEC("syscall")
int rbtree_validate(void *ctx)
{
	return ds_rbtree_validate(&g);
}

SEC("syscall")
int rbtree_selftest(void *ctx)
{
	return ds_rbtree_selftest(&g);
}

char LICENSE[] SEC("license") = "GPL";

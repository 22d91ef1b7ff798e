// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The hash table in BPF: batches of operations from user space (compared
 * there with a reference model), and a self test.
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

struct ds_htab_globals __arena_global g;

/* The buckets, elements for DS_HTAB_MAX keys, and room for user space. */
SEC("syscall")
int htab_init(void *ctx)
{
	CHECK(arena_heap_refill(&g.heap, &arena, 256) == 0);
	CHECK(arena_htab_init(&g.htab, &g.heap, sizeof(struct ds_key), sizeof(struct ds_val),
			      DS_HTAB_MAX) == 0);
	return 0;
}

SEC("syscall")
int htab_batch(void *ctx)
{
	return ds_htab_run_batch(&g);
}

SEC("syscall")
int htab_selftest(void *ctx)
{
	return ds_htab_selftest(&g);
}

SEC("syscall")
int htab_limits(void *ctx)
{
	return ds_htab_limits(&g);
}

char LICENSE[] SEC("license") = "GPL";

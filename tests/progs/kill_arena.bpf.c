// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* For the kill test: an arena with an initialised __arena global (so load
 * populates and copies it) that no instruction names, so the test may give
 * the arena an address of its own after open, and a program that allocates,
 * writes and frees arena pages through the map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} kill_arena SEC(".maps");

long __arena_global kill_seed[64] = { 1, 2, 3 };

SEC("syscall")
int churn(void *ctx)
{
	long __arena *p = bpf_arena_alloc_pages(&kill_arena, NULL, 2, -1, 0);

	if (!p)
		return 1;
	*arena_deref(p) = 42;
	bpf_arena_free_pages(&kill_arena, p, 2);
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A counter in an arena, referenced from the entry program only: the shape
 * whose globals can be moved at load when a shared arena turns out to live
 * elsewhere than planned at open (test_pin.c, moved_at_load).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

__u64 __arena_global hits;

SEC("syscall")
int hit(void *ctx)
{
	__u64 __arena *h = &hits;

	(*arena_deref(h))++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

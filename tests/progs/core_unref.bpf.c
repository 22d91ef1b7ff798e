// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* An __arena global that no instruction references, in an arena of 64
 * pages: nothing fixes the globals' addresses at open, so the application
 * may still resize the arena before load (the library must re-plan).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64);
} arena SEC(".maps");

long __arena_global unref_counter = 0x5eed;

SEC("syscall")
int touch_nothing(void *ctx)
{
	return 3;
}

char _license[] SEC("license") = "GPL";

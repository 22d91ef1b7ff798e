// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program that reaches the arena only through an __arena global and whose
 * first instruction is a helper call: the library must still bind the arena
 * to it (the globals' addresses are loaded as plain constants, which don't
 * tie a program to its arena).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena SEC(".maps");

__u64 __arena_global stamp_ns;
__u64 __arena_global stamps;

SEC("syscall")
int stamp(void *ctx)
{
	__u64 t = bpf_ktime_get_ns();

	*arena_deref(&stamp_ns) = t;
	*arena_deref(&stamps) += 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

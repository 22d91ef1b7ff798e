// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* An ordinary arena object (an arena, a global, a program that uses both),
 * loaded in the guest whose kernel has no arenas: the load must fail with
 * the library's explanation, not crash.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

int __arena_global counter = 1;

SEC("syscall")
int bump(void *ctx)
{
	*arena_deref(&counter) += 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

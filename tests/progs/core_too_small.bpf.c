// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bad input: an arena of one page for 8 KiB of globals. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena SEC(".maps");

char __arena_global big[8192];

int __arena_global some_global = 1;

SEC("syscall")
int prog(void *ctx)
{
	return *arena_deref(&some_global);
}

char _license[] SEC("license") = "GPL";

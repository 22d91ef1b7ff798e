// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bad input: map_extra not page aligned. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
	__ulong(map_extra, 0x100000100ULL);
} arena SEC(".maps");

int __arena_global some_global = 1;

SEC("syscall")
int prog(void *ctx)
{
	return *arena_deref(&some_global);
}

char _license[] SEC("license") = "GPL";

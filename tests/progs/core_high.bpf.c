// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bad input: map_extra 2^47, past the end of x86-64 user space. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
	__ulong(map_extra, 0x800000000000ULL);
} arena SEC(".maps");

int __arena_global some_global = 1;

SEC("syscall")
int prog(void *ctx)
{
	return *arena_deref(&some_global);
}

char _license[] SEC("license") = "GPL";

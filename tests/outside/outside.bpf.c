// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The outside project's BPF program: an __arena counter BPF bumps. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 2);
} arena SEC(".maps");

long __arena_global counter = 40;
long __arena *__arena_global counter_ptr;

SEC("syscall")
int bump(void *ctx)
{
	*arena_deref(&counter) += 2;
	*arena_deref(&counter_ptr) = &counter;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Global data beside an arena: .bss, .data and .rodata written and read by
 * BPF, read and written by user space through bpf_map__initial_value()
 * after load, without a skeleton.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

__u64 bss_val;
__u64 data_val = 5;
const volatile __u64 ro_val = 7;
__u64 __arena_global arena_copy;

SEC("syscall")
int bpf_writes(void *ctx)
{
	bss_val = 0x1111;
	data_val += 0x100;
	*arena_deref(&arena_copy) = ro_val;
	return 0;
}

/* 0 when BPF sees what user space wrote after load */
SEC("syscall")
int bpf_reads(void *ctx)
{
	if (bss_val != 0x2222)
		return 1;
	if (data_val != 0x3333)
		return 2;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* map_extra 0 (the address is chosen at open) and only zero globals, which
 * BPF must be able to write on its very first run.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 100);
} arena SEC(".maps");

int __arena_global first_run_mark;
char __arena_global zero_page_and_more[5000];

__u64 addr_mark;

SEC("syscall")
int first_run(void *ctx)
{
	*arena_deref(&first_run_mark) = 0x5eed;
	arena_deref(&zero_page_and_more[0])[4999] = 9;
	addr_mark = (__u64)(unsigned long)&first_run_mark;
	return *arena_deref(&first_run_mark) == 0x5eed ? 0 : 1;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* BPF_F_SEGV_ON_FAULT with globals: user space can't fault pages in, so the
 * library must have BPF allocate the globals' pages before anything runs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_SEGV_ON_FAULT);
	__uint(max_entries, 64);
} arena SEC(".maps");

int __arena_global segv_init = 31337;
int __arena_global segv_zero;

SEC("syscall")
int touch(void *ctx)
{
	if (*arena_deref(&segv_init) != 31337)
		return 1;
	*arena_deref(&segv_zero) = 4242;
	return 0;
}

char _license[] SEC("license") = "GPL";

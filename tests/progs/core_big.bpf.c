// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A full 4 GiB arena fixed at 32 TiB (clear of ASan's shadow) (map_extra above 4 GiB, so __ulong):
 * its globals sit in its last page, 4 GiB - 4 KiB from the base, where a
 * map-value reference can't reach on 6.18.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

#define ARENA_ADDR 0x200000000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1 << 20);
	__ulong(map_extra, ARENA_ADDR);
} arena SEC(".maps");

long __arena_global big_counter = 1000;
long __arena_global big_zero[8];

__u64 addr_counter;

SEC("syscall")
int bump(void *ctx)
{
	*arena_deref(&big_counter) += 1;
	arena_deref(&big_zero[0])[7] = 0xabcdef;
	addr_counter = (__u64)(unsigned long)&big_counter;
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program every loader must see refused, for the same reason: XDP can't
 * sleep, and bpf_arena_alloc_pages() may only be called from programs that
 * can (on kernels before ~7.0). Its object holds nothing else, since libbpf
 * fails a whole object with one refused program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

__u64 __arena *__arena_global ptr_page;

SEC("xdp")
int xdp_alloc(struct xdp_md *ctx)
{
	__u64 __arena *p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

	if (p)
		*arena_deref(&ptr_page) = p;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

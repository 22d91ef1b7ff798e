// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* An object that is not compatible with pin_store.bpf.c's pinned arena: the
 * same map, but different __arena globals.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "pin_store.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} arena SEC(".maps");

struct other_globals __arena_global g;

SEC("syscall")
int touch(void *ctx)
{
	struct other_globals __arena *o = &g;

	arena_deref(o)->a++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

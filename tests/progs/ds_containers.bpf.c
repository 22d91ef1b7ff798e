// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* List, bitmap and queue in BPF: the logic of ds_containers_logic.h as
 * SEC("syscall") programs. *_build leaves a structure for user space to
 * check and edit, *_check checks the edit, *_selftest does all of it here.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 256);
} arena SEC(".maps");

#define DS_REFILL(heap) CHECK(arena_heap_refill(heap, &arena, 16) == 0)
#include "ds_containers_logic.h"

struct ds_containers_globals __arena_global g;

/* None of these names the arena map: libbpf_arena binds it. */
#define DS_PROG(name)                      \
	SEC("syscall") int name(void *ctx) \
	{                                  \
		return ds_##name(&g);      \
	}

DS_PROG(list_build)
DS_PROG(list_edit)
DS_PROG(list_check)
DS_PROG(list_selftest)
DS_PROG(bitmap_build)
DS_PROG(bitmap_edit)
DS_PROG(bitmap_check)
DS_PROG(bitmap_selftest)
DS_PROG(queue_build)
DS_PROG(queue_edit)
DS_PROG(queue_check)
DS_PROG(queue_selftest)

char LICENSE[] SEC("license") = "GPL";

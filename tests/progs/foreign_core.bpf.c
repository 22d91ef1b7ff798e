// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* CO-RE, as tracing and library code writes it: the arena map's kernel
 * struct read through a flavor, bpf_core_field_exists(),
 * bpf_core_type_exists(), bpf_core_enum_value(). The last three never name
 * the arena map and start with a CO-RE relocated instruction: binding must
 * not move it. The first names the map: binding must leave it alone.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

/* The kernel's struct bpf_arena, as much of it as we read. */
struct bpf_arena___x {
	struct bpf_map map;
	__u64 user_vm_start;
	__u64 user_vm_end;
} __attribute__((preserve_access_index));

/* A flavor with a field no kernel has. */
struct bpf_arena___y {
	__u64 no_such_field;
} __attribute__((preserve_access_index));

struct no_such_type___x {
	int x;
};

enum bpf_map_type___x {
	BPF_MAP_TYPE_ARENA___x = 99,
	BPF_MAP_TYPE_NO_SUCH___x = 98,
};

__u64 __arena_global out_map[4];
__u64 __arena_global out_fields[3];
__u64 __arena_global out_types[5];

SEC("syscall")
int core_arena_struct(struct foreign_args *args)
{
	struct bpf_arena___x *a = (void *)&arena;

	*arena_deref(&out_map[0]) = a->map.max_entries;
	*arena_deref(&out_map[1]) = a->user_vm_end - a->user_vm_start;
	*arena_deref(&out_map[2]) = a->user_vm_start == args->base;
	*arena_deref(&out_map[3]) = a->map.map_type;
	return 0;
}

SEC("syscall")
int core_field_exists(void *ctx)
{
	*arena_deref(&out_fields[0]) = bpf_core_field_exists(struct bpf_arena___x, user_vm_end);
	*arena_deref(&out_fields[1]) = bpf_core_field_exists(struct bpf_arena___y, no_such_field);
	*arena_deref(&out_fields[2]) = bpf_core_field_size(struct bpf_arena___x, user_vm_start);
	return 0;
}

SEC("syscall")
int core_type_enum(void *ctx)
{
	*arena_deref(&out_types[0]) = bpf_core_type_exists(struct bpf_arena);
	*arena_deref(&out_types[1]) = bpf_core_type_exists(struct no_such_type___x);
	*arena_deref(&out_types[2]) =
		bpf_core_enum_value_exists(enum bpf_map_type___x, BPF_MAP_TYPE_ARENA___x);
	*arena_deref(&out_types[3]) =
		bpf_core_enum_value(enum bpf_map_type___x, BPF_MAP_TYPE_ARENA___x);
	*arena_deref(&out_types[4]) =
		bpf_core_enum_value_exists(enum bpf_map_type___x, BPF_MAP_TYPE_NO_SUCH___x);
	return 0;
}

char _license[] SEC("license") = "GPL";

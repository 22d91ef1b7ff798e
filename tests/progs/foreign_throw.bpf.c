// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program with no exit of its own: it ends in bpf_throw(), which doesn't
 * return (BPF exceptions, 6.7+), so the compiler emits no exit after it.
 * Binding can't use an exit here and must take an instruction near the
 * entry that nothing names by index.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4);
} arena SEC(".maps");

extern void bpf_throw(__u64 cookie) __ksym __attribute__((noreturn));

__u64 __arena_global in_throw;
__u64 __arena_global out_throw;

SEC("syscall")
int throw_always(struct foreign_args *args)
{
	*arena_deref(&out_throw) = *arena_deref(&in_throw) + args->a;
	bpf_throw(7);
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tracing programs that count into the arena, each starting as tracing
 * code does: raw_tp with a BPF_CORE_READ() of the syscall's registers,
 * tp_btf reading them through BTF, a tracepoint reading its CO-RE'd
 * context. None names the arena map. (fentry/fexit and kprobes don't
 * load or attach on the test kernel even through upstream libbpf: see
 * test_foreign.c.)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 8);
} arena SEC(".maps");

__u64 __arena_global in_pid;
/* hits, the last argument seen */
__u64 __arena_global out_raw_tp[2];
__u64 __arena_global out_tp_btf[3];
__u64 __arena_global out_tracepoint[2];

static __always_inline bool from_runner(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == *arena_deref(&in_pid);
}

SEC("raw_tp/sys_enter")
int raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	unsigned long di = BPF_CORE_READ(regs, di);

	/* only the runner's own calls: the count proves the read */
	if (ctx->args[1] != FOREIGN_NR_GETPGID || di != FOREIGN_PGID_ARG || !from_runner())
		return 0;
	__sync_fetch_and_add(arena_deref(&out_raw_tp[0]), 1);
	*arena_deref(&out_raw_tp[1]) = di;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_enter, struct pt_regs *regs, long id)
{
	unsigned long di = regs->di, si = regs->si;

	if (id != FOREIGN_NR_GETPRIORITY || di != FOREIGN_PRIO_WHICH || !from_runner())
		return 0;
	__sync_fetch_and_add(arena_deref(&out_tp_btf[0]), 1);
	*arena_deref(&out_tp_btf[1]) = di;
	*arena_deref(&out_tp_btf[2]) = si;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tp_getpgid(struct trace_event_raw_sys_enter *ctx)
{
	long pid = ctx->args[0];

	if (pid != FOREIGN_PGID_ARG || !from_runner())
		return 0;
	__sync_fetch_and_add(arena_deref(&out_tracepoint[0]), 1);
	*arena_deref(&out_tracepoint[1]) = pid;
	return 0;
}

char _license[] SEC("license") = "GPL";

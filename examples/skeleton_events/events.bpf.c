// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Records every getpid() of one process into a ring of events that lives in
 * the arena, where user space reads it without a syscall.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "events.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
} arena SEC(".maps");

/* set by user space before load */
const volatile __u32 target_pid;

struct event __arena_global events[EVENTS_SLOTS];
__u64 __arena_global nr_events;

SEC("tp/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event __arena *e;
	__u64 n;

	if (pid != target_pid)
		return 0;
	n = *arena_deref(&nr_events);
	e = &events[n % EVENTS_SLOTS];
	arena_deref(e)->pid = pid;
	arena_deref(e)->seq = n;
	arena_deref(e)->ts_ns = bpf_ktime_get_ns();
	*arena_deref(&nr_events) = n + 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

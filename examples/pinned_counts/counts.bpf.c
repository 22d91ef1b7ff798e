// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Per-process syscall counts in a pinned arena. The tracepoint program
 * counts every syscall into a hash table in arena memory; the sleepable
 * programs set the table up (first daemon only) and keep the heap's page
 * pool filled, since the tracepoint can't ask the kernel for pages itself.
 * The arena is pinned (LIBBPF_PIN_BY_NAME), so the table outlives the
 * daemon, and any process can read it with plain pointers.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "counts.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 512);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} arena SEC(".maps");

struct counts_state __arena_global state;

/* Once per daemon start: set up on the very first, then top up the pool. */
SEC("syscall")
int start(void *ctx)
{
	struct counts_state __arena *c = &state;

	if (!arena_deref(c)->ready) {
		if (arena_heap_refill(&c->heap, &arena, 64))
			return 1;
		if (arena_htab_init(&c->procs, &c->heap, sizeof(__u32), sizeof(struct proc_count),
				    COUNTS_MAX_PROCS))
			return 2;
		arena_deref(c)->ready = 1;
	}
	arena_deref(c)->daemon_starts++;
	return 0;
}

SEC("syscall")
int refill(void *ctx)
{
	struct counts_state __arena *c = &state;

	if (arena_deref(&c->heap)->pool_pages < COUNTS_POOL_LOW)
		return arena_heap_refill(&c->heap, &arena, COUNTS_POOL_REFILL) ? 1 : 0;
	return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int count(void *ctx)
{
	struct counts_state __arena *c = &state;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct proc_count __arena *v;
	struct proc_count fresh = { .syscalls = 1 };
	__u64 n;

	if (!arena_deref(c)->ready)
		return 0;
	v = arena_htab_lookup(&c->procs, &tgid);
	if (v) {
		n = arena_atomic_add(&arena_deref(v)->syscalls, 1);
		/* a process's first syscalls come before its exec: refresh */
		if (!(n & 1023)) {
			bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
			__builtin_memcpy(arena_deref(v)->comm, fresh.comm, sizeof(fresh.comm));
		}
		return 0;
	}
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	if (arena_htab_update(&c->procs, &tgid, &fresh, ARENA_HTAB_NOEXIST)) {
		/* lost a race for the key (add to the winner's), or no memory */
		v = arena_htab_lookup(&c->procs, &tgid);
		if (v)
			arena_atomic_add(&arena_deref(v)->syscalls, 1);
		else
			arena_atomic_add(&arena_deref(c)->dropped, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

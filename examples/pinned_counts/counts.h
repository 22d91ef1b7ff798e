/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the daemon's BPF program keeps in the pinned arena and the CLI reads:
 * a hash table from process id to that process's syscall count, and the
 * heap its elements come from. One __arena global holds all of it.
 */
#ifndef __PINNED_COUNTS_H
#define __PINNED_COUNTS_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_htab.h>

#define COUNTS_MAX_PROCS 4096
#define COUNTS_POOL_LOW 8 /* pages: below this the daemon refills */
#define COUNTS_POOL_REFILL 32

struct proc_count {
	__u64 syscalls;
	char comm[16];
};

struct counts_state {
	struct arena_heap heap;
	struct arena_htab procs; /* __u32 tgid -> struct proc_count */
	__u64 ready; /* set up by the first daemon */
	__u64 daemon_starts; /* one per daemon start: state outlives them */
	__u64 dropped; /* events lost while the heap was dry */
};

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the foreign corpus (foreign_*.bpf.c) shares with the programs that
 * run it (tests/foreign_runner.c, tests/test_foreign.c): the context every
 * SEC("syscall") program is run with, and the values the runner feeds in.
 * The programs themselves are written as other projects write them.
 */
#ifndef __FOREIGN_H
#define __FOREIGN_H

#include <bpf_arena/bpf_arena_common.h>

/* ctx of every SEC("syscall") program run */
struct foreign_args {
	__u64 base; /* the arena's user address */
	__u64 a; /* FOREIGN_ARG_A */
	__u64 b; /* an arena pointer: the head of the list user space built */
	__u64 ret; /* programs may write here; copied back after the run */
};

#define FOREIGN_ARG_A 5

/* What the runner writes into word k of every in_* global (in_pid: its pid). */
#define foreign_in_word(k) (10 * ((k) + 1) + 1)

/* Syscalls the runner makes while tracing programs are attached, and their
 * arguments (chosen to fail harmlessly: no such process, no such "which").
 */
#define FOREIGN_NR_GETPGID 121 /* x86-64 */
#define FOREIGN_NR_GETPRIORITY 140
#define FOREIGN_PGID_ARG 0x5eed1
#define FOREIGN_PRIO_WHICH 0x4242
#define FOREIGN_PRIO_WHO 0x777
#define FOREIGN_PGID_CALLS 3
#define FOREIGN_PRIO_CALLS 2

/* The packet XDP and tc programs are run on: Ethernet, IPv4, UDP. */
#define FOREIGN_PKT_SADDR 0x0a000001 /* 10.0.0.1 */
#define FOREIGN_PKT_DADDR 0x0a000002
#define FOREIGN_PKT_SPORT 1234
#define FOREIGN_PKT_DPORT 4242
#define FOREIGN_PKT_LEN 50 /* 14 + 20 + 8 + 8 bytes of payload */

/* A list user space builds in the arena for programs to walk. */
struct foreign_node {
	__u64 val; /* first: the runner prints what a ptr_* points at */
	struct foreign_node __arena *next; /* user form, as BPF stores it */
};
#define FOREIGN_LIST_VALS \
	{                 \
		5, 7, 11  \
	}
#define FOREIGN_LIST_LEN 3

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A list node shared by skel_subprog.bpf.c and its test: user space links
 * nodes that live in the arena, BPF walks them.
 */
#ifndef __SKEL_SUBPROG_H
#define __SKEL_SUBPROG_H

#include <bpf_arena/bpf_arena_common.h>

#define SKEL_SUBPROG_NODES 8

struct snode {
	struct snode __arena *next;
	int val;
};

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The list element of skel_upstream.bpf.c, for BPF and user space. */
#ifndef __SKEL_UPSTREAM_H
#define __SKEL_UPSTREAM_H

#include <bpf_arena/bpf_arena_common.h>

struct elem {
	struct elem __arena *next;
	int value;
};

#endif

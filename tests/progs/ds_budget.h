/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What ds_budget.bpf.c and its test share. */
#ifndef __DS_BUDGET_H
#define __DS_BUDGET_H

#include <bpf_arena/arena_htab.h>

#define ENTRIES 16

struct budget_state {
	struct arena_heap heap;
	struct arena_htab htab;
	__u64 spins; /* may_goto iterations before the budget ran out */
};

#endif

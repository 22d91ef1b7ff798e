// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The hash table after the program's may_goto budget is spent: its fast
 * loops are cut short, and every answer must still be right (the walk falls
 * back to an exact one, or fails; it never says "absent" for a present key).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "test_helpers.h"
#include "progs/ds_budget.h"

Test(ds_budget, hash_table_answers_right_after_the_loop_budget_is_spent)
{
	struct bpf_object *obj;
	struct budget_state *g;
	int round;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path("ds_budget"), NULL);
	cr_assert(obj, "open: %s", strerror(errno));
	cr_assert_eq(bpf_arena__load(obj), 0);
	cr_assert_eq(test_run_prog(obj, "setup"), 0);
	g = bpf_arena__find_global(bpf_arena__from_object(obj), "g", NULL);
	cr_assert(g);
	cr_assert_eq(g->htab.count, ENTRIES);
	for (round = 0; round < 2; round++) {
		g->spins = 0;
		cr_assert_eq(test_run_prog(obj, "after_budget"), 0, "round %d: wrong answers",
			     round);
		/* the budget was real, and spent before the table was used */
		cr_assert_gt(g->spins, 10000, "round %d: %llu may_goto iterations", round,
			     (unsigned long long)g->spins);
	}
	/* and user space agrees with BPF about the table */
	cr_assert_eq(g->htab.count, ENTRIES);
	bpf_arena__close(obj);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Upstream-idiom user code (skel_upstream_user.c) against our skeleton. */
#include <criterion/criterion.h>
#include <stddef.h>

#include "test_helpers.h"

int skel_upstream_run(char *why, size_t why_sz);

Test(skel_upstream, code_written_for_upstream_skeletons_runs_unchanged)
{
	char why[512] = "";
	int line;

	test_require_arena_kernel();
	line = skel_upstream_run(why, sizeof(why));
	cr_assert_eq(line, 0, "skel_upstream_user.c:%d: %s", line, why);
}

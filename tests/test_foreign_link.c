// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Static linking: an allocator library (progs/foreign_alloc_lib.bpf.c) and
 * its user (progs/foreign_alloc_user.bpf.c), compiled apart and linked into
 * one object by Debian's bpftool 7.1 (`bpftool gen object`, which links
 * arena objects as they are), then given a skeleton by `bpf-arena gen
 * skeleton` and run through it: the library allocates from arena pages,
 * the user builds a list of what user space wrote, user space walks it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "test_helpers.h"
#include "progs/foreign.h"
#include "foreign_alloc.skel.h"

static int run(struct bpf_program *prog, struct foreign_args *args)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(*args));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	cr_assert_eq(err, 0, "test run %s: %s", bpf_program__name(prog), strerror(errno));
	return (int)opts.retval;
}

Test(foreign_link, linked_allocator_builds_a_list_user_space_walks)
{
	struct foreign_args args = { .a = FOREIGN_ARG_A };
	struct foreign_alloc *skel;
	struct foreign_node *n;
	__u64 sum = 0;
	int i;

	test_require_arena_kernel();
	skel = foreign_alloc__open();
	cr_assert(skel, "foreign_alloc__open: %s", strerror(errno));
	/* initial values, set before load, as with any skeleton */
	for (i = 0; i < 4; i++)
		skel->arena->in_vals[i] = 100 + i;
	cr_assert_eq(foreign_alloc__load(skel), 0, "load: %s", strerror(errno));
	args.base = (__u64)(unsigned long)foreign_alloc__arena_base(skel);

	cr_assert_eq(run(skel->progs.build_list, &args), 0);
	cr_assert_eq(skel->arena->out_alloc[0], 4);
	cr_assert_eq(skel->arena->lib_pages_taken, 1, "nodes share one page");
	/* newest first, through the pointers BPF stored */
	for (i = 3, n = skel->arena->ptr_list; n; n = n->next, i--) {
		cr_assert_geq(i, 0, "the list is longer than 4");
		cr_assert_eq(n->val, 100 + (__u64)i);
		sum += n->val;
	}
	cr_assert_eq(i, -1, "the list is shorter than 4");
	/* user space edits a node; BPF's walk sees it, and the library's
	 * arena_get_base() (CO-RE through the arena's kernel struct) agrees
	 * with the skeleton about the base
	 */
	skel->arena->ptr_list->val = 1000;
	cr_assert_eq(run(skel->progs.walk_list, &args), 0);
	cr_assert_eq(skel->arena->out_alloc[1], sum - 103 + 1000);
	cr_assert_eq(skel->arena->out_alloc[2], 1, "arena_get_base() != the arena's base");
	foreign_alloc__destroy(skel);
}

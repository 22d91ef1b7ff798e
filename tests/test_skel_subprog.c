// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A program whose subprogram only receives arena pointers, never naming the
 * arena map (progs/skel_subprog.bpf.c): through the skeleton it loads and
 * runs, because the library binds the arena to every program that uses
 * arena memory; with the binding switched off (the no_prog_bind open
 * option, through skel_subprog__open_arena_opts()) the verifier refuses it.
 * The binding must not depend on how the compiler starts a program either
 * (progs/skel_firstcall.bpf.c begins with a helper call under clang 14).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "test_helpers.h"
#include "skel_subprog.h"
#include "skel_subprog.skel.h"
#include "skel_firstcall.skel.h"

Test(skel_subprog, program_that_only_receives_arena_pointers_loads_and_runs)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct skel_subprog *skel;
	int i, err, want = 0;

	test_require_arena_kernel();
	skel = skel_subprog__open_and_load();
	cr_assert(skel, "skel_subprog__open_and_load: %s", strerror(errno));

	/* user space links the nodes BPF will walk */
	for (i = 0; i < SKEL_SUBPROG_NODES; i++) {
		skel->arena->nodes[i].val = (i + 1) * 10;
		skel->arena->nodes[i].next =
			i + 1 < SKEL_SUBPROG_NODES ? &skel->arena->nodes[i + 1] : NULL;
		want += (i + 1) * 10;
	}
	skel->bss->head = &skel->arena->nodes[0];

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.walk), &opts);
	cr_assert_eq(err, 0, "test run: %s", strerror(errno));
	cr_assert_eq(skel->bss->sum, want, "BPF summed %d, expected %d", skel->bss->sum, want);
	skel_subprog__destroy(skel);
}

Test(skel_subprog, refused_when_binding_is_switched_off)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
	struct skel_subprog *skel;
	int err;

	test_require_arena_kernel();
	skel = skel_subprog__open_arena_opts(&opts);
	cr_assert(skel, "skel_subprog__open_arena_opts: %s", strerror(errno));
	test_capture_log_start();
	err = skel_subprog__load(skel);
	test_capture_log_stop();
	cr_assert_neq(err, 0, "the verifier accepted a program with no arena bound to it");
	cr_assert(strstr(test_capture_log(), "addr_space_cast insn can only be used in a program "
					     "that has an associated arena"),
		  "load failed, but not for the missing arena: %s", test_capture_log());
	skel_subprog__destroy(skel);
}

Test(skel_subprog, object_opts_pass_through_open_arena_opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, object_opts, .object_name = "renamed");
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .object_opts = &object_opts);
	struct skel_subprog *skel;

	test_require_arena_kernel();
	skel = skel_subprog__open_arena_opts(&opts);
	cr_assert(skel, "skel_subprog__open_arena_opts: %s", strerror(errno));
	cr_assert_str_eq(bpf_object__name(skel->obj), "renamed");
	skel_subprog__destroy(skel);

	skel = skel_subprog__open();
	cr_assert(skel);
	cr_assert_str_eq(bpf_object__name(skel->obj), "skel_subprog",
			 "a skeleton names its object after itself, as bpftool's do");
	skel_subprog__destroy(skel);
}

Test(skel_subprog, program_starting_with_a_helper_call_is_bound)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct skel_firstcall *skel;
	int err;

	test_require_arena_kernel();
	skel = skel_firstcall__open_and_load();
	cr_assert(skel, "skel_firstcall__open_and_load: %s", strerror(errno));
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.stamp), &opts);
	cr_assert_eq(err, 0, "test run: %s", strerror(errno));
	cr_assert_eq(skel->arena->stamps, 1);
	cr_assert_neq(skel->arena->stamp_ns, 0);
	skel_firstcall__destroy(skel);
}

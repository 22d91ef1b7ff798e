// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Arena atomics the x86-64 JIT lacks (fetch-and, fetch-or, fetch-xor): a
 * program that uses one is refused by the verifier, and the loader says
 * which operation, why, and what to write instead. The header's helpers
 * do the same work with instructions the JIT has, on every compiler.
 * progs/atomics_fetch.bpf.c is built by each clang (BPF_ARENA_PROGS).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "test_helpers.h"

/* Opens atomics_fetch with only @prog to be loaded. */
static struct bpf_object *open_one(const char *prog)
{
	struct bpf_object *obj;
	struct bpf_program *p;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path("atomics_fetch"), NULL);
	cr_assert(obj, "open: %s", strerror(errno));
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, strcmp(bpf_program__name(p), prog) == 0);
	return obj;
}

static void assert_refused_and_explained(const char *prog, const char *op, const char *builtin)
{
	struct bpf_arena_probe_result r;
	struct bpf_object *obj = open_one(prog);
	enum bpf_arena_probe_cap cap = !strcmp(op, "fetch-and")	 ? BPF_ARENA_CAP_ATOMIC_FETCH_AND
				       : !strcmp(op, "fetch-or") ? BPF_ARENA_CAP_ATOMIC_FETCH_OR
								 : BPF_ARENA_CAP_ATOMIC_FETCH_XOR;
	char want[128];
	const char *log;

	cr_assert_eq(bpf_arena__probe_cap(cap, &r, NULL), 0);
	if (r.status == BPF_ARENA_PROBE_SUPPORTED) {
		/* a JIT that has it (not x86-64 up to 6.18): it must just work */
		cr_assert_eq(bpf_arena__load(obj), 0);
		bpf_arena__close(obj);
		return;
	}
	test_capture_log_start();
	cr_assert_lt(bpf_arena__load(obj), 0, "%s should be refused on this kernel", prog);
	log = test_capture_log();
	/* the verifier's words, then ours */
	cr_assert(strstr(log, "BPF_ATOMIC stores into R"), "log: %s", log);
	snprintf(want, sizeof(want), "prog '%s': atomic %s on arena memory", prog, op);
	cr_assert(strstr(log, want), "no '%s' in: %s", want, log);
	cr_assert(strstr(log, "the x86-64 JIT has no arena fetch-and/or/xor"), "log: %s", log);
	cr_assert(strstr(log, "clang 20"), "log: %s", log);
	snprintf(want, sizeof(want), "(void)%s(p, v, __ATOMIC_RELAXED)", builtin);
	cr_assert(strstr(log, want), "no '%s' in: %s", want, log);
	cr_assert(strstr(log, "arena_util.h"), "log: %s", log);
	test_capture_log_stop();
	bpf_arena__close(obj);
}

Test(atomics, fetch_and_is_refused_with_what_to_write_instead)
{
	assert_refused_and_explained("fetch_and", "fetch-and", "__atomic_fetch_and");
}

Test(atomics, fetch_or_is_refused_with_what_to_write_instead)
{
	assert_refused_and_explained("fetch_or", "fetch-or", "__atomic_fetch_or");
}

Test(atomics, fetch_xor_is_refused_with_what_to_write_instead)
{
	assert_refused_and_explained("fetch_xor", "fetch-xor", "__atomic_fetch_xor");
}

/* The same, only written with the result unused: whether it loads depends on
 * the compiler that built this run's object.
 */
Test(atomics, unused_sync_fetch_and_or_loads_only_before_clang_20)
{
	struct bpf_object *obj = open_one("sync_or_unused");
	int clang = atoi(test_variant() + strlen("clang"));
	__u64 *w;

	cr_assert(strncmp(test_variant(), "clang", 5) == 0 && clang >= 14,
		  "BPF_ARENA_PROGS doesn't name a compiler variant: %s", test_variant());

	if (clang >= 20) {
		test_capture_log_start();
		cr_assert_lt(bpf_arena__load(obj), 0, "clang %d emits the fetch form", clang);
		cr_assert(strstr(test_capture_log(), "prog 'sync_or_unused': atomic fetch-or"),
			  "log: %s", test_capture_log());
		test_capture_log_stop();
	} else {
		cr_assert_eq(bpf_arena__load(obj), 0, "clang %d emits the non-fetch form", clang);
		w = bpf_arena__find_global(bpf_arena__from_object(obj), "words", NULL);
		cr_assert(w);
		w[1] = 0xf0;
		cr_assert_eq(test_run_prog(obj, "sync_or_unused"), 0);
		cr_assert_eq(w[1], 0xff);
	}
	bpf_arena__close(obj);
}

Test(atomics, header_helpers_load_and_work_on_every_compiler)
{
	struct bpf_object *obj = open_one("helpers");
	__u64 *w;

	cr_assert_eq(bpf_arena__load(obj), 0, "the header's atomics refused (%s)", test_variant());
	w = bpf_arena__find_global(bpf_arena__from_object(obj), "words", NULL);
	cr_assert(w);
	w[3] = 0xf0;
	w[4] = 0xf0f0;
	w[5] = 0xff;
	w[6] = 0xf0;
	w[7] = 0xf0f0;
	cr_assert_eq(test_run_prog(obj, "helpers"), 0);
	cr_assert_eq(w[3], 0xff);
	cr_assert_eq(w[4], 0xf000);
	cr_assert_eq(w[5], 0xf0);
	cr_assert_eq(w[6], 0xff);
	cr_assert_eq(w[7], 0xf000);
	bpf_arena__close(obj);
}

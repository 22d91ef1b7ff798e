// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the loader is told when the kernel refuses an arena object
 * (arena_probe_explain*(), internal to the library: this test links the
 * static library to reach them). The verifier logs are real: the programs
 * are refused by this kernel in front of the test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena.h>

#include "../lib/arena/probe.h"
#include "test_helpers.h"
#include "test_probe_helpers.h"

#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){            \
		.code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })

static char verifier_log[65536];

/* Load a program whose ld_imm64 takes the arena's address at @off: the
 * verifier's answer, in its own words.
 */
static int load_direct_value(int arena_fd, __u32 off)
{
	const struct bpf_insn insns[] = {
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_VALUE, 0, arena_fd),
		INSN(0, 0, 0, 0, off),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_1, 1, 1), /* cast to kernel */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_SLEEPABLE,
		    .log_buf = verifier_log, .log_size = sizeof(verifier_log), .log_level = 1);

	return bpf_prog_load(BPF_PROG_TYPE_SYSCALL, NULL, "GPL", insns, 5, &opts);
}

Test(probe_explain, nothing_missing_on_this_kernel)
{
	char msg[512] = "";

	test_require_arena_kernel();
	cr_assert_eq(arena_probe_explain(msg, sizeof(msg)), 0, "explained: %s", msg);
}

Test(probe_explain, a_real_big_offset_refusal_names_the_capability_and_entry)
{
	LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_ARENA_F_MMAPABLE);
	size_t sz = (size_t)(1 << 18) * 4096;
	char msg[512] = "";
	void *base;
	int fd, prog;

	test_require_arena_kernel();
	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "explain", 0, 0, 1 << 18, &mopts);
	cr_assert_geq(fd, 0);
	base = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(base, MAP_FAILED);

	prog = load_direct_value(fd, 4096);
	cr_assert_geq(prog, 0, "offset 4096 refused: %s", verifier_log);
	close(prog);
	prog = load_direct_value(fd, 1U << 29);
	cr_assert_lt(prog, 0, "this kernel took a 512 MiB offset: update the probe tests");

	/* the offset lies inside the arena: the kernel lacks full-range offsets */
	cr_assert_eq(arena_probe_explain_offset(verifier_log, sz, 0, msg, sizeof(msg)), 1,
		     "log not recognised:\n%s", verifier_log);
	cr_assert(strstr(msg, "direct value offsets of 512 MiB and more"), "%s", msg);
	cr_assert(strstr(msg, "kernel-patches/series.tsv entry 'arena-big-offsets'"), "%s", msg);
	cr_assert(strstr(msg, "upstream Linux after 6.18"), "%s", msg);
	munmap(base, sz);
	close(fd);
}

/* The corrupt .bss: an offset of 4294967280 into a map of 64 bytes.
 * The verifier says the same words as for an arena offset it can't take,
 * but no kernel would take this one: the object is blamed, not the kernel.
 */
Test(probe_explain, an_offset_beyond_every_map_is_corruption_not_a_missing_feature)
{
	LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_MMAPABLE);
	char msg[512] = "";
	int fd, prog;

	test_require_arena_kernel();
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "explain_bss", 4, 64, 1, &mopts);
	cr_assert_geq(fd, 0);
	prog = load_direct_value(fd, 4294967280U);
	cr_assert_lt(prog, 0);
	cr_assert(strstr(verifier_log, "direct value offset of 4294967280"), "%s", verifier_log);

	/* no arena, a 64-byte map */
	cr_assert_eq(arena_probe_explain_offset(verifier_log, 0, 64, msg, sizeof(msg)), 1);
	cr_assert(strstr(msg, "the object is corrupt"), "%s", msg);
	cr_assert_null(strstr(msg, "lacks"), "%s", msg);
	/* an arena of 1 GiB doesn't reach 4294967280 either */
	cr_assert_eq(arena_probe_explain_offset(verifier_log, 1ULL << 30, 64, msg, sizeof(msg)), 1);
	cr_assert(strstr(msg, "the object is corrupt"), "%s", msg);
	/* and the log alone no longer blames a missing feature */
	msg[0] = '\0';
	cr_assert_eq(arena_probe_explain_prog(verifier_log, msg, sizeof(msg)), 0, "%s", msg);
	close(fd);
}

Test(probe_explain, sleepable_refusal_names_nonsleepable_alloc)
{
	char msg[512] = "";

	test_require_arena_kernel();
	cr_assert_eq(arena_probe_explain_prog("42: (85) call bpf_arena_alloc_pages#63500\n"
					      "program must be sleepable to call sleepable "
					      "kfunc bpf_arena_alloc_pages\n",
					      msg, sizeof(msg)),
		     1);
	cr_assert(strstr(msg, "'arena-nonsleepable-alloc'"), "%s", msg);
}

Test(probe_explain, refusals_of_what_the_kernel_has_are_not_blamed_on_it)
{
	char msg[512] = "";

	test_require_arena_kernel();
	/* add and the like are supported here: a refused one is not blamed on them */
	cr_assert_eq(arena_probe_explain_prog("5: (db) lock *(u64 *)(r1 +0) += r2\n"
					      "BPF_ATOMIC stores into R1 arena is not allowed\n",
					      msg, sizeof(msg)),
		     0, "%s", msg);
	cr_assert_eq(arena_probe_explain_prog("R1 invalid mem access 'scalar'\n", msg, sizeof(msg)),
		     0, "%s", msg);
	cr_assert_eq(arena_probe_explain_prog(NULL, msg, sizeof(msg)), 0);
}

static int unprivileged_explain(void)
{
	char msg[512] = "";

	if (test_probe_unprivileged_child())
		return 1;
	if (arena_probe_explain(msg, sizeof(msg)) != 1)
		return 2;
	if (!strstr(msg, "lacks CAP_BPF"))
		return 3;
	return 0;
}

Test(probe_explain, without_cap_bpf_the_message_says_so)
{
	int status;
	pid_t pid;

	test_require_arena_kernel();
	pid = fork();
	if (pid == 0)
		_exit(unprivileged_explain());
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
}

/* The verifier's log as 6.18 writes it for a fetch-or into the arena. */
Test(probe_explain, a_refused_fetch_or_is_named_with_what_to_write_instead)
{
	struct bpf_arena_probe_result r;
	char msg[1024] = "";

	test_require_arena_kernel();
	cr_assert_eq(bpf_arena__probe_cap(BPF_ARENA_CAP_ATOMIC_FETCH_OR, &r, NULL), 0);
	if (r.status == BPF_ARENA_PROBE_SUPPORTED)
		cr_skip_test("this JIT has an arena fetch-or");
	cr_assert_eq(arena_probe_explain_prog("4: (b7) r2 = 15                       ; R2=15\n"
					      "5: (db) r2 = atomic64_fetch_or((u64 *)(r1 +0), r2)\n"
					      "BPF_ATOMIC stores into R1 arena is not allowed\n"
					      "processed 8 insns (limit 1000000)\n",
					      msg, sizeof(msg)),
		     1);
	cr_assert(strstr(msg, "atomic fetch-or on arena memory (insn 5: (db) r2 = "
			      "atomic64_fetch_or((u64 *)(r1 +0), r2))"),
		  "%s", msg);
	cr_assert(strstr(msg, "atomic_fetch_or missing"), "%s", msg);
	cr_assert(strstr(msg, "clang 20 and later"), "%s", msg);
	cr_assert(strstr(msg, "(void)__atomic_fetch_or(p, v, __ATOMIC_RELAXED)"), "%s", msg);
	cr_assert(strstr(msg, "arena_atomic_or()"), "%s", msg);
}

/* Without the instruction line (a log cut short), all three are named. */
Test(probe_explain, a_refused_atomic_without_its_instruction_names_all_three)
{
	char msg[1024] = "";

	test_require_arena_kernel();
	if (bpf_arena__probe_cap(BPF_ARENA_CAP_ATOMIC_FETCH_AND, &(struct bpf_arena_probe_result){},
				 NULL) == 0 &&
	    arena_probe_explain_prog("BPF_ATOMIC stores into R2 arena is not allowed\n", msg,
				     sizeof(msg)) == 0)
		cr_skip_test("this JIT has the arena fetch-and/or/xor");
	cr_assert(strstr(msg, "fetch-and/or/xor"), "%s", msg);
	cr_assert(strstr(msg, "__ATOMIC_RELAXED"), "%s", msg);
}

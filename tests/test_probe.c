// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel feature probes on the kernel these tests run on (Linux 6.18 on
 * the project's machines). Each probe checks a real effect itself (values a
 * program wrote, read back through the arena mapping); these tests pin which
 * capabilities this kernel has, check the evidence each probe reports, and
 * cross-check what can be seen without the probe: the kernel's BTF, a child
 * process killed by SIGSEGV, a child without CAP_BPF.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf_arena/bpf_arena.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "test_helpers.h"
#include "test_probe_helpers.h"

static struct bpf_arena_probe_result res[__BPF_ARENA_CAP_CNT];

static void probe_all(bool fresh)
{
	LIBBPF_OPTS(bpf_arena_probe_opts, opts, .no_cache = fresh);
	int n;

	test_require_arena_kernel();
	n = bpf_arena__probe(res, __BPF_ARENA_CAP_CNT, &opts);
	cr_assert_eq(n, __BPF_ARENA_CAP_CNT, "bpf_arena__probe: %d", n);
}

static void assert_status(enum bpf_arena_probe_cap cap, enum bpf_arena_probe_status want,
			  const char *evidence)
{
	const struct bpf_arena_probe_result *r = &res[cap];

	cr_assert_eq(r->status, want, "%s: %s, expected %s (%s)", r->name,
		     bpf_arena__probe_status_str(r->status), bpf_arena__probe_status_str(want),
		     r->reason);
	if (evidence)
		cr_assert(strstr(r->reason, evidence), "%s: reason '%s' lacks '%s'", r->name,
			  r->reason, evidence);
}

Test(probe, every_capability_is_described_and_tied_to_a_manifest_entry)
{
	size_t i;

	probe_all(false);
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
		cr_assert_eq(res[i].cap, i);
		cr_assert_str_eq(res[i].name, bpf_arena__probe_cap_str(i));
		cr_assert(res[i].desc && *res[i].desc);
		cr_assert(res[i].since && *res[i].since, "%s has no version", res[i].name);
		cr_assert(test_manifest_has_entry(res[i].patch, res[i].name),
			  "%s: entry '%s' is not in kernel-patches/series.tsv or doesn't name the "
			  "probe",
			  res[i].name, res[i].patch);
		cr_assert_neq(strcmp(res[i].reason, "not probed"), 0, "%s was not probed",
			      res[i].name);
	}
}

/* ---- what this 6.18 kernel has, each with its evidence ---------------- */

Test(probe, map_type_is_created_and_mmapped)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_MAP_TYPE, BPF_ARENA_PROBE_SUPPORTED, "created and mmapped");
}

Test(probe, jit_wrote_what_user_space_reads_back)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_JIT_LOAD_STORE, BPF_ARENA_PROBE_SUPPORTED,
		      "read back through the mapping");
}

Test(probe, cast_to_user_form_gives_the_user_address)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_ADDR_SPACE_CAST, BPF_ARENA_PROBE_SUPPORTED,
		      "gave the user address");
}

Test(probe, each_atomic_operation_changed_arena_memory)
{
	static const struct {
		enum bpf_arena_probe_cap cap;
		const char *evidence;
	} want[] = {
		{ BPF_ARENA_CAP_ATOMIC_ADD, "0xa became 0xf" },
		{ BPF_ARENA_CAP_ATOMIC_FETCH_ADD, "0xa became 0xf, old value fetched" },
		{ BPF_ARENA_CAP_ATOMIC_XCHG, "0xa became 0x7, old value fetched" },
		{ BPF_ARENA_CAP_ATOMIC_CMPXCHG, "0xa became 0x2a, old value fetched" },
		{ BPF_ARENA_CAP_ATOMIC_AND, "0xf0f0 became 0xf000" },
		{ BPF_ARENA_CAP_ATOMIC_OR, "0xf0 became 0xff" },
		{ BPF_ARENA_CAP_ATOMIC_XOR, "0xff became 0xf0" },
	};
	size_t i;

	probe_all(false);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_status(want[i].cap, BPF_ARENA_PROBE_SUPPORTED, want[i].evidence);
}

/* x86-64's JIT has no arena fetch-and/or/xor (6.18): each probe's program
 * is refused, in the verifier's words. Elsewhere, a yes must come with the
 * effect seen.
 */
Test(probe, fetch_and_or_xor_answer_by_their_effect_or_the_verifiers_words)
{
	static const struct {
		enum bpf_arena_probe_cap cap;
		const char *evidence;
	} want[] = {
		{ BPF_ARENA_CAP_ATOMIC_FETCH_AND, "0xf0f0 became 0xf000, old value fetched" },
		{ BPF_ARENA_CAP_ATOMIC_FETCH_OR, "0xf0 became 0xff, old value fetched" },
		{ BPF_ARENA_CAP_ATOMIC_FETCH_XOR, "0xff became 0xf0, old value fetched" },
	};
	size_t i;

	probe_all(false);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
#if defined(__x86_64__)
		assert_status(want[i].cap, BPF_ARENA_PROBE_MISSING,
			      "BPF_ATOMIC stores into R6 arena is not allowed");
#else
		if (res[want[i].cap].status == BPF_ARENA_PROBE_SUPPORTED)
			assert_status(want[i].cap, BPF_ARENA_PROBE_SUPPORTED, want[i].evidence);
		else
			assert_status(want[i].cap, BPF_ARENA_PROBE_MISSING, "BPF_ATOMIC");
#endif
	}
}

Test(probe, arg_arena_global_function_stores_through_its_argument)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_ARG_ARENA, BPF_ARENA_PROBE_SUPPORTED,
		      "stored through its arena argument");
}

Test(probe, globals_direct_value_address_works_below_512M)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_GLOBALS, BPF_ARENA_PROBE_SUPPORTED, "user space read it");
}

Test(probe, big_offsets_are_refused_in_the_verifiers_words)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_BIG_OFFSETS, BPF_ARENA_PROBE_MISSING,
		      "direct value offset of 536870912 is not allowed");
	cr_assert_eq(res[BPF_ARENA_CAP_BIG_OFFSETS].err, EINVAL);
}

Test(probe, kfuncs_allocate_free_and_reserve)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, BPF_ARENA_PROBE_SUPPORTED,
		      "user space read what BPF stored there");
	assert_status(BPF_ARENA_CAP_KFUNC_FREE_PAGES, BPF_ARENA_PROBE_SUPPORTED,
		      "read as 0 once freed");
	assert_status(BPF_ARENA_CAP_KFUNC_RESERVE_PAGES, BPF_ARENA_PROBE_SUPPORTED,
		      "could not be allocated, its neighbour could");
}

/* The kfunc answers agree with the kernel's BTF, read independently. */
Test(probe, kfunc_answers_agree_with_kernel_btf)
{
	static const char *const names[] = { "bpf_arena_alloc_pages", "bpf_arena_free_pages",
					     "bpf_arena_reserve_pages" };
	struct btf *btf;
	size_t i;

	probe_all(false);
	btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	cr_assert(btf, "no kernel BTF: %s", strerror(errno));
	for (i = 0; i < 3; i++)
		cr_assert_gt(btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC), 0, "%s",
			     names[i]);
	btf__free(btf);
}

Test(probe, nonsleepable_alloc_is_refused_as_sleepable_only)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, BPF_ARENA_PROBE_MISSING,
		      "must be sleepable to call sleepable kfunc bpf_arena_alloc_pages");
}

Test(probe, no_user_conv_keeps_the_offset)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_NO_USER_CONV, BPF_ARENA_PROBE_SUPPORTED, "kept the offset");
}

/* The probe saw EFAULT; a process that touches such a page must die. */
Test(probe, segv_on_fault_kills_a_process_touching_an_empty_page)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .map_flags = BPF_ARENA_F_MMAPABLE | BPF_ARENA_F_SEGV_ON_FAULT);
	volatile char *p;
	int fd, status;
	pid_t pid;

	probe_all(false);
	assert_status(BPF_ARENA_CAP_SEGV_ON_FAULT, BPF_ARENA_PROBE_SUPPORTED, "EFAULT");
	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "segv", 0, 0, 1, &opts);
	cr_assert_geq(fd, 0, "map_create: %s", strerror(errno));
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	pid = fork();
	if (pid == 0) {
		(void)*p;
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		  "child status 0x%x, expected death by SIGSEGV", status);
	munmap((void *)p, 4096);
	close(fd);
}

/* Streams exist on 6.18, but bpf_stream_vprintk() fails with ENOMEM on the
 * project's machines: the probe must say "unknown" with the errno, not
 * guess.
 */
Test(probe, streams_answer_is_evidence_based)
{
	const struct bpf_arena_probe_result *r;

	probe_all(false);
	r = &res[BPF_ARENA_CAP_STREAMS];
	if (r->status == BPF_ARENA_PROBE_SUPPORTED) {
		cr_assert(strstr(r->reason, "arena probe 1234"), "%s", r->reason);
	} else {
		cr_assert_eq(r->status, BPF_ARENA_PROBE_UNKNOWN, "%s", r->reason);
		cr_assert_neq(r->err, 0);
		cr_assert(strstr(r->reason, "bpf_stream_vprintk failed"), "%s", r->reason);
		cr_assert_neq(res[BPF_ARENA_CAP_FAULT_REPORT].status, BPF_ARENA_PROBE_SUPPORTED);
	}
}

Test(probe, root_has_the_privileges)
{
	probe_all(false);
	assert_status(BPF_ARENA_CAP_CAP_BPF, BPF_ARENA_PROBE_SUPPORTED, NULL);
	assert_status(BPF_ARENA_CAP_CAP_PERFMON, BPF_ARENA_PROBE_SUPPORTED, NULL);
	cr_assert_eq(bpf_arena__probe_usable(NULL), 1);
}

/* In a child without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN the probes must
 * say so, and not claim the kernel lacks arenas.
 */
Test(probe, without_privileges_answers_are_unknown_not_missing)
{
	int status;
	pid_t pid;

	test_require_arena_kernel();
	pid = fork();
	if (pid == 0)
		_exit(test_probe_unprivileged_child());
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died: 0x%x", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "unprivileged child failed check %d",
		     WEXITSTATUS(status));
}

/* ---- behaviour of the API -------------------------------------------- */

Test(probe, leaves_no_fd_and_no_mapping_behind)
{
	int fds, maps;

	probe_all(false); /* libbpf's own one-time setup happens here */
	fds = test_count_fds();
	maps = test_count_maps();
	probe_all(true);
	probe_all(true);
	cr_assert_eq(test_count_fds(), fds, "fds before %d, after %d", fds, test_count_fds());
	cr_assert_eq(test_count_maps(), maps, "mappings before %d, after %d", maps,
		     test_count_maps());
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

Test(probe, all_probes_take_well_under_a_second_and_are_cached)
{
	struct bpf_arena_probe_result one;
	struct timespec t0;
	double fresh, cached;

	test_require_arena_kernel();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	probe_all(true);
	fresh = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(bpf_arena__probe_cap(BPF_ARENA_CAP_JIT_LOAD_STORE, &one, NULL), 0);
	cached = ms_since(&t0);
	cr_log_info("fresh probes %.1f ms, cached %.3f ms", fresh, cached);
	cr_assert_lt(fresh, 500.0, "probes took %.1f ms", fresh);
	cr_assert_lt(cached, 1.0, "a cached answer took %.3f ms", cached);
	/* the cache holds the run's own answer, address and all */
	cr_assert_str_eq(one.reason, res[BPF_ARENA_CAP_JIT_LOAD_STORE].reason);
}

static void *probe_thread(void *arg)
{
	LIBBPF_OPTS(bpf_arena_probe_opts, opts, .no_cache = (long)arg & 1);
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	int i, bad = 0;

	for (i = 0; i < 5; i++) {
		if (bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, &opts) != __BPF_ARENA_CAP_CNT ||
		    r[BPF_ARENA_CAP_JIT_LOAD_STORE].status != BPF_ARENA_PROBE_SUPPORTED ||
		    r[BPF_ARENA_CAP_BIG_OFFSETS].status != BPF_ARENA_PROBE_MISSING)
			bad++;
	}
	return (void *)(long)bad;
}

Test(probe, concurrent_callers_get_consistent_answers)
{
	pthread_t t[8];
	void *bad;
	long i;

	test_require_arena_kernel();
	for (i = 0; i < 8; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, probe_thread, (void *)i), 0);
	for (i = 0; i < 8; i++) {
		cr_assert_eq(pthread_join(t[i], &bad), 0);
		cr_assert_eq((long)bad, 0, "thread %ld saw %ld inconsistent answers", i, (long)bad);
	}
}

Test(probe, options_are_checked_like_libbpfs)
{
	struct {
		struct bpf_arena_probe_opts o;
		char tail[16];
	} big = {};
	struct bpf_arena_probe_opts tiny = { .sz = 4 };
	struct bpf_arena_probe_result r;

	cr_assert_eq(bpf_arena__probe(&r, 1, &tiny), -EINVAL);
	big.o.sz = sizeof(big);
	cr_assert_eq(bpf_arena__probe(&r, 1, &big.o), __BPF_ARENA_CAP_CNT);
	big.tail[3] = 1;
	cr_assert_eq(bpf_arena__probe(&r, 1, &big.o), -EINVAL);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(bpf_arena__probe(NULL, 1, NULL), -EINVAL);
	cr_assert_eq(bpf_arena__probe(NULL, 0, NULL), __BPF_ARENA_CAP_CNT);
	cr_assert_eq(bpf_arena__probe_cap(__BPF_ARENA_CAP_CNT, &r, NULL), -EINVAL);
	cr_assert_null(bpf_arena__probe_cap_str(__BPF_ARENA_CAP_CNT));
	cr_assert_str_eq(bpf_arena__probe_status_str(BPF_ARENA_PROBE_MISSING), "missing");
}

/* ---- the bpf-arena probe command -------------------------------------- */

Test(probe, tool_prints_the_table_and_exits_0_here)
{
	char out[16384];
	int rc;

	test_require_arena_kernel();
	rc = test_run_tool("probe", out, sizeof(out));
	cr_assert_eq(rc, 0, "bpf-arena probe exited %d:\n%s", rc, out);
	cr_assert(strstr(out, "CAPABILITY"), "%s", out);
	cr_assert(test_tool_row(out, "map_type", "supported", "6.9", "arena-map"), "%s", out);
	cr_assert(test_tool_row(out, "big_offsets", "missing", NULL, "arena-big-offsets"), "%s",
		  out);
	cr_assert(strstr(out, "BPF arenas are usable on this kernel."), "%s", out);
}

Test(probe, tool_json_has_one_object_per_capability)
{
	char out[32768];
	const char *p;
	int rc, n = 0;

	test_require_arena_kernel();
	rc = test_run_tool("probe --json", out, sizeof(out));
	cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
	cr_assert(strstr(out, "\"usable\": true"), "%s", out);
	for (p = out; (p = strstr(p, "\n{\"name\": ")); p++)
		n++;
	cr_assert_eq(n, __BPF_ARENA_CAP_CNT, "%d objects in:\n%s", n, out);
	cr_assert(strstr(out,
			 "{\"name\": \"jit_load_store\", \"status\": \"supported\", "
			 "\"since\": \"6.9\", \"patch\": \"arena-jit-x86-mem32\", \"errno\": 0"),
		  "%s", out);
}

Test(probe, tool_exits_2_on_bad_usage)
{
	char out[4096];

	cr_assert_eq(test_run_tool("probe --frobnicate", out, sizeof(out)), 2, "%s", out);
}

/* As an unprivileged user the tool can't tell: exit 2, not "not usable". */
Test(probe, tool_exits_2_without_privileges)
{
	char out[16384];
	int status, rc;
	pid_t pid;

	test_require_arena_kernel();
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		rc = test_run_tool("probe", out, sizeof(out));
		if (rc != 2 || !strstr(out, "Cannot tell whether BPF arenas are usable"))
			_exit(101);
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The foreign corpus (progs/foreign_*.bpf.c) through libbpf_arena on the
 * installed libbpf: programs in the shapes other projects write (CO-RE,
 * kfuncs and ksyms at entry, subprograms, tracing, XDP and tc, every arena
 * atomic) load, run, and leave in the arena exactly what they should; user
 * space's inputs reach them. And binding does no harm: every program that
 * loads without binding loads with it. foreign_compare.sh checks the same
 * corpus against plain libbpf 1.5.
 *
 * Not in the corpus, because the test kernel takes them from no loader
 * (checked with plain libbpf 1.5): fentry/fexit (the load fails with EPERM)
 * and kprobes (no kprobe PMU: attaching fails with ENOENT).
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "foreign_run.h"
#include "progs/foreign.h"
#include "test_helpers.h"

#define PAGE ((__u64)sysconf(_SC_PAGESIZE))

static void open_load(struct foreign_obj *fo, const char *name,
		      const struct bpf_arena_open_opts *opts)
{
	int err;

	test_require_arena_kernel();
	err = foreign_open(fo, test_prog_path(name), FOREIGN_VIA_ARENA, opts);
	cr_assert_eq(err, 0, "open %s: %s", name, strerror(-err));
	err = foreign_load(fo);
	cr_assert_eq(err, 0, "load %s: %s (%s)", name, strerror(-err), fo->refused);
}

static __u64 *global(struct foreign_obj *fo, const char *name)
{
	__u64 *p = foreign_global(fo, name, NULL);

	cr_assert(p, "no __arena global '%s'", name);
	return p;
}

/* Runs @prog; returns its return value, the context after the run in @args. */
static int run(struct foreign_obj *fo, const char *prog, __u64 head, struct foreign_args *args)
{
	struct bpf_program *p = bpf_object__find_program_by_name(fo->obj, prog);
	struct foreign_args dummy;
	int err, ret;

	cr_assert(p, "no program '%s'", prog);
	err = foreign_run_prog(fo, p, head, &ret, args ? args : &dummy);
	cr_assert_eq(err, 0, "run %s: %s", prog, strerror(-err));
	return ret;
}

static void assert_words(const __u64 *got, const __u64 *want, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		cr_assert_eq(got[i], want[i], "%s[%zu] = %llu, want %llu", what, i,
			     (unsigned long long)got[i], (unsigned long long)want[i]);
}

Test(foreign, core_reads_the_arena_struct_and_answers_existence_questions)
{
	struct foreign_obj fo;
	const __u64 map[] = { 16, 16 * PAGE, 1, 33 }, fields[] = { 1, 0, 8 },
		    types[] = { 1, 0, 1, 33, 0 };

	test_capture_log_start();
	open_load(&fo, "foreign_core", NULL);
	foreign_prepare_inputs(&fo);
	cr_assert_eq(run(&fo, "core_arena_struct", 0, NULL), 0);
	cr_assert_eq(run(&fo, "core_field_exists", 0, NULL), 0);
	cr_assert_eq(run(&fo, "core_type_enum", 0, NULL), 0);
	/* max_entries, user_vm_end - user_vm_start, user_vm_start is our base,
	 * map_type
	 */
	assert_words(global(&fo, "out_map"), map, 4, "out_map");
	assert_words(global(&fo, "out_fields"), fields, 3, "out_fields");
	assert_words(global(&fo, "out_types"), types, 5, "out_types");
	/* the one that names the map is not touched; the others are bound at an exit */
	cr_assert(strstr(test_capture_log(),
			 "prog 'core_arena_struct': names the arena map already: left as it is"),
		  "%s", test_capture_log());
	cr_assert(strstr(test_capture_log(), "prog 'core_field_exists': arena bound through r1"),
		  "%s", test_capture_log());
	test_capture_log_stop();
	foreign_close(&fo);
}

Test(foreign, tracing_programs_count_into_the_arena)
{
	struct foreign_obj fo;
	const __u64 raw[] = { FOREIGN_PGID_CALLS, FOREIGN_PGID_ARG },
		    btf[] = { FOREIGN_PRIO_CALLS, FOREIGN_PRIO_WHICH, FOREIGN_PRIO_WHO },
		    tp[] = { FOREIGN_PGID_CALLS, FOREIGN_PGID_ARG };

	foreign_prepare_tracefs();
	open_load(&fo, "foreign_trace", NULL);
	foreign_prepare_inputs(&fo);
	cr_assert_eq(*global(&fo, "in_pid"), (__u64)getpid());
	run(&fo, "raw_enter", 0, NULL);
	run(&fo, "btf_enter", 0, NULL);
	run(&fo, "tp_getpgid", 0, NULL);
	assert_words(global(&fo, "out_raw_tp"), raw, 2, "out_raw_tp");
	assert_words(global(&fo, "out_tp_btf"), btf, 3, "out_tp_btf");
	assert_words(global(&fo, "out_tracepoint"), tp, 2, "out_tracepoint");
	foreign_close(&fo);
}

Test(foreign, kfuncs_and_ksyms_at_entry)
{
	struct foreign_obj fo;
	struct {
		__u64 a, b;
	} * item;
	const __u64 ksym[] = { 1, 0 };
	__u64 sum = 0;
	int i;

	open_load(&fo, "foreign_kfunc", NULL);
	foreign_prepare_inputs(&fo);
	for (i = 0; i < 4; i++)
		sum += foreign_in_value(i);
	cr_assert_eq(run(&fo, "ksym_first", 0, NULL), 0);
	cr_assert_eq(run(&fo, "iter_first", 0, NULL), 0);
	cr_assert_eq(run(&fo, "alloc_first", 0, NULL), 0);
	assert_words(global(&fo, "out_ksym"), ksym, 2, "out_ksym");
	cr_assert_eq(global(&fo, "out_iter")[0], sum);
	cr_assert_eq(global(&fo, "out_iter")[1], 4);
	/* a page BPF allocated, followed from user space through BPF's pointer */
	item = (void *)(unsigned long)*global(&fo, "ptr_item");
	cr_assert((char *)item >= fo.base && (char *)item < fo.base + fo.size);
	cr_assert_eq(item->a, FOREIGN_ARG_A * 1000 + 1);
	cr_assert_eq(item->b, foreign_in_value(3));
	foreign_close(&fo);
}

Test(foreign, subprograms_global_static_callback_and_pointer_only)
{
	struct foreign_args args;
	struct foreign_obj fo;
	const __u64 sum[] = { 5 + 7 + 11, 3 }, loop[] = { 0 + 1 + 2 + 3 + 4 * 11, 4 };
	__u64 head;

	open_load(&fo, "foreign_subprog", NULL);
	head = foreign_prepare_inputs(&fo);
	cr_assert_eq(run(&fo, "receives_pointer", head, &args), 0);
	cr_assert_eq(args.ret, 3, "list_sum() returned %llu", (unsigned long long)args.ret);
	assert_words(global(&fo, "out_sum"), sum, 2, "out_sum");
	/* call first: scales a zero */
	cr_assert_eq(run(&fo, "call_first", head, NULL), 0);
	cr_assert_eq(run(&fo, "static_and_global", head, NULL), 0);
	cr_assert_eq(global(&fo, "out_calls")[0], foreign_in_value(0) * FOREIGN_ARG_A);
	cr_assert_eq(global(&fo, "out_calls")[1], foreign_in_value(0) * FOREIGN_ARG_A);
	cr_assert_eq(global(&fo, "out_calls")[2], foreign_in_value(1));
	/* user space changes the seed, the callback sees it */
	global(&fo, "in_seed")[0] = 11;
	cr_assert_eq(run(&fo, "callback_loop", head, NULL), 0);
	assert_words(global(&fo, "out_loop"), loop, 2, "out_loop");
	foreign_close(&fo);
}

Test(foreign, xdp_and_tc_on_a_crafted_packet)
{
	struct foreign_obj fo;
	const __u64 tc[] = { FOREIGN_PKT_LEN, 0x0800, 1 };
	__u64 payload;

	open_load(&fo, "foreign_net", NULL);
	cr_assert_eq(run(&fo, "xdp_parse", 0, NULL), 1 /* XDP_DROP: our port */);
	cr_assert_eq(run(&fo, "tc_count", 0, NULL), 0 /* TC_ACT_OK */);
	memcpy(&payload, "foreign!", sizeof(payload));
	cr_assert_eq(global(&fo, "out_xdp")[0], 1);
	cr_assert_eq(global(&fo, "out_xdp")[1], FOREIGN_PKT_SADDR);
	cr_assert_eq(global(&fo, "out_xdp")[2], FOREIGN_PKT_DPORT);
	cr_assert_eq(global(&fo, "out_xdp")[3], payload);
	assert_words(global(&fo, "out_tc"), tc, 3, "out_tc");
	foreign_close(&fo);
}

Test(foreign, every_arena_atomic_the_jit_takes)
{
	struct foreign_obj fo;
	__u64 in[8], want[8], old[4];
	int i;

	open_load(&fo, "foreign_atomics", NULL);
	foreign_prepare_inputs(&fo);
	for (i = 0; i < 8; i++)
		in[i] = foreign_in_value(i);
	want[0] = in[0] + 1000;
	want[1] = in[1] & 0xf0;
	want[2] = in[2] | 0x100;
	want[3] = in[3] ^ 0xff;
	want[4] = 77, old[0] = in[4];
	want[5] = 55, old[1] = in[5]; /* cmpxchg that hits */
	want[6] = in[6], old[2] = in[6]; /* and one that misses */
	want[7] = in[7] + FOREIGN_ARG_A, old[3] = in[7];
	cr_assert_eq(run(&fo, "atomics_all", 0, NULL), 0);
	cr_assert_eq(run(&fo, "atomics_xdp", 0, NULL), 2 /* XDP_PASS */);
	assert_words(global(&fo, "out_atom"), want, 8, "out_atom");
	assert_words(global(&fo, "out_old"), old, 4, "out_old");
	cr_assert_eq(global(&fo, "out_xdp_atom")[0], 1);
	cr_assert_eq(global(&fo, "out_xdp_atom")[1], 5);
	foreign_close(&fo);
}

Test(foreign, allocating_from_xdp_is_refused_with_the_verifiers_reason)
{
	struct foreign_obj fo;
	int err;

	test_require_arena_kernel();
	test_capture_log_start();
	err = foreign_open(&fo, test_prog_path("foreign_refused"), FOREIGN_VIA_ARENA, NULL);
	cr_assert_eq(err, 0);
	err = foreign_load(&fo);
	test_capture_log_stop();
	cr_assert_neq(err, 0);
	cr_assert(strstr(fo.refused, "prog 'xdp_alloc': program must be sleepable to call "
				     "sleepable kfunc bpf_arena_alloc_pages"),
		  "%s", fo.refused);
	foreign_close(&fo);
}

Test(foreign, a_program_without_an_exit_is_left_to_the_kernels_own_refusal)
{
	struct foreign_obj fo;
	int err;

	test_require_arena_kernel();
	test_capture_log_start();
	err = foreign_open(&fo, test_prog_path("foreign_throw"), FOREIGN_VIA_ARENA, NULL);
	cr_assert_eq(err, 0);
	err = foreign_load(&fo);
	cr_assert_neq(err, 0);
	/* as upstream libbpf users see it, not a verifier bug of our making */
	cr_assert(strstr(fo.refused, "prog 'throw_always': last insn is not an exit or jmp"), "%s",
		  fo.refused);
	cr_assert(strstr(test_capture_log(), "prog 'throw_always': has no exit of its own"), "%s",
		  test_capture_log());
	test_capture_log_stop();
	foreign_close(&fo);
}

Test(foreign, a_program_given_only_a_pointer_is_bound_and_walks_user_memory)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
	const __u64 vals[] = FOREIGN_LIST_VALS;
	struct foreign_node *n;
	struct foreign_args args;
	struct foreign_obj fo;
	int i = 0;

	open_load(&fo, "foreign_ptr_only", NULL);
	cr_assert_eq(run(&fo, "sum_given_list", foreign_prepare_inputs(&fo), &args), 0);
	cr_assert_eq(args.ret, vals[0] + vals[1] + vals[2]);
	n = (struct foreign_node *)(fo.base + fo.size / PAGE / 2 * PAGE);
	for (; n; n = n->next, i++)
		cr_assert_eq(n->val, 2 * vals[i], "node %d: %llu", i, (unsigned long long)n->val);
	cr_assert_eq(i, FOREIGN_LIST_LEN);
	foreign_close(&fo);

	/* what upstream libbpf does with it: nothing binds it */
	cr_assert_eq(
		foreign_open(&fo, test_prog_path("foreign_ptr_only"), FOREIGN_VIA_ARENA, &opts), 0);
	cr_assert_neq(foreign_load(&fo), 0);
	cr_assert(strstr(fo.refused, "has an associated arena"), "%s", fo.refused);
	foreign_close(&fo);
}

/* Whether @prog of @obj loads alone (the others not autoloaded). */
static bool loads_alone(const char *obj, const char *prog, bool no_prog_bind)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = no_prog_bind);
	struct bpf_program *p;
	struct foreign_obj fo;
	bool ok;

	cr_assert_eq(foreign_open(&fo, test_prog_path(obj), FOREIGN_VIA_ARENA, &opts), 0);
	bpf_object__for_each_program(p, fo.obj)
		bpf_program__set_autoload(p, strcmp(bpf_program__name(p), prog) == 0);
	ok = foreign_load(&fo) == 0;
	foreign_close(&fo);
	return ok;
}

Test(foreign, binding_never_makes_a_loadable_program_unloadable)
{
	static const char *const objs[] = { "foreign_core",    "foreign_trace",
					    "foreign_kfunc",   "foreign_subprog",
					    "foreign_net",     "foreign_atomics",
					    "foreign_refused", "foreign_ptr_only",
					    "foreign_alloc",   "foreign_throw" };
	size_t i, progs = 0, unbound_ok = 0;

	test_require_arena_kernel();
	foreign_prepare_tracefs();
	libbpf_set_print(NULL); /* refusals are expected below */
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct bpf_object *obj = bpf_object__open_file(test_prog_path(objs[i]), NULL);
		struct bpf_program *p;

		/* libbpf 1.1 can't open arena objects: take the names from ours */
		if (!obj)
			obj = bpf_arena__open_file(test_prog_path(objs[i]), NULL);
		cr_assert(obj, "open %s", objs[i]);
		bpf_object__for_each_program(p, obj) {
			const char *name = bpf_program__name(p);
			bool without = loads_alone(objs[i], name, true);
			bool with = loads_alone(objs[i], name, false);

			progs++;
			unbound_ok += without;
			cr_assert(with || !without, "%s/%s loads without binding but not with it",
				  objs[i], name);
			/* and all but the two every loader refuses load */
			cr_assert_eq(with,
				     strcmp(name, "xdp_alloc") && strcmp(name, "throw_always"),
				     "%s/%s: %s", objs[i], name, with ? "loads" : "refused");
		}
		bpf_arena__close(obj);
	}
	cr_assert_geq(progs, 22, "the corpus has %zu programs", progs);
	/* the ones naming the arena map, themselves or through the library
	 * they call, load without binding
	 */
	cr_assert_geq(unbound_ok, 4, "%zu load without binding", unbound_ok);
}

/* Section @i of the ELF image @buf: its name, offset and size. */
static const char *elf_section(const char *buf, size_t i, size_t *off, size_t *size)
{
	const Elf64_Ehdr *eh = (const void *)buf;
	const Elf64_Shdr *sh = (const void *)(buf + eh->e_shoff);

	*off = sh[i].sh_offset;
	*size = sh[i].sh_size;
	return buf + sh[eh->e_shstrndx].sh_offset + sh[i].sh_name;
}

/* What binding reads at open (.BTF.ext, .rel sections) corrupted byte by
 * byte: every open works or fails with an errno, never crashes, and
 * leaves nothing behind (run under ASan + UBSan too).
 */
Test(foreign, corrupt_btf_ext_and_relocations_are_errors_never_crashes)
{
	static const char *const objs[] = { "foreign_core", "foreign_subprog", "foreign_alloc" };
	int fds = test_count_fds(), maps = test_count_maps();
	unsigned int state = 9, n = 0, opened = 0, i, k;
	size_t o, sec;

	libbpf_set_print(NULL);
	for (o = 0; o < sizeof(objs) / sizeof(objs[0]); o++) {
		size_t sz;
		char *orig = test_read_file(test_prog_path(objs[o]), &sz);
		char *buf = malloc(sz);
		const Elf64_Ehdr *eh = (const void *)orig;

		cr_assert(orig && buf);
		for (sec = 1; sec < eh->e_shnum; sec++) {
			size_t off, len;
			const char *name = elf_section(orig, sec, &off, &len);

			if ((strcmp(name, ".BTF.ext") && strncmp(name, ".rel", 4)) || !len)
				continue;
			for (i = 0; i < 150; i++, n++) {
				struct bpf_object *obj;

				memcpy(buf, orig, sz);
				for (k = 0; k < 1 + i % 4; k++) {
					state = state * 1103515245 + 12345;
					buf[off + (state >> 8) % len] = (char)(state >> 20);
				}
				obj = bpf_arena__open_mem(buf, sz, NULL);
				if (obj)
					opened++;
				else
					cr_assert_lt(-errno, 0);
				bpf_arena__close(obj);
			}
		}
		free(buf);
		free(orig);
	}
	cr_assert_gt(n, 1000, "only %u corruptions", n);
	cr_assert_gt(opened, 0);
	cr_assert_eq(test_count_fds(), fds);
	cr_assert_eq(test_count_maps(), maps);
}

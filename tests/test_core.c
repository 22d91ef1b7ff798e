// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The core: arena objects open, load and share pointers on the installed
 * libbpf. Each test loads real programs into this kernel, runs them with
 * BPF_PROG_TEST_RUN and checks the arena's memory from user space.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "test_helpers.h"

#define SZ_4G (1ULL << 32)

static struct bpf_object *open_and_load(const char *name, const struct bpf_arena_open_opts *opts)
{
	struct bpf_object *obj;
	int err;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path(name), opts);
	cr_assert(obj, "open %s: %s", name, strerror(errno));
	err = bpf_arena__load(obj);
	cr_assert_eq(err, 0, "load %s: %s", name, strerror(-err));
	return obj;
}

static void *var_ptr(struct bpf_object *obj, const char *var)
{
	void *p = bpf_arena__find_global(bpf_arena__from_object(obj), var, NULL);

	cr_assert(p, "no __arena global '%s'", var);
	return p;
}

/* A .bss variable of the object, read after load through its map. */
static __u64 bss_u64(struct bpf_object *obj, const char *var)
{
	struct bpf_map *bss = NULL, *m;
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	char value[4096];
	__u32 key = 0, i;
	int id;

	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".bss"))
			bss = m;
	cr_assert(bss, "no .bss map");
	cr_assert_leq(bpf_map__value_size(bss), sizeof(value));
	cr_assert_eq(bpf_map_lookup_elem(bpf_map__fd(bss), &key, value), 0);
	id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	cr_assert_geq(id, 0);
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *v = btf__type_by_id(btf, vsi->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), var) == 0) {
			__u64 x = 0;

			memcpy(&x, value + vsi->offset, vsi->size < 8 ? vsi->size : 8);
			return x;
		}
	}
	cr_assert_fail("no .bss variable '%s'", var);
	return 0;
}

Test(globals, bpf_sees_initial_values_and_user_sees_bpf_writes)
{
	struct bpf_object *obj = open_and_load("core_globals", NULL);
	struct point {
		int x, y;
		long tag;
	} * pt;
	long *arr;

	cr_assert_eq(test_run_prog(obj, "check_initial"), 0, "BPF saw wrong initial values");
	cr_assert_eq(test_run_prog(obj, "write_all"), 0);

	cr_assert_eq(*(int *)var_ptr(obj, "init_int"), 1042);
	arr = var_ptr(obj, "init_arr");
	cr_assert(arr[0] == 10 && arr[1] == 20 && arr[2] == 30 && arr[3] == 40);
	pt = var_ptr(obj, "init_pt");
	cr_assert_eq(pt->x, -7);
	cr_assert_eq(pt->y, 8);
	cr_assert_eq(pt->tag, 0x1122334455667788L);
	cr_assert_eq(*(int *)var_ptr(obj, "zero_int"), 77);
	cr_assert_eq(((char *)var_ptr(obj, "zero_buf"))[99], 'z');
	cr_assert_eq(*(int *)var_ptr(obj, "static_int"), 105);
	cr_assert_eq(*(long *)var_ptr(obj, "static_zero"), 3126);

	/* and BPF reads what user space writes */
	*(int *)var_ptr(obj, "init_int") = 30;
	*(long *)var_ptr(obj, "static_zero") = 12;
	cr_assert_eq(test_run_prog(obj, "read_back"), 42);
	bpf_arena__close(obj);
}

Test(globals, at_the_end_of_the_arena_by_default)
{
	struct bpf_object *obj = open_and_load("core_globals", NULL);
	struct bpf_arena *arena = bpf_arena__from_object(obj);
	char *base = bpf_arena__base(arena);
	size_t size = bpf_arena__size(arena), gsz = 0;
	char *globals = bpf_arena__globals(arena, &gsz);

	cr_assert(base && globals);
	cr_assert_eq(size, 16 * 4096UL);
	cr_assert_eq(bpf_arena__page_cnt(arena), 16);
	cr_assert_eq((size_t)(globals - base), size - 4096, "globals at offset %zu",
		     (size_t)(globals - base));
	cr_assert_eq(bpf_arena__globals_offset(arena), size - 4096);
	cr_assert_eq(test_run_prog(obj, "check_initial"), 0);
	/* BPF's own &global is the user address of that global */
	cr_assert_eq(bss_u64(obj, "addr_init_int"), (__u64)(unsigned long)var_ptr(obj, "init_int"));
	cr_assert_eq(bss_u64(obj, "addr_static_int"),
		     (__u64)(unsigned long)var_ptr(obj, "static_int"));
	cr_assert_eq(bss_u64(obj, "addr_zero_buf"), (__u64)(unsigned long)var_ptr(obj, "zero_buf"));
	cr_assert_eq(bpf_arena__map_initial_value(bpf_arena__map(arena), &gsz), base);
	cr_assert_eq(gsz, size);
	bpf_arena__close(obj);
}

Test(globals, at_offset_zero_when_asked)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .globals_layout = BPF_ARENA_GLOBALS_AT_ZERO);
	struct bpf_object *obj = open_and_load("core_globals", &opts);
	struct bpf_arena *arena = bpf_arena__from_object(obj);

	cr_assert_eq(bpf_arena__globals(arena, NULL), bpf_arena__base(arena));
	cr_assert_eq(bpf_arena__globals_offset(arena), 0);
	cr_assert_eq(test_run_prog(obj, "check_initial"), 0);
	cr_assert_eq(test_run_prog(obj, "write_all"), 0);
	cr_assert_eq(*(int *)bpf_arena__base(arena), 1042, "init_int is the first global");
	cr_assert_eq(bss_u64(obj, "addr_init_int"), (__u64)(unsigned long)var_ptr(obj, "init_int"));
	bpf_arena__close(obj);
}

Test(globals, initial_values_set_before_load_are_what_bpf_sees)
{
	struct bpf_object *obj;
	struct bpf_arena *arena;
	char *image;
	int *init_int;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path("core_globals"), NULL);
	cr_assert(obj);
	arena = bpf_arena__from_object(obj);
	cr_assert_null(bpf_arena__base(arena), "no base before load");
	image = bpf_arena__globals(arena, NULL);
	cr_assert(image);
	init_int = bpf_arena__find_global(arena, "init_int", NULL);
	cr_assert(init_int >= (int *)image, "before load globals are found in the image");
	cr_assert_eq(*init_int, 42, "the image holds the compiler's value");
	*init_int = 43;
	cr_assert_eq(bpf_arena__load(obj), 0);
	cr_assert_eq(test_run_prog(obj, "check_initial"), 1, "BPF must see 43, not 42");
	cr_assert_eq(*(int *)var_ptr(obj, "init_int"), 43);
	bpf_arena__close(obj);
}

Test(globals, programs_that_only_use_globals_are_refused_without_binding)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
	struct bpf_object *obj;

	test_require_arena_kernel();
	test_capture_log_start();
	obj = bpf_arena__open_file(test_prog_path("core_globals"), &opts);
	cr_assert(obj);
	cr_assert_lt(bpf_arena__load(obj), 0, "the verifier should refuse an unbound program");
	cr_assert(strstr(test_capture_log(), "associated arena"), "log: %s", test_capture_log());
	test_capture_log_stop();
	bpf_arena__close(obj);
}

Test(binding, programs_that_never_name_the_arena_map)
{
	struct bpf_object *obj = open_and_load("core_bind", NULL);
	long *counter = var_ptr(obj, "bind_counter");

	cr_assert_eq(test_run_prog(obj, "plain"), 7);
	cr_assert_eq(test_run_prog(obj, "call_first"), 0);
	cr_assert_eq(*counter, 1, "a subprogram called first must reach the arena");
	cr_assert_eq(test_run_prog(obj, "helper_first"), 0);
	cr_assert_eq(*(long *)var_ptr(obj, "bind_stamp"), 1);
	cr_assert_eq(test_run_prog(obj, "through_global_func"), 0);
	cr_assert_eq(*counter, 101, "a global function with __arg_arena must reach it");
	bpf_arena__close(obj);
}

Test(binding, refused_without_it_with_advice)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
	struct bpf_object *obj;

	test_require_arena_kernel();
	test_capture_log_start();
	obj = bpf_arena__open_file(test_prog_path("core_bind"), &opts);
	cr_assert(obj);
	cr_assert_lt(bpf_arena__load(obj), 0);
	cr_assert(strstr(test_capture_log(), "associated arena"), "log: %s", test_capture_log());
	cr_assert(strstr(test_capture_log(), "no_prog_bind is set"), "log: %s", test_capture_log());
	/* the log is the refused program's, under its name */
	cr_assert(strstr(test_capture_log(), "prog 'call_first': -- BEGIN PROG LOAD LOG"),
		  "log: %s", test_capture_log());
	cr_assert_null(strstr(test_capture_log(), "prog 'plain': -- BEGIN"), "log: %s",
		       test_capture_log());
	test_capture_log_stop();
	bpf_arena__close(obj);
}

Test(pointers, bpf_list_walked_and_extended_by_user_space)
{
	struct bpf_object *obj = open_and_load("core_list", NULL);
	struct node {
		struct node *next;
		long value;
	} * *head, *n, *mine;
	long *len, sum = 0, count = 0;
	int i;

	cr_assert_eq(test_run_prog(obj, "build"), 0, "bpf_arena_alloc_pages failed");
	head = var_ptr(obj, "list_head");
	len = var_ptr(obj, "list_len");
	cr_assert_eq(*len, 10);
	for (n = *head; n && count < 100; n = n->next) {
		sum += n->value;
		count++;
	}
	cr_assert_eq(count, 10);
	cr_assert_eq(sum, 55);

	/* Five nodes of ours, in the second half of BPF's page, pushed on the
	 * head: BPF must follow user-space pointers as well.
	 */
	mine = (struct node *)((unsigned long)*head & ~4095UL) + 128;
	for (i = 0; i < 5; i++) {
		mine[i].value = 100;
		mine[i].next = *head;
		*head = &mine[i];
	}
	*len = 15;
	cr_assert_eq(test_run_prog(obj, "walk"), 0);
	cr_assert_eq(bss_u64(obj, "walk_len"), 15);
	cr_assert_eq(bss_u64(obj, "walk_sum"), 555);
	bpf_arena__close(obj);
}

Test(placement, full_4g_arena_at_fixed_address_above_4g)
{
	struct bpf_object *obj = open_and_load("core_big", NULL);
	struct bpf_arena *arena = bpf_arena__from_object(obj);
	char *base = bpf_arena__base(arena);
	long *counter = var_ptr(obj, "big_counter");

	cr_assert_eq((unsigned long)base, 0x200000000000UL);
	cr_assert_eq(bpf_map__map_extra(bpf_arena__map(arena)), 0x200000000000ULL);
	cr_assert_eq(bpf_arena__size(arena), SZ_4G);
	cr_assert_eq((char *)bpf_arena__globals(arena, NULL) - base, SZ_4G - 4096);
	cr_assert_eq(*counter, 1000);
	cr_assert_eq(test_run_prog(obj, "bump"), 0);
	cr_assert_eq(test_run_prog(obj, "bump"), 0);
	cr_assert_eq(*counter, 1002);
	cr_assert_eq(((long *)var_ptr(obj, "big_zero"))[7], 0xabcdef);
	cr_assert_eq(bss_u64(obj, "addr_counter"), (__u64)(unsigned long)counter);
	bpf_arena__close(obj);
	cr_assert(!test_range_mapped(0x200000000000UL, SZ_4G), "close left the arena mapped");
}

Test(placement, map_extra_zero_and_zero_globals_written_on_first_run)
{
	struct bpf_object *obj = open_and_load("core_zero", NULL);
	struct bpf_arena *arena = bpf_arena__from_object(obj);
	unsigned long base = (unsigned long)bpf_arena__base(arena);
	int *mark = var_ptr(obj, "first_run_mark");

	cr_assert(base);
	cr_assert_eq(base >> 32, (base + bpf_arena__size(arena) - 1) >> 32,
		     "the range must not cross 4 GiB");
	cr_assert_eq(*mark, 0);
	cr_assert_eq(test_run_prog(obj, "first_run"), 0);
	cr_assert_eq(*mark, 0x5eed, "a store to the globals on the first run was dropped");
	cr_assert_eq(((char *)var_ptr(obj, "zero_page_and_more"))[4999], 9);
	cr_assert_eq(bss_u64(obj, "addr_mark"), (__u64)(unsigned long)mark);
	bpf_arena__close(obj);
}

Test(placement, segv_on_fault_arena_with_globals)
{
	struct bpf_object *obj = open_and_load("core_segv", NULL);
	struct bpf_arena *arena = bpf_arena__from_object(obj);

	cr_assert(bpf_map__map_flags(bpf_arena__map(arena)) & BPF_ARENA_F_SEGV_ON_FAULT);
	cr_assert_eq(*(int *)var_ptr(obj, "segv_init"), 31337);
	cr_assert_eq(test_run_prog(obj, "touch"), 0);
	cr_assert_eq(*(int *)var_ptr(obj, "segv_zero"), 4242);
	bpf_arena__close(obj);
}

/* The first page of a SEGV_ON_FAULT arena is not populated: touching it
 * must kill us, which shows the flag really is in effect.
 */
Test(placement, segv_on_fault_really_faults, .signal = SIGSEGV)
{
	struct bpf_object *obj = open_and_load("core_segv", NULL);
	volatile char *base = bpf_arena__base(bpf_arena__from_object(obj));

	(void)base[0];
}

Test(placement, address_clash_is_an_error_and_leaves_the_mapping_alone)
{
	void *mine = mmap((void *)0x200000000000UL + (1UL << 20), 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	struct bpf_object *obj;
	int fds, err;

	test_require_arena_kernel();
	cr_assert_neq(mine, MAP_FAILED);
	strcpy(mine, "still here");
	fds = test_count_fds();
	test_capture_log_start();
	obj = bpf_arena__open_file(test_prog_path("core_big"), NULL);
	cr_assert(obj);
	err = bpf_arena__load(obj);
	cr_assert_eq(err, -EEXIST, "load: %d", err);
	cr_assert(strstr(test_capture_log(), "0x200000000000"), "log: %s", test_capture_log());
	cr_assert(strstr(test_capture_log(), "200000100000-200000101000"),
		  "log names the mapping: %s", test_capture_log());
	test_capture_log_stop();
	cr_assert_str_eq(mine, "still here");
	bpf_arena__close(obj);
	cr_assert_eq(test_count_fds(), fds);
	cr_assert_str_eq(mine, "still here");
	munmap(mine, 4096);
}

Test(objects, without_arena_pass_through_to_libbpf)
{
	struct bpf_object *obj = open_and_load("core_noarena", NULL);

	cr_assert_null(bpf_arena__from_object(obj));
	cr_assert_eq(errno, ENOENT);
	cr_assert_eq(test_run_prog(obj, "count"), 0);
	bpf_arena__close(obj);
}

Test(objects, open_mem_and_libbpf_calls_between_open_and_load)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	FILE *f = fopen(test_prog_path("core_globals"), "rb");
	static char buf[1 << 20];
	size_t n;

	test_require_arena_kernel();
	cr_assert(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	obj = bpf_arena__open_mem(buf, n, NULL);
	cr_assert(obj);
	memset(buf, 0, n); /* the library must not keep pointers into it */
	prog = bpf_object__find_program_by_name(obj, "write_all");
	cr_assert(prog);
	cr_assert_eq(bpf_program__set_autoload(prog, false), 0);
	cr_assert_eq(bpf_arena__load(obj), 0);
	cr_assert_lt(bpf_program__fd(prog), 0, "autoload off must be honoured");
	cr_assert_eq(test_run_prog(obj, "check_initial"), 0);
	bpf_arena__close(obj);
}

/* Nothing left behind: run every kind of load, then count. */
Test(lifetime, close_releases_every_fd_and_mapping)
{
	static const char *const progs[] = { "core_globals", "core_list", "core_big",
					     "core_zero",    "core_segv", "core_noarena" };
	int fds, maps;
	size_t i;

	test_require_arena_kernel();
	/* warm up: libbpf and libelf allocate some things once */
	bpf_arena__close(open_and_load("core_globals", NULL));
	fds = test_count_fds();
	maps = test_count_maps();
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpf_object *obj = open_and_load(progs[i], NULL);

		cr_assert_gt(test_count_fds(), fds, "%s holds fds while open", progs[i]);
		bpf_arena__close(obj);
		cr_assert_eq(test_count_fds(), fds, "%s leaked an fd", progs[i]);
		cr_assert_eq(test_count_maps(), maps, "%s leaked a mapping", progs[i]);
	}
	/* closing an object that was only opened */
	bpf_arena__close(bpf_arena__open_file(test_prog_path("core_zero"), NULL));
	cr_assert_eq(test_count_fds(), fds);
	cr_assert_eq(test_count_maps(), maps, "a reservation from open leaked");
}

Test(lifetime, failed_load_releases_everything)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
	struct bpf_object *obj;
	int fds, maps;

	test_require_arena_kernel();
	bpf_arena__close(open_and_load("core_globals", NULL));
	fds = test_count_fds();
	maps = test_count_maps();

	/* the verifier refuses the programs: after create + mmap + populate */
	obj = bpf_arena__open_file(test_prog_path("core_globals"), &opts);
	cr_assert(obj);
	cr_assert_lt(bpf_arena__load(obj), 0);
	cr_assert_lt(bpf_arena__load(obj), 0, "a second load must be refused too");
	bpf_arena__close(obj);
	cr_assert_eq(test_count_fds(), fds, "fd leaked after a refused program");
	cr_assert_eq(test_count_maps(), maps, "mapping leaked after a refused program");

	/* the arena can't be mapped: after create */
	obj = bpf_arena__open_file(test_prog_path("core_big"), NULL);
	cr_assert(obj);
	{
		void *block = mmap((void *)0x200000000000UL, 4096, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		cr_assert_neq(block, MAP_FAILED);
		cr_assert_lt(bpf_arena__load(obj), 0);
		munmap(block, 4096);
	}
	bpf_arena__close(obj);
	cr_assert_eq(test_count_fds(), fds, "fd leaked after a failed mmap");
	cr_assert_eq(test_count_maps(), maps, "mapping leaked after a failed mmap");

	/* the kernel refuses to create the arena: a NUMA node that doesn't exist */
	obj = bpf_arena__open_file(test_prog_path("core_list"), NULL);
	cr_assert(obj);
	cr_assert_eq(bpf_map__set_numa_node(bpf_object__find_map_by_name(obj, "arena"), 4000), 0);
	cr_assert_lt(bpf_arena__load(obj), 0);
	bpf_arena__close(obj);
	cr_assert_eq(test_count_maps(), maps, "mapping leaked after a failed create");
	cr_assert_eq(test_count_fds(), fds);
}

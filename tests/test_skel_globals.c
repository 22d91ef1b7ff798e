// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Skeletons from `bpf-arena gen skeleton`, used as an application would:
 * every kind of global through skel->arena, skel->data/rodata/bss/kconfig,
 * initial values set before load and seen by BPF, programs run through the
 * skeleton, and destroy leaving nothing behind. The build generates the
 * skeleton of each test program once per compiler (clang 19, clang 14).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "test_helpers.h"
#include "skel_globals.h"
#include "skel_globals.skel.h"

static long run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	cr_assert_eq(err, 0, "test run of %s: %s", bpf_program__name(prog), strerror(errno));
	return (long)(int)opts.retval;
}

static struct skel_globals *open_skel(void)
{
	struct skel_globals *skel;

	test_require_arena_kernel();
	skel = skel_globals__open();
	cr_assert(skel, "skel_globals__open: %s", strerror(errno));
	return skel;
}

static void load_skel(struct skel_globals *skel)
{
	int err = skel_globals__load(skel);

	cr_assert_eq(err, 0, "skel_globals__load: %s", strerror(-err));
}

Test(skel_globals, arena_points_at_initial_image_before_load)
{
	struct skel_globals *skel = open_skel();

	cr_assert_not_null(skel->arena);
	cr_assert_null(skel_globals__arena_base(skel), "no arena address before load");
	cr_assert_eq(skel_globals__arena_size(skel), 16 * 4096);
	cr_assert_eq(skel->arena->a_int, 100);
	cr_assert_eq(skel->arena->a_char, 'x');
	cr_assert_eq(skel->arena->a_u64, 1LL << 40);
	cr_assert_eq(skel->arena->a_array[7], 8);
	cr_assert_eq(skel->arena->a_pair.a, 3);
	cr_assert_eq(skel->arena->a_pair.b, 4);
	cr_assert_eq(skel->arena->a_word.u, 0x01020304u);
	cr_assert_eq(skel->arena->a_color, SKEL_GREEN);
	cr_assert_eq(skel->arena->a_u16, 65535);
	cr_assert_null(skel->arena->a_ptr);
	cr_assert_eq(skel->arena->a_zero, 0);
	cr_assert_eq(skel->data->data_int, 7);
	cr_assert_eq(skel->rodata->rodata_int, 11);
	skel_globals__destroy(skel);
}

/* What sum_globals computes from the values the test sets before load. */
static long long expected_sum(void)
{
	return 1000 + 'y' + 5 /* a_hidden */ + (1LL << 40) + (10 + 2 + 3 + 4 + 5 + 6 + 7 + 8) +
	       (30 + 4) + 0x01020304 + SKEL_BLUE + 65535 + 0 + 70 + 110;
}

Test(skel_globals, initial_values_set_before_load_are_seen_by_bpf)
{
	struct skel_globals *skel = open_skel();

	skel->arena->a_int = 1000;
	skel->arena->a_char = 'y';
	skel->arena->a_array[0] = 10;
	skel->arena->a_pair.a = 30;
	skel->arena->a_color = SKEL_BLUE;
	skel->data->data_int = 70;
	skel->rodata->rodata_int = 110;
	load_skel(skel);

	cr_assert_eq(run(skel->progs.sum_globals), 0);
	cr_assert_eq(skel->arena->a_out, expected_sum(), "BPF summed %lld, expected %lld",
		     skel->arena->a_out, expected_sum());
	cr_assert_eq(skel->bss->bss_sum, expected_sum());
	cr_assert_eq(skel->rodata->rodata_int, 110);
	skel_globals__destroy(skel);
}

Test(skel_globals, arena_is_the_live_globals_after_load)
{
	struct skel_globals *skel = open_skel();
	char *base;
	size_t size;

	load_skel(skel);
	base = skel_globals__arena_base(skel);
	size = skel_globals__arena_size(skel);
	cr_assert_not_null(base);
	cr_assert(base <= (char *)skel->arena && (char *)(skel->arena + 1) <= base + size,
		  "skel->arena %p is outside the arena [%p, +%zu)", (void *)skel->arena,
		  (void *)base, size);

	/* BPF's writes show up through skel->arena... */
	cr_assert_eq(run(skel->progs.sum_globals), 0);
	cr_assert_eq(skel->arena->a_int, 101);
	/* ...including a pointer BPF stored, which user space follows */
	cr_assert_eq(skel->arena->a_ptr, &skel->arena->a_array[2]);
	cr_assert_eq(*skel->arena->a_ptr, 3);
	/* ...and user space's writes are what BPF reads next */
	skel->arena->a_int = 0;
	skel->arena->a_zero = 5;
	cr_assert_eq(run(skel->progs.sum_globals), 0);
	cr_assert_eq(skel->arena->a_out, skel->bss->bss_sum);
	cr_assert_eq(skel->arena->a_int, 1);
	skel_globals__destroy(skel);
}

Test(skel_globals, globals_at_zero_put_arena_at_the_base)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .globals_layout = BPF_ARENA_GLOBALS_AT_ZERO);
	struct skel_globals *skel;

	test_require_arena_kernel();
	skel = skel_globals__open_arena_opts(&opts);
	cr_assert(skel, "skel_globals__open_arena_opts: %s", strerror(errno));
	skel->arena->a_int = 1000;
	load_skel(skel);
	cr_assert_eq((void *)skel->arena, skel_globals__arena_base(skel),
		     "libbpf 1.4-1.6's layout: the globals at the arena's base");
	cr_assert_eq(skel->arena->a_int, 1000);
	cr_assert_eq(run(skel->progs.sum_globals), 0);
	cr_assert_eq(skel->arena->a_int, 1001);
	skel_globals__destroy(skel);
}

Test(skel_globals, data_bss_and_kconfig_are_the_live_maps_after_load)
{
	struct skel_globals *skel = open_skel();
	int *data_before;

	data_before = &skel->data->data_int;
	load_skel(skel);
	cr_assert_eq(&skel->data->data_int, data_before,
		     "skel->data keeps its address across load, as libbpf's skeletons do");
	cr_assert_eq(run(skel->progs.bump_data), 8);
	cr_assert_eq(skel->data->data_int, 8);
	skel->data->data_int = 41;
	cr_assert_eq(run(skel->progs.bump_data), 42);
	cr_assert_eq(run(skel->progs.sum_globals), 0);
	cr_assert_neq(skel->kconfig->LINUX_KERNEL_VERSION, 0);
	cr_assert_eq(skel->bss->seen_kernel_version, skel->kconfig->LINUX_KERNEL_VERSION);
	skel_globals__destroy(skel);
}

Test(skel_globals, maps_progs_and_attach_are_there)
{
	struct skel_globals *skel = open_skel();

	cr_assert_not_null(skel->obj);
	cr_assert_not_null(skel->maps.arena);
	cr_assert_not_null(skel->maps.results);
	cr_assert_not_null(skel->maps.bss);
	cr_assert_str_eq(bpf_program__name(skel->progs.sum_globals), "sum_globals");
	load_skel(skel);
	cr_assert_eq(bpf_arena__map(bpf_arena__from_object(skel->obj)), skel->maps.arena);
	cr_assert_geq(bpf_map__fd(skel->maps.results), 0);
	/* syscall programs have no attach point: attach is a no-op, as in libbpf */
	cr_assert_eq(skel_globals__attach(skel), 0);
	cr_assert_null(skel->links.sum_globals);
	skel_globals__detach(skel);
	skel_globals__destroy(skel);
}

Test(skel_globals, open_and_load_then_destroy_leaves_no_fd_and_no_mapping)
{
	int fds, maps, fds_after, maps_after;
	struct skel_globals *skel;
	unsigned long base;
	size_t size;

	test_require_arena_kernel();
	/* a first round, so that libbpf's one-time allocations are not counted */
	skel_globals__destroy(skel_globals__open_and_load());
	fds = test_count_fds();
	maps = test_count_maps();

	skel = skel_globals__open_and_load();
	cr_assert(skel, "open_and_load: %s", strerror(errno));
	cr_assert_eq(run(skel->progs.sum_globals), 0);
	base = (unsigned long)skel_globals__arena_base(skel);
	size = skel_globals__arena_size(skel);
	cr_assert(test_range_mapped(base, size));
	skel_globals__destroy(skel);

	fds_after = test_count_fds();
	maps_after = test_count_maps();
	cr_assert_eq(fds_after, fds, "%d fds before, %d after destroy", fds, fds_after);
	cr_assert_eq(maps_after, maps, "%d mappings before, %d after destroy", maps, maps_after);
	cr_assert_not(test_range_mapped(base, size), "the arena is still mapped after destroy");
}

Test(skel_globals, destroy_takes_null_and_unloaded_skeletons)
{
	test_require_arena_kernel();
	skel_globals__destroy(NULL);
	skel_globals__destroy(skel_globals__open());
}

/* The C++ side (test_skel_cxx.cpp): the same skeleton through its static
 * member functions.
 */
long long skel_cxx_sum(void);

Test(skel_globals, works_from_cxx)
{
	test_require_arena_kernel();
	cr_assert_eq(skel_cxx_sum(), expected_sum());
}

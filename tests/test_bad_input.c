// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Bad input: each case is a negative errno, a message that says what to do,
 * and nothing left behind (no fd, no mapping).
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

struct outcome {
	int open_err; /* 0: open succeeded */
	int load_err;
};

/* Open (and, if that works, load) from memory; check nothing leaks. */
static struct outcome try_mem(const void *buf, size_t sz)
{
	struct outcome out = { 0 };
	int fds = test_count_fds(), maps = test_count_maps();
	struct bpf_object *obj = bpf_arena__open_mem(buf, sz, NULL);

	if (!obj) {
		out.open_err = -errno;
	} else {
		out.load_err = bpf_arena__load(obj);
		bpf_arena__close(obj);
	}
	cr_assert_eq(test_count_fds(), fds, "an fd leaked");
	cr_assert_eq(test_count_maps(), maps, "a mapping leaked");
	return out;
}

static struct outcome try_prog(const char *name)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path(name), &sz);
	struct outcome out = try_mem(buf, sz);

	free(buf);
	return out;
}

static void expect_message(const char *needle)
{
	cr_assert(strstr(test_capture_log(), needle), "expected '%s' in: %s", needle,
		  test_capture_log());
}

static void setup(void)
{
	test_capture_log_start();
}

static void teardown(void)
{
	test_capture_log_stop();
}

TestSuite(bad_input, .init = setup, .fini = teardown);

Test(bad_input, not_an_elf)
{
	static const char text[] = "#!/bin/sh\necho this is not an object\n";
	struct outcome out = try_mem(text, sizeof(text));

	cr_assert_eq(out.open_err, -EINVAL);
	expect_message("not an ELF file");
	cr_assert_null(bpf_arena__open_mem(NULL, 0, NULL));
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(bpf_arena__open_file("/nonexistent/x.bpf.o", NULL));
	cr_assert_eq(errno, ENOENT);
	expect_message("/nonexistent/x.bpf.o");
}

Test(bad_input, truncated_elf)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);
	size_t cuts[] = { 10, sizeof(Elf64_Ehdr), sz / 2, sz - 1 };
	size_t i;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct outcome out = try_mem(buf, cuts[i]);

		cr_assert_eq(out.open_err, -EINVAL, "cut at %zu: open gave %d", cuts[i],
			     out.open_err);
	}
	expect_message("truncated");
	free(buf);
}

/* Find the .rel section of the first program section. */
static Elf64_Rel *first_rel(char *buf, size_t *cnt)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	int i;

	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_REL && (sh[sh[i].sh_info].sh_flags & SHF_EXECINSTR)) {
			*cnt = sh[i].sh_size / sizeof(Elf64_Rel);
			return (Elf64_Rel *)(buf + sh[i].sh_offset);
		}
	}
	cr_assert_fail("no relocations in the object");
	return NULL;
}

Test(bad_input, bogus_relocation)
{
	size_t sz, cnt;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);
	Elf64_Rel *rel = first_rel(buf, &cnt), saved = rel[0];
	struct outcome out;

	/* a symbol index past the symbol table */
	rel[0].r_info = ELF64_R_INFO(100000, ELF64_R_TYPE(rel[0].r_info));
	out = try_mem(buf, sz);
	cr_assert_eq(out.open_err, -EINVAL);
	expect_message("bogus relocation");

	/* an offset that isn't an instruction of the section */
	rel[0] = saved;
	rel[0].r_offset = 1ULL << 40;
	out = try_mem(buf, sz);
	cr_assert_eq(out.open_err, -EINVAL);

	/* a relocation against an __arena global on an instruction that is no
	 * ld_imm64: point it at the next instruction
	 */
	rel[0] = saved;
	rel[0].r_offset += 16;
	out = try_mem(buf, sz);
	cr_assert_eq(out.open_err, -EINVAL);
	expect_message("not a 64-bit load");
	free(buf);
}

static Elf64_Shdr *section_named(char *buf, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	const char *strs = buf + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (strcmp(strs + sh[i].sh_name, name) == 0)
			return &sh[i];
	cr_assert_fail("no section '%s' in the object", name);
	return NULL;
}

/* The first symbol of @type in the object's symbol table. */
static Elf64_Sym *first_sym(char *buf, int type)
{
	Elf64_Sym *sym = (Elf64_Sym *)(buf + section_named(buf, ".symtab")->sh_offset);
	size_t i, n = section_named(buf, ".symtab")->sh_size / sizeof(*sym);

	for (i = 1; i < n; i++)
		if (ELF64_ST_TYPE(sym[i].st_info) == type && sym[i].st_shndx)
			return &sym[i];
	cr_assert_fail("no symbol of type %d", type);
	return NULL;
}

/* Issue 10: a FUNC symbol of size -56 made libbpf 1.1 malloc 2^64 - 56
 * bytes (ENOMEM, or an ASan abort). Refused as corrupt, with EINVAL.
 */
Test(bad_input, function_symbol_of_negative_size)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);

	first_sym(buf, STT_FUNC)->st_size = (Elf64_Xword)-56;
	cr_assert_eq(try_mem(buf, sz).open_err, -EINVAL);
	expect_message("corrupt symbol");
	expect_message("lie outside its section");
	free(buf);
}

Test(bad_input, symbol_outside_its_section)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);

	first_sym(buf, STT_OBJECT)->st_value = 1ULL << 40;
	cr_assert_eq(try_mem(buf, sz).open_err, -EINVAL);
	expect_message("corrupt symbol");
	free(buf);
}

/* Issue 10: a NOBITS .bss of 0x10577ef57c032d8a bytes made libbpf create a
 * 2 GiB map and keep the kernel busy for 15 s. Refused at open, at once.
 */
Test(bad_input, huge_bss_is_refused_before_libbpf_sees_it)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);
	Elf64_Shdr *bss = section_named(buf, ".bss");
	struct timespec t0, t1;
	struct outcome out;

	cr_assert_eq(bss->sh_type, SHT_NOBITS);
	bss->sh_size = 0x10577ef57c032d8aULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	out = try_mem(buf, sz);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(out.open_err, -EINVAL);
	expect_message("data section");
	expect_message("'.bss'");
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 2, "refusing it took %ld s",
		     (long)(t1.tv_sec - t0.tv_sec));
	free(buf);
}

Test(bad_input, corrupt_btf_ext_header)
{
	size_t sz;
	char *buf = test_read_file(test_prog_path("core_globals"), &sz);
	Elf64_Shdr *ext = section_named(buf, ".BTF.ext");
	__u32 *hdr = (__u32 *)(buf + ext->sh_offset);

	hdr[3] = 0xfffffff0; /* func_info's length */
	cr_assert_eq(try_mem(buf, sz).open_err, -EINVAL);
	expect_message("corrupt .BTF.ext");
	free(buf);
}

Test(bad_input, two_arenas)
{
	cr_assert_eq(try_prog("core_two_arenas").open_err, -EINVAL);
	expect_message("two arena maps, 'arena_a' and 'arena_b'");
}

Test(bad_input, globals_without_arena)
{
	cr_assert_eq(try_prog("core_no_arena_map").open_err, -EINVAL);
	expect_message("no arena map");
}

Test(bad_input, arena_too_small_for_its_globals)
{
	cr_assert_eq(try_prog("core_too_small").open_err, -E2BIG);
	expect_message("raise max_entries to at least 3");
}

Test(bad_input, map_extra_not_page_aligned)
{
	cr_assert_eq(try_prog("core_unaligned").open_err, -EINVAL);
	expect_message("not page aligned");
}

Test(bad_input, range_crossing_4g)
{
	cr_assert_eq(try_prog("core_cross4g").open_err, -ERANGE);
	expect_message("crosses a 4 GiB boundary");
}

/* 2^47 is past TASK_SIZE (0x7ffffffff000): the kernel would create the
 * arena and mmap() fail with a bare ENOMEM at load; refused at open instead.
 */
Test(bad_input, map_extra_beyond_user_space)
{
	cr_assert_eq(try_prog("core_high").open_err, -ERANGE);
	expect_message("beyond the end of user space (0x7ffffffff000)");
}

Test(bad_input, more_than_4g)
{
	cr_assert_eq(try_prog("core_too_big").open_err, -E2BIG);
	expect_message("lower max_entries to at most 1048576");
}

Test(bad_input, unknown_option_bytes)
{
	struct {
		struct bpf_arena_open_opts opts;
		long future_field;
	} bigger = { .opts.sz = sizeof(bigger), .future_field = 1 };

	cr_assert_null(bpf_arena__open_file(test_prog_path("core_globals"), &bigger.opts));
	cr_assert_eq(errno, EINVAL);
	expect_message("unknown non-zero fields");
}

/* Changing the arena's size after open would move globals that were
 * already placed: a clear error at load.
 */
Test(bad_input, arena_resized_after_open)
{
	struct bpf_object *obj;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path("core_globals"), NULL);
	cr_assert(obj);
	cr_assert_eq(bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "arena"), 32), 0);
	cr_assert_eq(bpf_arena__load(obj), -EINVAL);
	expect_message("changed after open");
	bpf_arena__close(obj);
}

/* A small deterministic PRNG, so every run corrupts the same bytes. */
static unsigned int next_rand(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* Corrupt 1 to 8 bytes at random, over and over: every open must either
 * work or fail with a negative errno, never crash (libbpf 1.1 trusts much of
 * what it reads; the library checks it first), and leave nothing behind.
 */
Test(bad_input, random_corruption_is_an_error_never_a_crash)
{
	static const char *const progs[] = { "core_globals", "core_big", "core_bind" };
	int fds = test_count_fds(), maps = test_count_maps();
	unsigned int state = 2026, i, k, opened = 0, total = 0;
	size_t p;

	test_capture_log_stop();
	libbpf_set_print(NULL);
	for (p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
		size_t sz;
		char *orig = test_read_file(test_prog_path(progs[p]), &sz);
		char *buf = malloc(sz);

		cr_assert(buf);
		for (i = 0; i < 1000; i++) {
			unsigned int flips = 1 + next_rand(&state) % 8;
			struct bpf_object *obj;

			memcpy(buf, orig, sz);
			for (k = 0; k < flips; k++)
				buf[next_rand(&state) % sz] = (char)next_rand(&state);
			obj = bpf_arena__open_mem(buf, sz, NULL);
			if (obj) {
				opened++;
				bpf_arena__close(obj);
			} else {
				cr_assert_lt(-errno, 0);
			}
			total++;
		}
		free(buf);
		free(orig);
	}
	cr_assert_gt(opened, 0, "corruption in debug info must not stop an object opening");
	cr_assert_lt(opened, total, "corruption must be caught sometimes");
	cr_assert_eq(test_count_fds(), fds);
	cr_assert_eq(test_count_maps(), maps);
}

/* A pin path outside a BPF filesystem is refused before anything is
 * created, and says so (pinned arenas themselves: test_pin.c).
 */
Test(bad_input, pin_outside_bpffs_is_refused)
{
	char pin[] = "/tmp/libbpf_arena_pin_XXXXXX";
	int fds, maps, fd = mkstemp(pin);
	struct bpf_object *obj;

	test_require_arena_kernel();
	cr_assert_geq(fd, 0);
	close(fd);
	fds = test_count_fds();
	maps = test_count_maps();
	obj = bpf_arena__open_file(test_prog_path("core_globals"), NULL);
	cr_assert(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), pin), 0);
	cr_assert_eq(bpf_arena__load(obj), -EINVAL);
	expect_message("is not a BPF filesystem");
	bpf_arena__close(obj);
	cr_assert_eq(test_count_fds(), fds);
	cr_assert_eq(test_count_maps(), maps);
	unlink(pin);
}

/* Open core_unref (64 pages, a global no instruction references), give the
 * arena @pages pages, load: the global must lie inside the arena that was
 * created, with its initial value (issue 10: it was placed for 64 pages and
 * written past a 1-page arena).
 */
static void resize_unreferenced_then_load(__u32 pages)
{
	struct bpf_object *obj;
	struct bpf_arena *arena;
	unsigned long base, p;
	size_t sz = 0;
	long *g;

	obj = bpf_arena__open_file(test_prog_path("core_unref"), NULL);
	cr_assert(obj);
	cr_assert_eq(bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "arena"), pages),
		     0);
	cr_assert_eq(bpf_arena__load(obj), 0, "load after resize to %u pages: %s", pages,
		     test_capture_log());
	arena = bpf_arena__from_object(obj);
	cr_assert(arena);
	cr_assert_eq(bpf_arena__size(arena), (size_t)pages * sysconf(_SC_PAGESIZE));
	base = (unsigned long)bpf_arena__base(arena);
	g = bpf_arena__find_global(arena, "unref_counter", &sz);
	cr_assert(g);
	p = (unsigned long)g;
	cr_assert(p >= base && p + sz <= base + bpf_arena__size(arena),
		  "global at 0x%lx outside the arena [0x%lx, +%zu)", p, base,
		  bpf_arena__size(arena));
	cr_assert_eq(*g, 0x5eed);
	cr_assert_eq(bpf_arena__globals_offset(arena), bpf_arena__size(arena) - 4096);
	cr_assert_eq(test_run_prog(obj, "touch_nothing"), 3);
	bpf_arena__close(obj);
}

Test(bad_input, unreferenced_globals_follow_a_shrunk_arena)
{
	test_require_arena_kernel();
	resize_unreferenced_then_load(1);
}

Test(bad_input, unreferenced_globals_follow_a_grown_arena)
{
	test_require_arena_kernel();
	resize_unreferenced_then_load(128);
}

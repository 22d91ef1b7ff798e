// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The bpf-arena tool itself: the same object always gives the same header,
 * the header compiles as C and C++ with -Wall -Wextra -Werror under gcc,
 * g++, clang and clang++, bad input gets a clear error, a non-zero exit and
 * no header at all, and --help / gen help / --version answer as bpftool's.
 * Paths come from the build (skeleton.cmake).
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_helpers.h"

/* Each compiler that built the test programs (skeleton.cmake), newest first. */
static const char *const variants[] = { SKEL_VARIANTS };
static const char *const progs[] = { "skel_globals", "skel_subprog", "skel_firstcall",
				     "skel_upstream" };

/* Criterion runs each test in a process of its own, maybe in parallel:
 * each gets its own scratch directory.
 */
static char work[4096], out_path[4200], err_path[4200];

/* Runs a shell command built from @fmt; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	cr_assert_neq(st, -1, "system(%s)", cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs the tool with @args, its stdout and stderr into files. */
static int tool(const char *args)
{
	snprintf(out_path, sizeof(out_path), "%s/tool.out", work);
	snprintf(err_path, sizeof(err_path), "%s/tool.err", work);
	return sh("'%s' %s > '%s' 2> '%s'", SKEL_TOOL, args, out_path, err_path);
}

static void setup(void)
{
	mkdir(SKEL_WORK_DIR, 0755);
	snprintf(work, sizeof(work), "%s/%d", SKEL_WORK_DIR, (int)getpid());
	mkdir(work, 0755);
}

TestSuite(skel_tool, .init = setup);

Test(skel_tool, same_object_gives_byte_identical_output)
{
	char args[8192], first[4300], *a, *b;
	size_t na, nb;
	unsigned i, j;

	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		for (j = 0; j < sizeof(progs) / sizeof(progs[0]); j++) {
			snprintf(args, sizeof(args), "gen skeleton '%s/%s/%s.bpf.o' name %s",
				 SKEL_PROGS_DIR, variants[i], progs[j], progs[j]);
			cr_assert_eq(tool(args), 0, "%s", args);
			snprintf(first, sizeof(first), "%s.first", out_path);
			cr_assert_eq(rename(out_path, first), 0);
			cr_assert_eq(tool(args), 0, "%s", args);
			a = test_read_file(first, &na);
			b = test_read_file(out_path, &nb);
			cr_assert(na > 0 && na == nb && memcmp(a, b, na) == 0,
				  "two runs of '%s' differ", args);
			free(a);
			free(b);
		}
	}
}

/* A translation unit that uses everything the header declares. */
static void write_user(const char *path)
{
	FILE *f = fopen(path, "w");

	cr_assert(f);
	fputs("#include \"skel_globals.h\"\n"
	      "#include \"skel_globals.skel.h\"\n"
	      "int main(void)\n"
	      "{\n"
	      "\tstruct skel_globals *s = skel_globals__open();\n"
	      "\tsize_t sz;\n"
	      "\tvoid *base;\n"
	      "\n"
	      "\tif (!s || skel_globals__load(s) || skel_globals__attach(s))\n"
	      "\t\treturn 1;\n"
	      "\tbase = bpf_map__initial_value(s->maps.arena, &sz);\n"
	      "\ts->arena->a_int = s->data->data_int + s->rodata->rodata_int + (int)sz;\n"
	      "\tskel_globals__detach(s);\n"
	      "\tskel_globals__destroy(s);\n"
	      "\tskel_globals__destroy(skel_globals__open_and_load());\n"
	      "\treturn base != NULL && skel_globals__arena_base(s) != NULL &&\n"
	      "\t       skel_globals__arena_size(s) > 0;\n"
	      "}\n",
	      f);
	fclose(f);
}

Test(skel_tool, header_compiles_as_c_and_cxx_with_werror)
{
	const char *compilers[][2] = {
		{ SKEL_CC, "c" },
		{ SKEL_CXX, "c++" },
		{ SKEL_CLANG, "c" },
		{ SKEL_CLANGXX, "c++" },
	};
	char src[4300], args[8192];
	unsigned i, v;
	int st;

	snprintf(src, sizeof(src), "%s/user.c", work);
	write_user(src);
	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		snprintf(args, sizeof(args),
			 "gen skeleton '%s/%s/skel_globals.bpf.o' name skel_globals",
			 SKEL_PROGS_DIR, variants[v]);
		cr_assert_eq(tool(args), 0);
		cr_assert_eq(sh("cp '%s' '%s/skel_globals.skel.h'", out_path, work), 0);
		for (i = 0; i < sizeof(compilers) / sizeof(compilers[0]); i++) {
			st = sh("'%s' -x %s -Wall -Wextra -Werror -I'%s' -I'%s' -I'%s' -c '%s' "
				"-o /dev/null 2> '%s/cc.err'",
				compilers[i][0], compilers[i][1], work, SKEL_PROGS_SRC_DIR,
				SKEL_INCLUDE_DIR, src, work);
			if (st) {
				char path[4300];

				snprintf(path, sizeof(path), "%s/cc.err", work);
				cr_assert_fail("%s (%s) rejects the %s skeleton:\n%s",
					       compilers[i][0], compilers[i][1], variants[v],
					       test_read_file(path, NULL));
			}
		}
	}
}

/* Bad input: a non-zero exit, nothing on stdout, and @msg on stderr. */
static void expect_refused(const char *args, const char *msg)
{
	size_t out_len;
	char *err;
	int st = tool(args);

	free(test_read_file(out_path, &out_len));
	err = test_read_file(err_path, NULL);
	cr_expect_neq(st, 0, "'%s' succeeded", args);
	cr_expect_eq(out_len, 0, "'%s' wrote %zu bytes to stdout", args, out_len);
	cr_expect(strstr(err, "Error:") && strstr(err, msg), "'%s' said: %s (expected '%s')", args,
		  err, msg);
	free(err);
}

Test(skel_tool, bad_input_gets_an_error_and_no_header)
{
	char args[8192];

	snprintf(args, sizeof(args), "gen skeleton '%s/skel_globals.bpf.c'", SKEL_PROGS_SRC_DIR);
	expect_refused(args, "not an ELF file");
	snprintf(args, sizeof(args), "gen skeleton '%s'", SKEL_NOBTF_OBJ);
	expect_refused(args, "no BTF");
	snprintf(args, sizeof(args), "gen skeleton '%s/%s/skel_globals.bpf.o' name 1abc",
		 SKEL_PROGS_DIR, variants[0]);
	expect_refused(args, "not a C identifier");
	snprintf(args, sizeof(args), "gen skeleton '%s/%s/skel_globals.bpf.o' name a-b",
		 SKEL_PROGS_DIR, variants[0]);
	expect_refused(args, "not a C identifier");
	snprintf(args, sizeof(args), "gen skeleton '%s/%s/skel_globals.bpf.o' name struct",
		 SKEL_PROGS_DIR, variants[0]);
	expect_refused(args, "not a C identifier");
	snprintf(args, sizeof(args), "gen skeleton '%s/%s/skel_globals.bpf.o' name ''",
		 SKEL_PROGS_DIR, variants[0]);
	expect_refused(args, "not a C identifier");
	expect_refused("gen skeleton /nonexistent/x.bpf.o", "cannot open");
	snprintf(args, sizeof(args), "gen skeleton '%s/%s/skel_globals.bpf.o' name a b",
		 SKEL_PROGS_DIR, variants[0]);
	expect_refused(args, "unexpected arguments");
	expect_refused("gen skeleton", "expected FILE");
	expect_refused("gen frobnicate", "unknown command");
	expect_refused("frobnicate", "unknown object");
}

/* One validator: what bpf_arena__open() refuses, the tool refuses, with the
 * library's own message (issue 10: it wrote skeletons for all of these).
 */
Test(skel_tool, refuses_what_the_library_refuses)
{
	static const struct {
		const char *prog, *msg;
	} bad[] = {
		{ "core_no_pages", "max_entries is 0" },
		{ "core_too_big", "lower max_entries to at most 1048576" },
		{ "core_unaligned", "not page aligned" },
		{ "core_too_small", "raise max_entries to at least 3" },
		{ "core_high", "beyond the end of user space" },
	};
	char args[8192];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "gen skeleton '%s/clang19/%s.bpf.o'", SKEL_PROGS_DIR,
			 bad[i].prog);
		expect_refused(args, bad[i].msg);
		/* and the library says the same */
		snprintf(args, sizeof(args), "%s/clang19/%s.bpf.o", SKEL_PROGS_DIR, bad[i].prog);
		cr_expect_null(bpf_arena__open_file(args, NULL), "%s opened", bad[i].prog);
	}
}

/* A truncated object: the reason, not "no symbol table". */
Test(skel_tool, truncated_object_says_truncated)
{
	char src[4300], dst[4300], args[8192];
	size_t sz, cuts[] = { 64, 3000, 0 }, i;
	char *buf;
	FILE *f;

	snprintf(src, sizeof(src), "%s/clang19/skel_globals.bpf.o", SKEL_PROGS_DIR);
	buf = test_read_file(src, &sz);
	cuts[2] = sz - 100;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		snprintf(dst, sizeof(dst), "%s/cut%zu.bpf.o", work, cuts[i]);
		f = fopen(dst, "w");
		cr_assert(f);
		cr_assert_eq(fwrite(buf, 1, cuts[i], f), cuts[i]);
		fclose(f);
		snprintf(args, sizeof(args), "gen skeleton '%s' name cut", dst);
		expect_refused(args, "truncated");
	}
	free(buf);
}

/* Offsets and sizes are 64-bit in ELF: the generator keeps them so (it cut
 * them to 32 bits). A variable whose symbol says it starts 4 GiB further on
 * must be refused as outside its section, not wrapped back inside it.
 */
Test(skel_tool, variable_offsets_are_not_cut_to_32_bits)
{
	char src[4300], dst[4300], args[8192];
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	Elf64_Sym *sym;
	size_t sz, i, n;
	bool moved = false;
	char *buf;
	FILE *f;

	snprintf(src, sizeof(src), "%s/clang19/skel_globals.bpf.o", SKEL_PROGS_DIR);
	buf = test_read_file(src, &sz);
	eh = (Elf64_Ehdr *)buf;
	sh = (Elf64_Shdr *)(buf + eh->e_shoff);
	for (i = 0; i < eh->e_shnum && !moved; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		sym = (Elf64_Sym *)(buf + sh[i].sh_offset);
		for (n = 0; n < sh[i].sh_size / sizeof(*sym); n++) {
			if (ELF64_ST_TYPE(sym[n].st_info) == STT_OBJECT && sym[n].st_shndx &&
			    sym[n].st_shndx < eh->e_shnum &&
			    sh[sym[n].st_shndx].sh_type == SHT_PROGBITS) {
				sym[n].st_value += 1ULL << 32;
				moved = true;
				break;
			}
		}
	}
	cr_assert(moved, "no data variable in skel_globals");
	snprintf(dst, sizeof(dst), "%s/far.bpf.o", work);
	f = fopen(dst, "w");
	cr_assert(f);
	cr_assert_eq(fwrite(buf, 1, sz, f), sz);
	fclose(f);
	snprintf(args, sizeof(args), "gen skeleton '%s' name far", dst);
	expect_refused(args, "outside its section");
	free(buf);
}

Test(skel_tool, help_and_version_in_bpftool_style)
{
	char *out;

	cr_assert_eq(tool("--help"), 0);
	out = test_read_file(out_path, NULL);
	cr_assert(strstr(out, "Usage: bpf-arena [OPTIONS] OBJECT { COMMAND | help }"), "%s", out);
	free(out);

	cr_assert_eq(tool("gen --help"), 0);
	out = test_read_file(out_path, NULL);
	cr_assert(strstr(out, "Usage: bpf-arena gen skeleton FILE [name OBJECT_NAME]"), "%s", out);
	free(out);
	cr_assert_eq(tool("gen help"), 0);

	cr_assert_eq(tool("--version"), 0);
	out = test_read_file(out_path, NULL);
	cr_assert(strstr(out, "bpf-arena v") && strstr(out, "using libbpf v"), "%s", out);
	free(out);
	cr_assert_eq(tool("version"), 0);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * arena-bench: arena data structures against what users would pick
 * instead, side by side in one run (issue 6). Prints a Markdown table and
 * writes results.csv, results.md and results.svg.
 *
 *   arena-bench [--quick] [--out DIR] [--objdir DIR]
 *
 * --quick: smaller N, fewer repeats; well under a minute, for CI.
 * Needs root (it loads BPF programs) and a kernel with arenas; exits 77
 * (skipped) without them, or 1 when CI=true, where skipping is a failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench_user.h"

#ifndef BENCH_OBJ_DIR
#define BENCH_OBJ_DIR "."
#endif

static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--quick] [--out DIR] [--objdir DIR]\n", prog);
}

static char *path_in(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%s/%s", dir, name);
	return p;
}

static int skip(const char *why)
{
	const char *ci = getenv("CI");

	fprintf(stderr, "arena-bench: %s\n", why);
	return ci && !strcmp(ci, "true") ? 1 : 77;
}

int main(int argc, char **argv)
{
	struct bench_config cfg = { .out_dir = "." };
	const char *objdir = BENCH_OBJ_DIR;
	struct bench_sysinfo si;
	char *csv, *md, *svg;
	FILE *f;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			cfg.quick = true;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			cfg.out_dir = argv[++i];
		} else if (!strcmp(argv[i], "--objdir") && i + 1 < argc) {
			objdir = argv[++i];
		} else {
			usage(argv[0]);
			return 2;
		}
	}
	if (cfg.quick) {
		cfg.repeats = 5;
		cfg.load_repeats = 11;
		cfg.nsizes = 2;
		cfg.sizes[0] = 1000;
		cfg.sizes[1] = 10000;
	} else {
		cfg.repeats = 7;
		cfg.load_repeats = 21;
		cfg.nsizes = 3;
		cfg.sizes[0] = 1000;
		cfg.sizes[1] = 100000;
		cfg.sizes[2] = 1000000;
	}
	cfg.bench_obj = path_in(objdir, "bench.bpf.o");
	cfg.objdir = objdir;
	csv = path_in(cfg.out_dir, "results.csv");
	md = path_in(cfg.out_dir, "results.md");
	svg = path_in(cfg.out_dir, "results.svg");
	if (!cfg.bench_obj || !csv || !md || !svg)
		return 1;
	if (access(cfg.bench_obj, R_OK)) {
		fprintf(stderr, "arena-bench: %s: %s (build it, or pass --objdir)\n", cfg.bench_obj,
			strerror(errno));
		return 1;
	}
	if (geteuid())
		return skip("needs root: it loads BPF programs");
	libbpf_set_print(print_warnings);
	bench_sysinfo_get(&si);

	fprintf(stderr, "arena-bench: %s mode, results in %s\n", cfg.quick ? "quick" : "full",
		cfg.out_dir);
	err = bench_htab_run(&cfg);
	if (!err)
		err = bench_memory_run(&cfg);
	if (!err)
		err = bench_load_run(&cfg);
	if (err) {
		if (err == -EOPNOTSUPP || err == -EINVAL)
			fprintf(stderr, "arena-bench: does this kernel have arenas (6.9+)?\n");
		fprintf(stderr, "arena-bench: failed: %s\n", strerror(-err));
		return 1;
	}

	bench_write_markdown(stdout, &si, &cfg);
	f = fopen(md, "w");
	if (!f || bench_write_markdown(f, &si, &cfg) || fclose(f) || bench_write_csv(csv) ||
	    bench_write_svg(svg, &si)) {
		fprintf(stderr, "arena-bench: writing results in %s: %s\n", cfg.out_dir,
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "arena-bench: wrote %s, %s, %s\n", csv, md, svg);
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Section 4: what libbpf_arena adds to open + load. The same source
 * (load.bpf.c) built with its state in __arena globals, loaded through
 * libbpf_arena, and with -DNO_ARENA (ordinary globals, no arena map),
 * loaded by plain libbpf. Loading the NO_ARENA object through libbpf_arena
 * too separates the library's own cost (reading and rewriting the ELF)
 * from the arena's (creating, mapping and populating it, binding
 * programs). Two objects: a typical one (a few programs and a hash map)
 * and a minimal one (one trivial program), where a fixed cost per object
 * weighs most. The three ways are interleaved, in a rotating order, so
 * that a slow moment of the machine hits all of them alike; one untimed
 * round first warms the page cache and the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf_arena/bpf_arena.h>
#include "bench_user.h"

enum load_way { ARENA_LIB, PLAIN_LIBBPF, NOARENA_LIB, NR_WAYS };

static const char *const way_name[NR_WAYS] = {
	[ARENA_LIB] = "arena object, libbpf_arena",
	[PLAIN_LIBBPF] = "no-arena object, plain libbpf",
	[NOARENA_LIB] = "no-arena object, libbpf_arena",
};

struct load_times {
	double *open_ms[NR_WAYS];
	double *total_ms[NR_WAYS];
};

/* open + load one way; the times in ms. */
static int load_once(const char *path, enum load_way way, double *open_ms, double *total_ms)
{
	bool lib = way != PLAIN_LIBBPF;
	struct bpf_object *obj;
	__u64 t0, t1, t2;
	int err;

	t0 = bench_now_ns();
	obj = lib ? bpf_arena__open_file(path, NULL) : bpf_object__open_file(path, NULL);
	t1 = bench_now_ns();
	if (!obj) {
		err = -errno;
		fprintf(stderr, "bench: open %s: %s\n", path, strerror(-err));
		return err;
	}
	err = lib ? bpf_arena__load(obj) : bpf_object__load(obj);
	t2 = bench_now_ns();
	if (lib)
		bpf_arena__close(obj);
	else
		bpf_object__close(obj);
	if (err) {
		fprintf(stderr, "bench: load %s (%s): %s\n", path, way_name[way], strerror(-err));
		return err;
	}
	*open_ms = (double)(t1 - t0) / 1e6;
	*total_ms = (double)(t2 - t0) / 1e6;
	return 0;
}

static void record(const char *what, const char *name, double *const *ms, int reps)
{
	char row[48];
	enum load_way way;

	snprintf(row, sizeof(row), "%s, %s", what, name);
	for (way = 0; way < NR_WAYS; way++)
		bench_record("load", row, 0, way_name[way], "ms", ms[way], reps);
	bench_record_ratio("load", row, 0, "arena lib / plain", ms[ARENA_LIB], ms[PLAIN_LIBBPF],
			   reps);
	bench_record_ratio("load", row, 0, "no-arena lib / plain", ms[NOARENA_LIB],
			   ms[PLAIN_LIBBPF], reps);
}

static int run_kind(const struct bench_config *cfg, const char *kind, struct load_times *t)
{
	char path[NR_WAYS][512];
	int reps = cfg->load_repeats, r, k, err;
	enum load_way way;
	double o, l;

	for (way = 0; way < NR_WAYS; way++) {
		snprintf(path[way], sizeof(path[way]), "%s/load_%s_%s.bpf.o", cfg->objdir, kind,
			 way == ARENA_LIB ? "arena" : "noarena");
		err = load_once(path[way], way, &o, &l); /* warm-up */
		if (err)
			return err;
	}
	for (r = 0; r < reps; r++) {
		for (k = 0; k < NR_WAYS; k++) {
			way = (r + k) % NR_WAYS;
			err = load_once(path[way], way, &t->open_ms[way][r], &t->total_ms[way][r]);
			if (err)
				return err;
		}
	}
	record(kind, "open+load", t->total_ms, reps);
	record(kind, "open only", t->open_ms, reps);
	return 0;
}

int bench_load_run(const struct bench_config *cfg)
{
	static const char *const kinds[] = { "typical", "minimal" };
	struct load_times t;
	enum load_way way;
	int err = 0;
	size_t i;

	memset(&t, 0, sizeof(t));
	for (way = 0; way < NR_WAYS; way++) {
		t.open_ms[way] = calloc(cfg->load_repeats, sizeof(double));
		t.total_ms[way] = calloc(cfg->load_repeats, sizeof(double));
		if (!t.open_ms[way] || !t.total_ms[way])
			err = -ENOMEM;
	}
	for (i = 0; !err && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		err = run_kind(cfg, kinds[i], &t);
	for (way = 0; way < NR_WAYS; way++) {
		free(t.open_ms[way]);
		free(t.total_ms[way]);
	}
	return err;
}

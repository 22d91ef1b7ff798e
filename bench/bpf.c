// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The bench object: loaded fresh through libbpf_arena for every N (a new
 * arena, a hash map sized for N), and its programs run one at a time.
 * A program run is timed from user space: BPF_PROG_TEST_RUN takes no repeat
 * count and reports no duration for SEC("syscall") programs. Each run does
 * up to BENCH_CHUNK operations, so the one syscall is a small part of it
 * (and the loop-only runs, subtracted from the ratios, pay it too).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena.h>
#include "bench.h"
#include "bench_user.h"

int bench_obj_open(struct bench_obj *b, const char *path, __u64 hash_entries)
{
	struct bpf_arena *arena;
	struct bpf_map *hmap;
	int err;

	memset(b, 0, sizeof(*b));
	b->obj = bpf_arena__open_file(path, NULL);
	if (!b->obj) {
		err = -errno;
		fprintf(stderr, "bench: open %s: %s\n", path, strerror(-err));
		return err;
	}
	hmap = bpf_object__find_map_by_name(b->obj, "hmap");
	if (!hmap || bpf_map__set_max_entries(hmap, (__u32)hash_entries)) {
		fprintf(stderr, "bench: %s has no map 'hmap'\n", path);
		err = -ENOENT;
		goto fail;
	}
	err = bpf_arena__load(b->obj);
	if (err) {
		fprintf(stderr, "bench: load %s: %s\n", path, strerror(-err));
		goto fail;
	}
	arena = bpf_arena__from_object(b->obj);
	b->g = arena ? bpf_arena__find_global(arena, "g", NULL) : NULL;
	if (!b->g) {
		fprintf(stderr, "bench: %s has no __arena global 'g'\n", path);
		err = -ENOENT;
		goto fail;
	}
	b->arena_base = bpf_arena__base(arena);
	b->arena_size = bpf_arena__size(arena);
	b->hmap_fd = bpf_map__fd(hmap);
	return 0;
fail:
	bpf_arena__close(b->obj);
	b->obj = NULL;
	return err;
}

void bench_obj_close(struct bench_obj *b)
{
	bpf_arena__close(b->obj);
	memset(b, 0, sizeof(*b));
}

static int run_once(struct bench_obj *b, const char *name, __u64 n, __u64 start, __u64 pages,
		    double *ns)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(b->obj, name);
	struct bench_args args = { .n = n, .start = start, .pages = pages };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	__u64 t0, t1;
	int err;

	if (!prog) {
		fprintf(stderr, "bench: no program '%s'\n", name);
		return -ENOENT;
	}
	b->g->errors = 0;
	b->g->done = n;
	t0 = bench_now_ns();
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	t1 = bench_now_ns();
	if (err) {
		err = -errno;
		fprintf(stderr, "bench: run %s: %s\n", name, strerror(-err));
		return err;
	}
	if (ns)
		*ns = (double)(t1 - t0);
	if ((int)opts.retval) {
		fprintf(stderr, "bench: %s(n=%llu) returned %d\n", name, (unsigned long long)n,
			(int)opts.retval);
		return (int)opts.retval < 0 ? (int)opts.retval : -EINVAL;
	}
	if (b->g->done != n) {
		fprintf(stderr, "bench: %s did %llu of %llu operations (from %llu)\n", name,
			(unsigned long long)b->g->done, (unsigned long long)n,
			(unsigned long long)start);
		return -EIO;
	}
	if (b->g->errors) {
		fprintf(stderr, "bench: %s(n=%llu): %llu operations failed, last with %lld\n", name,
			(unsigned long long)n, (unsigned long long)b->g->errors,
			(long long)b->g->last_err);
		return -EIO;
	}
	return 0;
}

int bench_obj_run(struct bench_obj *b, const char *name, __u64 n, __u64 pages, double *ns)
{
	return run_once(b, name, n, 0, pages, ns);
}

int bench_obj_run_ops(struct bench_obj *b, const char *name, __u64 n, double *ns)
{
	__u64 start, chunk;
	double t;
	int err;

	*ns = 0;
	for (start = 0; start < n; start += chunk) {
		chunk = n - start < BENCH_CHUNK ? n - start : BENCH_CHUNK;
		err = run_once(b, name, chunk, start, 0, &t);
		if (err)
			return err;
		*ns += t;
	}
	return 0;
}

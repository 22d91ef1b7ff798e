// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One process of a pinned-arena test (test_pin.c runs it with fork + exec):
 * a writer that loads pin_store.bpf.o and runs its programs, or a reader
 * that only maps the arena. Exits 0 when what it checked held, 1 when not
 * (saying why on stderr), 2 on bad usage. Modes:
 *
 *   append ROOT RUN        load with pin_root_path ROOT, append node RUN,
 *                          check the list and table hold runs 1..RUN
 *   append-path PATH RUN   the same, pin path set after open (pin_plain)
 *   append-id ID RUN       the same, arena fd from its map id, reuse_fd
 *   read PATH RUNS         reader API, read-only: list and table hold 1..RUNS
 *   read-skel PATH RUNS    the same through pin_store__open_pinned_arena()
 *   writer-loop ROOT FROM TO  append FROM..TO, 20 ms apart
 *   watch PATH TARGET      reader: wait until runs reaches TARGET, having
 *                          seen values in between
 *   insert ROOT FIRST N    insert keys FIRST..FIRST+N-1 (the concurrent writers)
 *   other ROOT             load the incompatible pin_other: must be refused
 *   crash PATH             reader that dies of SIGABRT holding the arena
 *   small PIN OBJ HITS MOVE   pin_small.bpf.o with its pin path set after
 *                          open: run hit, expect HITS; with MOVE 1 the
 *                          object was planned for another address at open
 *                          (a second open of it held the usual one)
 *   moved-load PIN OBJ     the same move with any object: exit 0 if it
 *                          loads, 3 if it is refused
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_common.h>
#include "pin_store.h"
#include "pin_store.skel.h"
#include "pin_plain.skel.h"
#include "pin_other.skel.h"

#define FAILED(...)                                          \
	do {                                                 \
		fprintf(stderr, "pin_helper: " __VA_ARGS__); \
		return 1;                                    \
	} while (0)

static int run_prog(struct bpf_program *prog, struct pin_args *args)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(*args));
	int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);

	if (err)
		FAILED("running %s: %s\n", bpf_program__name(prog), strerror(errno));
	if (args->ret)
		FAILED("%s failed at line %lld\n", bpf_program__name(prog), (long long)args->ret);
	return 0;
}

/* The list holds runs 1..@runs in order, the table maps each to run * 7. */
static int check_state(struct pin_globals *g, __u64 runs)
{
	struct arena_list_node *pos;
	__u64 i = 0, key, val;

	if (g->init_marker != 1)
		FAILED("init_marker is %llu: the globals were not initialised once\n",
		       (unsigned long long)g->init_marker);
	if (g->runs != runs)
		FAILED("runs is %llu, expected %llu\n", (unsigned long long)g->runs,
		       (unsigned long long)runs);
	printf("list:");
	for (pos = g->list.first; pos && i <= runs; pos = pos->next) {
		struct pin_node *n = (struct pin_node *)pos;

		printf(" %llu", (unsigned long long)n->run);
		if (n->run != ++i)
			FAILED("node %llu holds run %llu\n", (unsigned long long)i,
			       (unsigned long long)n->run);
	}
	printf("\n");
	if (i != runs)
		FAILED("the list has %llu nodes, expected %llu\n", (unsigned long long)i,
		       (unsigned long long)runs);
	for (key = 1; key <= runs; key++) {
		if (pin_table_peek(&g->htab, key, &val) || val != key * 7)
			FAILED("table: run %llu missing or wrong\n", (unsigned long long)key);
	}
	fflush(stdout);
	return 0;
}

static int append_and_check(struct bpf_program *prog, struct pin_globals *g, __u64 run)
{
	struct pin_args args = { .run = run, .pid = (__u64)getpid() };

	if (run_prog(prog, &args))
		return 1;
	return check_state(g, run);
}

static int mode_append(const char *root, __u64 run)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct pin_store *skel = pin_store__open_opts(&oo);
	int ret;

	if (!skel || pin_store__load(skel))
		FAILED("loading pin_store with pin_root_path %s: %s\n", root, strerror(errno));
	ret = append_and_check(skel->progs.append, &skel->arena->g, run);
	pin_store__destroy(skel);
	return ret;
}

static int mode_append_plain(const char *path, __u32 id, __u64 run)
{
	struct pin_plain *skel = pin_plain__open();
	int ret, fd;

	if (!skel)
		FAILED("opening pin_plain: %s\n", strerror(errno));
	if (path) {
		if (bpf_map__set_pin_path(skel->maps.arena, path))
			FAILED("bpf_map__set_pin_path: %s\n", strerror(errno));
	} else {
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			FAILED("no map with id %u: %s\n", id, strerror(errno));
		if (bpf_map__reuse_fd(skel->maps.arena, fd))
			FAILED("bpf_map__reuse_fd: %s\n", strerror(errno));
		close(fd);
	}
	if (pin_plain__load(skel))
		FAILED("loading pin_plain: %s\n", strerror(errno));
	ret = append_and_check(skel->progs.append, &skel->arena->g, run);
	pin_plain__destroy(skel);
	return ret;
}

static int mode_read(const char *path, __u64 runs)
{
	LIBBPF_OPTS(bpf_arena_view_opts, ro, .read_only = true);
	struct bpf_arena_view *r = bpf_arena_view__open_pinned(path, &ro);
	struct pin_globals *g;
	size_t sz = 0;
	int ret;

	if (!r)
		FAILED("reader on %s: %s\n", path, strerror(errno));
	g = bpf_arena_view__find_global(r, "g", &sz);
	if (!g || sz != sizeof(*g) || (void *)g != bpf_arena_view__globals(r, NULL))
		FAILED("global g: %p, %zu bytes\n", (void *)g, sz);
	if (strcmp(bpf_arena_view__object_name(r), "pin_store") &&
	    strcmp(bpf_arena_view__object_name(r), "pin_plain"))
		FAILED("made by '%s'?\n", bpf_arena_view__object_name(r));
	ret = check_state(g, runs);
	bpf_arena_view__close(r);
	return ret;
}

static int mode_read_skel(const char *path, __u64 runs)
{
	struct pin_store *skel = pin_store__open_pinned_arena(path, true);
	int ret;

	if (!skel)
		FAILED("pin_store__open_pinned_arena(%s): %s\n", path, strerror(errno));
	if ((char *)skel->arena < (char *)pin_store__arena_base(skel) ||
	    (char *)skel->arena >=
		    (char *)pin_store__arena_base(skel) + pin_store__arena_size(skel))
		FAILED("skel->arena outside the arena\n");
	ret = check_state(&skel->arena->g, runs);
	pin_store__destroy(skel);
	return ret;
}

static int mode_writer_loop(const char *root, __u64 from, __u64 to)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct pin_store *skel = pin_store__open_opts(&oo);
	__u64 run;
	int ret = 0;

	if (!skel || pin_store__load(skel))
		FAILED("loading pin_store: %s\n", strerror(errno));
	for (run = from; run <= to && !ret; run++) {
		struct pin_args args = { .run = run, .pid = (__u64)getpid() };

		ret = run_prog(skel->progs.append, &args);
		usleep(20000);
	}
	pin_store__destroy(skel);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int mode_watch(const char *path, __u64 target)
{
	LIBBPF_OPTS(bpf_arena_view_opts, ro, .read_only = true);
	struct bpf_arena_view *r = bpf_arena_view__open_pinned(path, &ro);
	volatile struct pin_globals *g;
	__u64 last = ~0ULL, seen = 0, v;
	double end = now() + 30;

	if (!r)
		FAILED("reader on %s: %s\n", path, strerror(errno));
	g = bpf_arena_view__find_global(r, "g", NULL);
	if (!g)
		FAILED("no global g\n");
	/* tell the test we hold it */
	printf("ready\n");
	fflush(stdout);
	while (now() < end) {
		v = g->runs;
		if (v != last) {
			seen++;
			last = v;
		}
		if (v >= target)
			break;
		usleep(1000);
	}
	printf("distinct %llu last %llu\n", (unsigned long long)seen, (unsigned long long)last);
	bpf_arena_view__close(r);
	if (last < target)
		FAILED("runs stayed at %llu, expected %llu\n", (unsigned long long)last,
		       (unsigned long long)target);
	if (seen < 3)
		FAILED("saw only %llu values of runs: no live updates\n", (unsigned long long)seen);
	return 0;
}

static int mode_insert(const char *root, __u64 first, __u64 n)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct pin_store *skel = pin_store__open_opts(&oo);
	__u64 done;
	int ret = 0;

	if (!skel || pin_store__load(skel))
		FAILED("loading pin_store: %s\n", strerror(errno));
	for (done = 0; done < n && !ret; done += PIN_INSERT_MAX) {
		struct pin_args args = { .run = first + done, .n = n - done };

		if (args.n > PIN_INSERT_MAX)
			args.n = PIN_INSERT_MAX;
		ret = run_prog(skel->progs.insert, &args);
	}
	pin_store__destroy(skel);
	return ret;
}

static int mode_other(const char *root)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	struct pin_other *skel = pin_other__open_opts(&oo);

	if (skel && !pin_other__load(skel))
		FAILED("pin_other loaded over pin_store's arena\n");
	fprintf(stderr, "pin_helper: refused: %s\n", strerror(errno));
	pin_other__destroy(skel);
	return 0;
}

static int mode_crash(const char *path)
{
	struct bpf_arena_view *r = bpf_arena_view__open_pinned(path, NULL);

	if (!r)
		FAILED("reader on %s: %s\n", path, strerror(errno));
	/* die holding the fd and the mapping, writable */
	signal(SIGABRT, SIG_DFL);
	abort();
}

static int mode_small(const char *pin, const char *obj_path, __u64 hits, bool move)
{
	struct bpf_object *first = NULL, *obj;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct bpf_arena *arena;
	__u64 *h;
	int ret = 1;

	if (move) {
		/* holds the address every process plans for this object, so
		 * the next open plans another
		 */
		first = bpf_arena__open_file(obj_path, NULL);
		if (!first)
			FAILED("opening %s: %s\n", obj_path, strerror(errno));
	}
	obj = bpf_arena__open_file(obj_path, NULL);
	bpf_arena__close(first);
	if (!obj)
		FAILED("opening %s: %s\n", obj_path, strerror(errno));
	if (bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), pin) ||
	    bpf_arena__load(obj)) {
		fprintf(stderr, "pin_helper: loading %s: %s\n", obj_path, strerror(errno));
		ret = 3;
		goto out;
	}
	if (!hits) {
		ret = 0;
		goto out;
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(bpf_object__find_program_by_name(obj, "hit")),
				   &opts)) {
		fprintf(stderr, "pin_helper: running hit: %s\n", strerror(errno));
		goto out;
	}
	arena = bpf_arena__from_object(obj);
	h = bpf_arena__find_global(arena, "hits", NULL);
	if (!h || *h != hits) {
		fprintf(stderr, "pin_helper: hits is %llu, expected %llu\n",
			h ? (unsigned long long)*h : 0ULL, (unsigned long long)hits);
		goto out;
	}
	printf("hits %llu at %p\n", (unsigned long long)*h, (void *)h);
	ret = 0;
out:
	bpf_arena__close(obj);
	return ret;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	__u64 a = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	__u64 b = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;

	if (argc < 3)
		goto usage;
	if (!strcmp(mode, "append") && argc == 4)
		return mode_append(argv[2], a);
	if (!strcmp(mode, "append-path") && argc == 4)
		return mode_append_plain(argv[2], 0, a);
	if (!strcmp(mode, "append-id") && argc == 4)
		return mode_append_plain(NULL, (__u32)strtoul(argv[2], NULL, 0), a);
	if (!strcmp(mode, "read") && argc == 4)
		return mode_read(argv[2], a);
	if (!strcmp(mode, "read-skel") && argc == 4)
		return mode_read_skel(argv[2], a);
	if (!strcmp(mode, "writer-loop") && argc == 5)
		return mode_writer_loop(argv[2], a, b);
	if (!strcmp(mode, "watch") && argc == 4)
		return mode_watch(argv[2], a);
	if (!strcmp(mode, "insert") && argc == 5)
		return mode_insert(argv[2], a, b);
	if (!strcmp(mode, "other") && argc == 3)
		return mode_other(argv[2]);
	if (!strcmp(mode, "small") && argc == 6)
		return mode_small(argv[2], argv[3], b, argv[5][0] == '1');
	if (!strcmp(mode, "moved-load") && argc == 4)
		return mode_small(argv[2], argv[3], 0, true);
	if (!strcmp(mode, "crash") && argc == 3)
		return mode_crash(argv[2]);
usage:
	fprintf(stderr, "usage: pin_helper MODE ARGS (see pin_helper.c)\n");
	return 2;
}

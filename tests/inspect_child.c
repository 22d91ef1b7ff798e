// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The process test_inspect looks into: loads progs/<variant>/inspect_*.bpf.o
 * through the library, runs "fill" (globals and a heap), optionally pins the
 * arena, reports what it wrote on one line, then answers commands on stdin
 * until it closes:
 *   count   the kernel's count of the arena's free pages ("free N")
 *   ping    "pong": still alive
 * Usage: inspect_child OBJ [--pin PATH] [--zero] [--twice]
 *   --zero: the globals at offset 0 (BPF_ARENA_GLOBALS_AT_ZERO)
 *   --twice: load the object a second time, so this process holds two arenas
 *            of one size, whose addresses share their upper half; reported
 *            as "second id N base 0xADDR"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "progs/inspect_common.h"

static int run(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (!prog || bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -1;
	return (int)opts.retval;
}

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts);
	const char *pin = NULL;
	struct bpf_object *second = NULL;
	bool twice = false;
	struct inspect_globals *g;
	struct bpf_object *obj;
	struct bpf_arena *a;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char line[64];
	__u64 *counter;
	int err, i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJ [--pin PATH] [--zero]\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			pin = argv[++i];
		else if (!strcmp(argv[i], "--zero"))
			opts.globals_layout = BPF_ARENA_GLOBALS_AT_ZERO;
		else if (!strcmp(argv[i], "--twice"))
			twice = true;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	obj = bpf_arena__open_file(argv[1], &opts);
	if (!obj || (err = bpf_arena__load(obj))) {
		fprintf(stderr, "inspect_child: can't load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = run(obj, "fill");
	if (err) {
		fprintf(stderr, "inspect_child: fill returned %d\n", err);
		return 1;
	}
	a = bpf_arena__from_object(obj);
	g = bpf_arena__find_global(a, "g", NULL);
	counter = bpf_arena__find_global(a, "inspect_counter", NULL);
	if (!g || !counter || bpf_obj_get_info_by_fd(bpf_map__fd(bpf_arena__map(a)), &info, &len))
		return 1;
	if (pin && bpf_map__pin(bpf_arena__map(a), pin)) {
		fprintf(stderr, "inspect_child: can't pin at %s: %s\n", pin, strerror(errno));
		return 1;
	}
	printf("ready id %u base 0x%lx size %zu globals_off %zu g_off %zu heap_pages %llu "
	       "pool_pages %llu counter %llu list_len %llu\n",
	       info.id, (unsigned long)bpf_arena__base(a), bpf_arena__size(a),
	       bpf_arena__globals_offset(a), (size_t)((char *)g - (char *)bpf_arena__base(a)),
	       (unsigned long long)g->heap.pages, (unsigned long long)g->heap.pool_pages,
	       (unsigned long long)*counter, (unsigned long long)g->list_len);
	if (twice) {
		struct bpf_arena *a2;

		memset(&info, 0, sizeof(info));
		second = bpf_arena__open_file(argv[1], &opts);
		if (!second || bpf_arena__load(second) || run(second, "fill"))
			return 1;
		a2 = bpf_arena__from_object(second);
		if (bpf_obj_get_info_by_fd(bpf_map__fd(bpf_arena__map(a2)), &info, &len))
			return 1;
		printf("second id %u base 0x%lx\n", info.id, (unsigned long)bpf_arena__base(a2));
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (!strncmp(line, "count", 5))
			printf("free %d\n", run(obj, "count_free_pages"));
		else if (!strncmp(line, "ping", 4))
			printf("pong\n");
	}
	if (pin)
		unlink(pin);
	bpf_arena__close(second);
	bpf_arena__close(obj);
	return 0;
}

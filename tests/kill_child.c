// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kill test's victim: open, load and run an arena object through the
 * library, close it, and again, until SIGKILL. Before each step it writes
 * one letter to stdout (o: opening, l: loading, r: running, c: closing) so
 * the test knows where the kill landed.
 *
 * Usage: kill_child OBJECT MAP_EXTRA_HEX
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static void phase(char c)
{
	if (write(STDOUT_FILENO, &c, 1) != 1)
		_exit(3);
}

int main(int argc, char **argv)
{
	unsigned long long map_extra;

	if (argc != 3)
		return 2;
	map_extra = strtoull(argv[2], NULL, 16);
	libbpf_set_print(quiet);
	for (;;) {
		LIBBPF_OPTS(bpf_test_run_opts, run);
		struct bpf_object *obj;
		struct bpf_program *prog;

		phase('o');
		obj = bpf_arena__open_file(argv[1], NULL);
		if (!obj)
			return 1;
		if (bpf_map__set_map_extra(bpf_object__find_map_by_name(obj, "kill_arena"),
					   map_extra))
			return 1;
		phase('l');
		if (bpf_arena__load(obj))
			return 1;
		phase('r');
		prog = bpf_object__find_program_by_name(obj, "churn");
		if (!prog)
			return 1;
		/* long enough for kills to land here as often as in load */
		for (int i = 0; i < 300; i++)
			if (bpf_prog_test_run_opts(bpf_program__fd(prog), &run) || run.retval)
				return 1;
		phase('c');
		bpf_arena__close(obj);
	}
}

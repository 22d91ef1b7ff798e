// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf-arena: the command-line tool of libbpf-arena, in bpftool's style:
 * "bpf-arena OBJECT COMMAND [ARGS]". This file only dispatches; every
 * OBJECT lives in a file of its own (gen_skeleton.c, cmd_probe.c,
 * cmd_inspect.c), and what they share in common.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "gen.h"

#ifndef BPF_ARENA_TOOL_VERSION
#define BPF_ARENA_TOOL_VERSION "0.0.0"
#endif

static bool debug;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s [OPTIONS] OBJECT { COMMAND | help }\n"
		"       %1$s version\n"
		"\n"
		"       OBJECT := { gen | inspect"
#ifdef BPF_ARENA_HAVE_PROBE
		" | probe"
#endif
		" }\n"
		"       OPTIONS := { {-d|--debug} | {-V|--version} | {-h|--help} }\n",
		bin_name);
}

static int print_version(void)
{
	printf("%s v%s\n", bin_name, BPF_ARENA_TOOL_VERSION);
	printf("using libbpf %s\n", libbpf_version_string());
	printf("features: skeletons%s\n",
#ifdef BPF_ARENA_HAVE_PROBE
	       ", probe"
#else
	       ""
#endif
	);
	return 0;
}

/* Without --debug only libbpf's warnings get through: they explain a refused
 * object; its info and debug chatter would drown the answer.
 */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !debug)
		return 0;
	if (level == LIBBPF_INFO && !debug)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1;

	libbpf_set_print(print_libbpf);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0)
			return print_version();
		if (strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--debug") == 0) {
			debug = true;
			continue;
		}
		fprintf(stderr, "Error: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 1;
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = argv[i++];
	if (is_prefix(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (is_prefix(cmd, "version"))
		return print_version();
	if (is_prefix(cmd, "gen"))
		return cmd_gen(argc - i, argv + i);
	if (is_prefix(cmd, "inspect"))
		return cmd_inspect(argc - i, argv + i);
#ifdef BPF_ARENA_HAVE_PROBE
	if (is_prefix(cmd, "probe"))
		return cmd_probe(argc - i, argv + i);
#endif
	fprintf(stderr, "Error: unknown object '%s'\n", cmd);
	usage(stderr);
	return 1;
}

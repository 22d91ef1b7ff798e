/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The bpf-arena tool's subcommands. Each takes the arguments that follow its
 * name (argv[0] is the first of them, argc may be 0), as bpftool's do, and
 * returns the process's exit status.
 */
#ifndef __BPF_ARENA_GEN_H
#define __BPF_ARENA_GEN_H

#include "common.h"

/* bpf-arena gen ... (gen_skeleton.c) */
int cmd_gen(int argc, char **argv);
/* bpf-arena probe ... (cmd_probe.c, when built) */
int cmd_probe(int argc, char **argv);
/* bpf-arena inspect ... (cmd_inspect.c) */
int cmd_inspect(int argc, char **argv);

#endif

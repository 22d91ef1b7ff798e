/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers every subcommand of the bpf-arena tool shares (common.c), as
 * bpftool keeps its own in common.c: main.c and the subcommands use this
 * file, and it uses none of them.
 */
#ifndef __BPF_ARENA_GEN_COMMON_H
#define __BPF_ARENA_GEN_COMMON_H

#include <stdbool.h>

/* Whether @arg abbreviates @cmd ("skel" for "skeleton"), as in bpftool. */
bool is_prefix(const char *arg, const char *cmd);

/* The name the tool was run as, for messages. */
extern const char *bin_name;

#endif

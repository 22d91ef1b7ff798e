/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Messages through libbpf's print callback, prefixed "libbpf_arena: ". */
#ifndef __BPF_ARENA_LOG_H
#define __BPF_ARENA_LOG_H

#include <bpf/libbpf.h>

__attribute__((format(printf, 2, 3))) void arena_pr(enum libbpf_print_level level, const char *fmt,
						    ...);

/* A long multi-line text (a verifier log), framed as libbpf frames it. */
void arena_pr_text(enum libbpf_print_level level, const char *prog_name, const char *text);

#define pr_warn(fmt, ...) arena_pr(LIBBPF_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) arena_pr(LIBBPF_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) arena_pr(LIBBPF_DEBUG, fmt, ##__VA_ARGS__)

#endif

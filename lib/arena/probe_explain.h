/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The loader asks the probes why the kernel refused an arena. */
#ifndef __BPF_ARENA_PROBE_EXPLAIN_H
#define __BPF_ARENA_PROBE_EXPLAIN_H

#include <stddef.h>

/* Write what the kernel lacks for arenas into @buf and return 1, or return 0
 * when the probes find nothing missing. Weak until probe.c is linked in.
 */
int arena_probe_explain(char *buf, size_t len) __attribute__((weak));

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the harnesses share: a quiet print callback and leak counters. */
#ifndef __BPF_ARENA_FUZZ_COMMON_H
#define __BPF_ARENA_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Route libbpf's and libbpf_arena's messages into a buffer: every message
 * is still formatted (its arguments read, as in real use), nothing is
 * printed unless FUZZ_VERBOSE is set in the environment.
 */
void fuzz_quiet_libbpf(void);

/* Open fds of this process, and those of its mappings that could be ours
 * (BPF map mappings and PROT_NONE reservations).
 */
int fuzz_count_fds(void);
int fuzz_count_our_mappings(void);

#endif

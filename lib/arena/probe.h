/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the loader asks the kernel feature probes (probe.c, probe_explain.c). */
#ifndef __BPF_ARENA_PROBE_H
#define __BPF_ARENA_PROBE_H

#include <stddef.h>
#include <linux/types.h>
#include <bpf_arena/bpf_arena_probe.h>

/* What every arena object needs of the kernel (the map type,
 * addr_space_cast, a JIT for arena memory): what "usable" means, and what
 * the loader blames first.
 */
extern const enum bpf_arena_probe_cap arena_probe_needed[];
extern const size_t arena_probe_needed_cnt;

/* Run the (cached) probes; if the kernel lacks something every arena object
 * needs (the map type, addr_space_cast, a JIT for arena memory, or the
 * privileges to use them), write into @buf a sentence naming it, the upstream
 * kernel version that brought it and its kernel-patches/series.tsv entry, and
 * return 1. Return 0 when nothing relevant is missing.
 */
int arena_probe_explain(char *buf, size_t len);

/* The same for a program the verifier refused: if @verifier_log shows the
 * refusal of something a probe found missing (atomics on arena memory, an
 * offset of 512 MiB or more, allocation in a non-sleepable program, ...),
 * explain it into @buf and return 1; else return 0.
 */
int arena_probe_explain_prog(const char *verifier_log, char *buf, size_t len);

/* For the verifier's "direct value offset of N is not allowed": blame the
 * kernel (the full-range offsets it lacks) only when N lies inside the
 * object's arena (@arena_size bytes, 0: none); beyond it and beyond the
 * largest value of the object's other maps (@largest_value), say the object
 * is corrupt. Returns 1 when @buf holds an explanation, else 0.
 */
int arena_probe_explain_offset(const char *verifier_log, __u64 arena_size, __u64 largest_value,
			       char *buf, size_t len);

#endif /* __BPF_ARENA_PROBE_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loader's explanations: when creating the arena or loading a program
 * fails, read the probes' answers (probe.c) and the verifier's log and say
 * in a sentence what the kernel lacks, since when it exists upstream and
 * its kernel-patches/series.tsv entry, or, for what no kernel has (arena
 * fetch-and/or/xor on x86-64), which instruction, why the compiler wrote it
 * and what to write instead.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "probe.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What every arena object needs (as bpf_arena__probe_usable() asks). */
/* The atomics a refused BPF_ATOMIC is blamed on when its instruction is
 * not one of fetch_atomics[] below.
 */
static const enum bpf_arena_probe_cap plain_atomics[] = {
	BPF_ARENA_CAP_ATOMIC_ADD,     BPF_ARENA_CAP_ATOMIC_FETCH_ADD, BPF_ARENA_CAP_ATOMIC_XCHG,
	BPF_ARENA_CAP_ATOMIC_CMPXCHG, BPF_ARENA_CAP_ATOMIC_AND,	      BPF_ARENA_CAP_ATOMIC_OR,
	BPF_ARENA_CAP_ATOMIC_XOR,
};

/* "this kernel lacks the BPF arena map type (BPF_MAP_TYPE_ARENA, upstream
 * Linux 6.9; kernel-patches/series.tsv entry 'arena-map'): <what was seen>"
 */
static void explain_missing(const struct bpf_arena_probe_result *r, char *buf, size_t len)
{
	size_t l = strlen(r->desc);

	if (l && r->desc[l - 1] == ')')
		snprintf(buf, len,
			 "this kernel lacks %.*s, upstream Linux %s; kernel-patches/series.tsv "
			 "entry '%s'): %s",
			 (int)(l - 1), r->desc, r->since, r->patch, r->reason);
	else
		snprintf(buf, len,
			 "this kernel lacks %s (upstream Linux %s; kernel-patches/series.tsv "
			 "entry '%s'): %s",
			 r->desc, r->since, r->patch, r->reason);
}

int arena_probe_explain(char *buf, size_t len)
{
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	size_t i;

	if (bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, NULL) < 0)
		return 0;
	for (i = 0; i < arena_probe_needed_cnt; i++) {
		if (r[arena_probe_needed[i]].status == BPF_ARENA_PROBE_MISSING) {
			explain_missing(&r[arena_probe_needed[i]], buf, len);
			return 1;
		}
	}
	if (r[BPF_ARENA_CAP_CAP_BPF].status == BPF_ARENA_PROBE_MISSING ||
	    r[BPF_ARENA_CAP_CAP_PERFMON].status == BPF_ARENA_PROBE_MISSING) {
		snprintf(buf, len,
			 "this process lacks %s: arenas need CAP_BPF and CAP_PERFMON (run as "
			 "root, or grant both)",
			 r[BPF_ARENA_CAP_CAP_BPF].status == BPF_ARENA_PROBE_MISSING
				 ? "CAP_BPF"
				 : "CAP_PERFMON");
		return 1;
	}
	if (r[BPF_ARENA_CAP_MAP_TYPE].status == BPF_ARENA_PROBE_UNKNOWN) {
		snprintf(buf, len, "could not tell whether this kernel has BPF arenas: %s",
			 r[BPF_ARENA_CAP_MAP_TYPE].reason);
		return 1;
	}
	return 0;
}

/* Verifier (and libbpf) words that betray a missing capability. */
static const struct {
	const char *words;
	enum bpf_arena_probe_cap cap;
} refusals[] = {
	/* "direct value offset of N": needs the maps' sizes, see below */
	{ "sleepable kfunc bpf_arena_alloc_pages", BPF_ARENA_CAP_NONSLEEPABLE_ALLOC },
	{ "sleepable kfunc bpf_arena_free_pages", BPF_ARENA_CAP_NONSLEEPABLE_ALLOC },
	{ "bpf_arena_reserve_pages", BPF_ARENA_CAP_KFUNC_RESERVE_PAGES },
	{ "bpf_arena_alloc_pages", BPF_ARENA_CAP_KFUNC_ALLOC_PAGES },
	{ "bpf_arena_free_pages", BPF_ARENA_CAP_KFUNC_FREE_PAGES },
	{ "BPF_ATOMIC", BPF_ARENA_CAP_ATOMIC_ADD },
	{ "BPF_MOV uses reserved fields", BPF_ARENA_CAP_ADDR_SPACE_CAST },
	{ "arg:arena", BPF_ARENA_CAP_ARG_ARENA },
};

/* The arena atomics the x86-64 JIT lacks, by the name the kernel's
 * disassembler gives them in a verifier log ("r2 = atomic64_fetch_or(...)").
 */
static const struct {
	const char *insn; /* in the log's instruction line */
	const char *op; /* for people */
	const char *builtin; /* what clang 20+ turns into the fetch form */
	const char *helper; /* <bpf_arena/arena_util.h>'s non-fetching form */
	enum bpf_arena_probe_cap cap;
} fetch_atomics[] = {
	{ "_fetch_and(", "fetch-and", "and", "arena_atomic_and", BPF_ARENA_CAP_ATOMIC_FETCH_AND },
	{ "_fetch_or(", "fetch-or", "or", "arena_atomic_or", BPF_ARENA_CAP_ATOMIC_FETCH_OR },
	{ "_fetch_xor(", "fetch-xor", "xor", "arena_atomic_xor", BPF_ARENA_CAP_ATOMIC_FETCH_XOR },
};

/* The instruction line ("15: (db) r2 = atomic64_fetch_or(...)") nearest
 * before @at in @log, copied into @out without its newline; NULL if none.
 */
static const char *insn_before(const char *log, const char *at, char *out, size_t len)
{
	const char *line, *end, *p;
	size_t n;

	for (end = at; end > log; end = line - 1) {
		line = end;
		while (line > log && line[-1] != '\n')
			line--;
		for (p = line; *p >= '0' && *p <= '9'; p++)
			;
		if (p > line && p[0] == ':' && p[1] == ' ' && p[2] == '(') {
			n = strcspn(line, "\n");
			snprintf(out, len, "%.*s", (int)n, line);
			return out;
		}
		if (line == log)
			break;
	}
	return NULL;
}

/* "BPF_ATOMIC stores into R2 arena is not allowed": the verifier refuses
 * an atomic the JIT has no arena form of (bpf_jit_supports_insn()). On
 * x86-64 those are fetch-and, fetch-or and fetch-xor, which clang 20+
 * emits for (void)__sync_fetch_and_or() and the like even when the result
 * is unused: say which one the log points at, why, and what to write.
 */
static int explain_atomic_refusal(const char *log, const struct bpf_arena_probe_result *r,
				  char *buf, size_t len)
{
	const char *at = strstr(log, "BPF_ATOMIC stores into"), *insn;
	char line[160];
	size_t i;

	if (!at)
		return 0;
	insn = insn_before(log, at, line, sizeof(line));
	for (i = 0; i < ARRAY_SIZE(fetch_atomics); i++) {
		if (r[fetch_atomics[i].cap].status == BPF_ARENA_PROBE_SUPPORTED)
			continue;
		if (insn && !strstr(insn, fetch_atomics[i].insn))
			continue;
		if (!insn) /* which one is unknown: say it of all three */
			break;
		snprintf(buf, len,
			 "atomic %s on arena memory (insn %s): this kernel's JIT has no arena "
			 "form of it (bpf-arena probe: %s %s; the x86-64 JIT has no arena "
			 "fetch-and/or/xor), and clang 20 and later emit the fetch form for "
			 "__sync_fetch_and_%s() even when its result is unused. Write "
			 "(void)__atomic_fetch_%s(p, v, __ATOMIC_RELAXED), with the result "
			 "unused, or %s() from <bpf_arena/arena_util.h>; for the old value, a "
			 "compare-and-swap loop (arena_atomic_fetch_or() there shows how)",
			 fetch_atomics[i].op, insn, r[fetch_atomics[i].cap].name,
			 bpf_arena__probe_status_str(r[fetch_atomics[i].cap].status),
			 fetch_atomics[i].builtin, fetch_atomics[i].builtin,
			 fetch_atomics[i].helper);
		return 1;
	}
	if (insn || i == ARRAY_SIZE(fetch_atomics))
		return 0; /* an atomic this kernel has, or not one of these */
	snprintf(buf, len,
		 "an atomic the JIT has no arena form of: the x86-64 JIT has no arena "
		 "fetch-and/or/xor (bpf-arena probe: atomic_fetch_and/or/xor), and clang 20 "
		 "and later emit them for __sync_fetch_and_and/or/xor() even when the result "
		 "is unused. Write (void)__atomic_fetch_or(p, v, __ATOMIC_RELAXED) and the "
		 "like, with the result unused, or arena_atomic_or/and/xor() from "
		 "<bpf_arena/arena_util.h>; for the old value, a compare-and-swap loop");
	return 1;
}

int arena_probe_explain_prog(const char *verifier_log, char *buf, size_t len)
{
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	enum bpf_arena_probe_cap cap;
	size_t i, j;

	if (!verifier_log || bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, NULL) < 0)
		return 0;
	if (explain_atomic_refusal(verifier_log, r, buf, len))
		return 1;
	for (i = 0; i < ARRAY_SIZE(refusals); i++) {
		if (!strstr(verifier_log, refusals[i].words))
			continue;
		cap = refusals[i].cap;
		/* atomics: name the first one this kernel lacks */
		if (cap == BPF_ARENA_CAP_ATOMIC_ADD)
			for (j = 0; j < ARRAY_SIZE(plain_atomics); j++)
				if (r[plain_atomics[j]].status == BPF_ARENA_PROBE_MISSING) {
					cap = plain_atomics[j];
					break;
				}
		if (r[cap].status != BPF_ARENA_PROBE_MISSING)
			continue;
		explain_missing(&r[cap], buf, len);
		return 1;
	}
	return 0;
}

/*
 * "direct value offset of N is not allowed" says only that N >= 512 MiB
 * (BPF_MAX_VAR_OFF), not which map the instruction named. Whether a kernel
 * feature is missing depends on where N points: inside the object's arena,
 * it is the full-range offset a newer kernel takes (when the probe found it
 * missing); beyond the arena and every other map of the object, no kernel
 * would take it, and the object is corrupt (its instructions or section
 * sizes don't agree).
 */
int arena_probe_explain_offset(const char *verifier_log, __u64 arena_size, __u64 largest_value,
			       char *buf, size_t len)
{
	static const char words[] = "direct value offset of ";
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	const char *p = verifier_log ? strstr(verifier_log, words) : NULL;
	unsigned long long off;
	char *end;

	if (!p)
		return 0;
	off = strtoull(p + sizeof(words) - 1, &end, 10);
	if (end == p + sizeof(words) - 1)
		return 0;
	if (off >= arena_size && off >= largest_value) {
		snprintf(buf, len,
			 "the verifier refused a direct value offset of %llu, beyond the end of "
			 "every map of the object (the arena is %llu bytes, the largest other map "
			 "value %llu): the object is corrupt (an instruction or a section size is "
			 "wrong), not a missing kernel feature; rebuild it",
			 off, (unsigned long long)arena_size, (unsigned long long)largest_value);
		return 1;
	}
	if (off >= arena_size)
		return 0; /* inside a data map: not an arena matter */
	if (bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, NULL) < 0 ||
	    r[BPF_ARENA_CAP_BIG_OFFSETS].status != BPF_ARENA_PROBE_MISSING)
		return 0;
	explain_missing(&r[BPF_ARENA_CAP_BIG_OFFSETS], buf, len);
	return 1;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which parts of BPF arena support does the running kernel have?
 *
 * Arena support reached kernels in pieces (the map in 6.9, atomics in 6.10,
 * bpf_arena_reserve_pages in 6.17, ...). bpf_arena__probe() answers for each
 * piece (a "capability") whether this kernel has it, by doing what a user
 * would do: it creates arenas, loads small hand-assembled programs, runs them
 * with BPF_PROG_TEST_RUN and checks their effect through the mmapped arena.
 * A "missing" answer carries the kernel's own words (errno, verifier log),
 * the upstream kernel version that brought the capability and the entry of
 * kernel-patches/series.tsv that carries it.
 *
 * The probes need CAP_BPF and CAP_PERFMON (root); without them most answers
 * are BPF_ARENA_PROBE_UNKNOWN. They leave no fd, map or mapping behind, take
 * a few milliseconds, and run once per process: later calls return the
 * cached answers (thread-safe) unless asked to probe again.
 */
#ifndef __BPF_ARENA_BPF_ARENA_PROBE_H
#define __BPF_ARENA_BPF_ARENA_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf_common.h> /* LIBBPF_OPTS() */
#include <bpf_arena/bpf_arena_opts.h> /* BPF_ARENA_OPTS() */

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPF_ARENA_API
#define BPF_ARENA_API __attribute__((visibility("default")))
#endif

/* The capabilities, in the order bpf_arena__probe() reports them. New ones
 * are added at the end.
 */
enum bpf_arena_probe_cap {
	BPF_ARENA_CAP_MAP_TYPE = 0, /* BPF_MAP_TYPE_ARENA can be created and mmapped */
	BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, /* bpf_arena_alloc_pages() allocates */
	BPF_ARENA_CAP_KFUNC_FREE_PAGES, /* bpf_arena_free_pages() frees */
	BPF_ARENA_CAP_KFUNC_RESERVE_PAGES, /* bpf_arena_reserve_pages() guards */
	BPF_ARENA_CAP_ADDR_SPACE_CAST, /* the verifier takes addr_space_cast */
	BPF_ARENA_CAP_JIT_LOAD_STORE, /* the JIT runs arena loads and stores */
	BPF_ARENA_CAP_ATOMIC_ADD,
	BPF_ARENA_CAP_ATOMIC_FETCH_ADD,
	BPF_ARENA_CAP_ATOMIC_XCHG,
	BPF_ARENA_CAP_ATOMIC_CMPXCHG,
	BPF_ARENA_CAP_ATOMIC_AND,
	BPF_ARENA_CAP_ATOMIC_OR,
	BPF_ARENA_CAP_ATOMIC_XOR,
	BPF_ARENA_CAP_ARG_ARENA, /* __arg_arena arguments of global functions */
	BPF_ARENA_CAP_GLOBALS, /* __arena globals: direct value address of the arena */
	BPF_ARENA_CAP_BIG_OFFSETS, /* direct value offsets of 512 MiB and more */
	BPF_ARENA_CAP_SEGV_ON_FAULT, /* BPF_F_SEGV_ON_FAULT */
	BPF_ARENA_CAP_NO_USER_CONV, /* BPF_F_NO_USER_CONV */
	BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, /* allocation from a non-sleepable program */
	BPF_ARENA_CAP_STREAMS, /* BPF streams: bpf_stream_vprintk() text read back */
	BPF_ARENA_CAP_CAP_BPF, /* this process holds CAP_BPF (or CAP_SYS_ADMIN) */
	BPF_ARENA_CAP_CAP_PERFMON, /* this process holds CAP_PERFMON (or CAP_SYS_ADMIN) */
	BPF_ARENA_CAP_FAULT_REPORT, /* arena faults reported on the program's stderr stream */
	/* The fetching and/or/xor on arena memory: the x86-64 JIT has none of
	 * them (6.18), and clang 20+ emits them for (void)__sync_fetch_and_or()
	 * and the like; <bpf_arena/arena_util.h>'s arena_atomic_or() & co. don't.
	 */
	BPF_ARENA_CAP_ATOMIC_FETCH_AND,
	BPF_ARENA_CAP_ATOMIC_FETCH_OR,
	BPF_ARENA_CAP_ATOMIC_FETCH_XOR,
	__BPF_ARENA_CAP_CNT,
};

enum bpf_arena_probe_status {
	BPF_ARENA_PROBE_UNKNOWN = 0, /* could not tell; see err and reason */
	BPF_ARENA_PROBE_SUPPORTED = 1,
	BPF_ARENA_PROBE_MISSING = 2,
};

struct bpf_arena_probe_result {
	enum bpf_arena_probe_cap cap;
	enum bpf_arena_probe_status status;
	/* positive errno behind a missing or unknown answer, else 0 */
	int err;
	/* short name ("map_type", "atomic_add", ...) and one-line description */
	const char *name;
	const char *desc;
	/* upstream Linux version that brought it ("6.9"), and its entry id in
	 * kernel-patches/series.tsv ("arena-map")
	 */
	const char *since;
	const char *patch;
	/* what was seen: the effect checked, or the kernel's own words */
	char reason[256];
};

struct bpf_arena_probe_opts {
	/* size of this struct, for forward/backward compatibility */
	size_t sz;
	/* probe again instead of returning the answers cached by an earlier
	 * call (the new answers replace the cached ones)
	 */
	bool no_cache;
	size_t : 0;
};
#define bpf_arena_probe_opts__last_field no_cache

/* Probe every capability and copy the answers for the first @cnt of them
 * into @results (results[i].cap == i). Returns the number of capabilities
 * this library probes (__BPF_ARENA_CAP_CNT of the library, which may exceed
 * @cnt), or a negative errno. @opts may be NULL.
 */
BPF_ARENA_API int bpf_arena__probe(struct bpf_arena_probe_result *results, size_t cnt,
				   const struct bpf_arena_probe_opts *opts);

/* The answer for one capability (probing everything on first use). */
BPF_ARENA_API int bpf_arena__probe_cap(enum bpf_arena_probe_cap cap,
				       struct bpf_arena_probe_result *result,
				       const struct bpf_arena_probe_opts *opts);

/* Whether arena objects can be loaded here: 1 if the kernel has the map
 * type, the addr_space_cast instruction and a JIT that runs arena loads and
 * stores; 0 if one of them is missing; -EPERM (or another negative errno)
 * when the probes could not tell, e.g. without CAP_BPF.
 */
BPF_ARENA_API int bpf_arena__probe_usable(const struct bpf_arena_probe_opts *opts);

/* "map_type", ...; NULL for an unknown value. */
BPF_ARENA_API const char *bpf_arena__probe_cap_str(enum bpf_arena_probe_cap cap);
/* "supported", "missing", "unknown"; NULL for an unknown value. */
BPF_ARENA_API const char *bpf_arena__probe_status_str(enum bpf_arena_probe_status status);

#ifdef __cplusplus
}
#endif

#endif /* __BPF_ARENA_BPF_ARENA_PROBE_H */

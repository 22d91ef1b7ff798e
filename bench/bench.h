/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the benchmark's BPF programs (bench.bpf.c) and the bench binary
 * share: the layout of the one __arena global, the context every program
 * run gets, and the keys. The native runs compile the same arena headers
 * against the same struct, so both sides execute the same source.
 */
#ifndef __BENCH_H
#define __BENCH_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_fhtab.h>
#include <bpf_arena/arena_htab.h>

/* The bench object's arena: 4 GiB, the largest the kernel allows, so the
 * memory section measures what a sparse arena costs when it is mostly
 * empty.
 */
#define BENCH_ARENA_PAGES (1U << 20)

/* Blocks of the allocator benchmark: the size class the hash table's
 * elements (8-byte key, 8-byte value) fall in.
 */
#define BENCH_ALLOC_SIZE 32

/* What the memory section stores: 1 MiB. */
#define BENCH_MEM_PAGES 256

struct bench_globals {
	struct arena_heap heap;
	struct arena_htab htab;
	struct arena_fhtab fhtab;
	__u64 fhtab_pages; /* heap pages the flat table took at init */
	__u64 sum; /* values seen, so no loop is optimised away */
	__u64 errors; /* operations that failed: must stay 0 */
	__u64 last_err; /* the last failure's return value */
	__u64 done; /* operations a timed loop did: must be n */
	void __arena *mem; /* the memory section's 1 MiB */
	struct arena_spinlock lock; /* prim_lock's */
};

/* The context of a program run (BPF_PROG_TEST_RUN ctx_in). */
struct bench_args {
	__u64 n; /* operations, keys or pages */
	__u64 start; /* the timed loops: first key index (keys start .. start + n - 1) */
	__u64 pages; /* arena_setup: pages to give the heap */
};

/*
 * Operations per program run of the timed loops. A may_goto loop is
 * time-boxed by the kernel (6.14+: about 250 ms per run, then the loop
 * just ends), and the slowest operation here (a page through the kernel
 * and back) takes ~15 us, so runs stay well below that.
 */
#define BENCH_CHUNK 8192

/* Key i of a run: a multiplicative spread of i (odd constant, so distinct
 * for distinct i), so consecutive keys don't land in consecutive buckets.
 */
static inline __u64 bench_key(__u64 i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

#endif /* __BENCH_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The bench binary's parts and what they share: the run's settings, timing
 * and medians, the results every part records, and the reports written
 * from them.
 */
#ifndef __BENCH_USER_H
#define __BENCH_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#define BENCH_MAX_SIZES 4

struct bench_config {
	bool quick;
	int repeats; /* timed repeats of every BPF-side and user-side figure */
	int load_repeats; /* open+load pairs */
	int nsizes;
	__u64 sizes[BENCH_MAX_SIZES]; /* N: keys in the tables */
	const char *bench_obj; /* bench.bpf.o */
	const char *objdir; /* where the BPF objects are */
	const char *out_dir; /* results.csv, results.md, results.svg */
};

/* stats.c: time and medians */
__u64 bench_now_ns(void);
double bench_median(const double *v, int n);
double bench_min(const double *v, int n);
double bench_max(const double *v, int n);

/* results.c: every figure of the run, in the order it was measured */
struct bench_result {
	char section[16]; /* "bpf", "user", "memory", "load" */
	char name[48]; /* what was measured, e.g. "lookup" */
	__u64 n; /* keys in the table, 0 where it doesn't apply */
	char variant[48]; /* who did it, e.g. "arena htab (BPF)" */
	char unit[16];
	double median, min, max;
	int samples;
};

void bench_record(const char *section, const char *name, __u64 n, const char *variant,
		  const char *unit, const double *v, int count);
void bench_record_value(const char *section, const char *name, __u64 n, const char *variant,
			const char *unit, double value);
/* The median of a[i] / b[i]: a ratio taken pair by pair, within one repeat. */
void bench_record_ratio(const char *section, const char *name, __u64 n, const char *variant,
			const double *a, const double *b, int count);
const struct bench_result *bench_find(const char *section, const char *name, __u64 n,
				      const char *variant);
int bench_result_count(void);
const struct bench_result *bench_result_at(int i);

/* sysinfo.c: what the table names */
struct bench_sysinfo {
	char cpu[128];
	int ncpus;
	char kernel[256];
	char cc[128]; /* the compiler of this binary and the native runs */
	char bpf_cc[128]; /* the compiler of the BPF objects */
	char libbpf[32];
	char date[32];
	char srso[128]; /* spec_rstack_overflow: the machine kind */
};
void bench_sysinfo_get(struct bench_sysinfo *si);

/* bpf.c: loading the bench object, running its programs, errors */
struct bench_globals;
struct bench_obj {
	struct bpf_object *obj;
	struct bench_globals *g; /* the __arena global, in the arena */
	void *arena_base;
	size_t arena_size;
	int hmap_fd;
};
int bench_obj_open(struct bench_obj *b, const char *path, __u64 hash_entries);
void bench_obj_close(struct bench_obj *b);
/* Run program @name once with ctx {n, pages}; its wall time in *ns. The
 * program's return value, or a negative errno if the run failed; also
 * fails if the program counted failed operations.
 */
int bench_obj_run(struct bench_obj *b, const char *name, __u64 n, __u64 pages, double *ns);
/* The same for the timed loops: n operations on keys 0 .. n-1, in runs of
 * BENCH_CHUNK; *ns is the sum of the runs' times.
 */
int bench_obj_run_ops(struct bench_obj *b, const char *name, __u64 n, double *ns);

/* memstat.c: how much memory a process and one of its mappings hold */
long bench_vm_rss_kib(void);
/* Size and Rss (KiB) of the mapping that contains @addr, from smaps. */
int bench_vma_kib(const void *addr, long *size_kib, long *rss_kib);
/* The kernel's "memlock" estimate of a map, from /proc/self/fdinfo. */
long bench_map_memlock(int map_fd);

/* The parts: each records its figures. 0 or a negative errno. */
int bench_htab_run(const struct bench_config *cfg); /* sections 1, 2, and pages as N grows */
int bench_memory_run(const struct bench_config *cfg); /* section 3 */
int bench_load_run(const struct bench_config *cfg); /* section 4 */

/* user_read.c: reading every entry BPF stored, four ways. Each returns the
 * entries it read and adds key + value of each to *sum.
 */
struct arena_htab;
struct arena_fhtab;
__u64 bench_walk_htab(struct arena_htab *t, __u64 *sum);
__u64 bench_walk_fhtab(struct arena_fhtab *t, __u64 *sum);
__u64 bench_read_per_key(int map_fd, __u64 *sum);
__u64 bench_read_batch(int map_fd, __u64 batch, __u64 *sum);

/* native.c: the arena hash table compiled for user space, on malloc'd memory */
struct bench_native;
struct bench_native *bench_native_new(__u64 n);
void bench_native_free(struct bench_native *nt);
struct arena_htab *bench_native_htab(struct bench_native *nt);
struct arena_fhtab *bench_native_fhtab(struct bench_native *nt);
/* n operations; returns the failures */
__u64 bench_native_update(struct bench_native *nt, __u64 n);
__u64 bench_native_lookup(struct bench_native *nt, __u64 n);
__u64 bench_native_delete(struct bench_native *nt, __u64 n);
__u64 bench_native_fupdate(struct bench_native *nt, __u64 n);
__u64 bench_native_flookup(struct bench_native *nt, __u64 n);
__u64 bench_native_fdelete(struct bench_native *nt, __u64 n);
__u64 bench_native_alloc_pairs(struct bench_native *nt, __u64 n);
/* the loop and the call alone, as empty_loop in BPF */
__u64 bench_native_loop(struct bench_native *nt, __u64 n);
/* heap pages the table took */
__u64 bench_native_pages_used(struct bench_native *nt);

/* Pages the heap needs for a table of n keys, with room to spare. */
__u64 bench_htab_pages(__u64 n);

/* report.c, svg.c */
int bench_write_csv(const char *path);
int bench_write_markdown(FILE *f, const struct bench_sysinfo *si, const struct bench_config *cfg);
int bench_write_svg(const char *path, const struct bench_sysinfo *si);

#endif /* __BENCH_USER_H */

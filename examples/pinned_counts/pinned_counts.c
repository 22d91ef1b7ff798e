// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The CLI: prints the daemon's per-process syscall counts by walking the
 * hash table in the pinned arena with plain pointers. It loads no program
 * and makes no syscall per key: counts__open_pinned_arena() maps the arena
 * (read-only) at the address where BPF's pointers point, and skel->arena is
 * the daemon's live `counts` global. It may run while the daemon runs, after
 * it stopped, or crash: the arena is the daemon's pin's, not the CLI's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf_arena/bpf_arena_common.h>

#include "counts.h"
#include "counts.skel.h"

struct row {
	__u32 pid;
	struct proc_count count;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count.syscalls != y->count.syscalls)
		return x->count.syscalls < y->count.syscalls ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int main(int argc, char **argv)
{
	const char *pin = "/sys/fs/bpf/pinned_counts/arena";
	struct arena_htab_elem *e;
	struct counts *skel;
	struct arena_htab *procs;
	struct row *rows;
	size_t n = 0, i, top = 20;
	int opt, b;

	while ((opt = getopt(argc, argv, "p:n:")) != -1) {
		if (opt == 'p')
			pin = optarg;
		else if (opt == 'n')
			top = strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: pinned_counts [-p PIN] [-n TOP]\n");
			return 2;
		}
	}
	skel = counts__open_pinned_arena(pin, true);
	if (!skel) {
		fprintf(stderr,
			"pinned_counts: %s: %s (is pinned_countsd running or was it run?)\n", pin,
			strerror(errno));
		return 1;
	}
	procs = &skel->arena->state.procs;
	rows = calloc(COUNTS_MAX_PROCS, sizeof(*rows));
	if (!rows)
		return 1;
	/* Plain loads through the pointers BPF stored: no syscall per key. */
	arena_htab_for_each_unlocked(e, b, procs) {
		if (n == COUNTS_MAX_PROCS)
			break;
		rows[n].pid = *(__u32 *)arena_htab_elem_key(e);
		rows[n].count = *(struct proc_count *)arena_htab_elem_value(procs, e);
		rows[n].count.comm[sizeof(rows[n].count.comm) - 1] = '\0';
		n++;
	}
	qsort(rows, n, sizeof(*rows), by_count);
	printf("%zu processes, daemon started %llu times, %llu events dropped\n", n,
	       (unsigned long long)skel->arena->state.daemon_starts,
	       (unsigned long long)skel->arena->state.dropped);
	printf("%8s %-16s %12s\n", "PID", "COMM", "SYSCALLS");
	for (i = 0; i < n && i < top; i++)
		printf("%8u %-16s %12llu\n", rows[i].pid, rows[i].count.comm,
		       (unsigned long long)rows[i].count.syscalls);
	free(rows);
	counts__destroy(skel); /* unmaps; never unpins */
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The daemon: loads counts.bpf.o, whose arena is pinned (LIBBPF_PIN_BY_NAME)
 * under --pin-root, and counts every process's syscalls into a hash table in
 * it until SIGINT/SIGTERM or --seconds. The first start creates and pins the
 * arena; a restart finds it pinned, maps it where it was and goes on with
 * the counts it holds. It never unpins: `rm <pin-root>/arena` ends the
 * state. Run as root, with a BPF filesystem mounted at the pin root's parent.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_common.h>

#include "counts.h"
#include "counts.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	return (int)opts.retval;
}

int main(int argc, char **argv)
{
	const char *pin_root = "/sys/fs/bpf/pinned_counts";
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct counts *skel;
	time_t end = 0;
	int opt, err;

	while ((opt = getopt(argc, argv, "r:s:")) != -1) {
		if (opt == 'r')
			pin_root = optarg;
		else if (opt == 's')
			end = time(NULL) + atoi(optarg);
		else
			goto usage;
	}
	open_opts.pin_root_path = pin_root;
	skel = counts__open_opts(&open_opts);
	if (!skel) {
		fprintf(stderr, "pinned_countsd: open failed: %s\n", strerror(errno));
		return 1;
	}
	/* Creates and pins the arena, or maps the pinned one where it lives. */
	err = counts__load(skel);
	if (err) {
		fprintf(stderr, "pinned_countsd: load failed: %s\n", strerror(-err));
		goto out;
	}
	err = run(skel->progs.start);
	if (!err)
		err = counts__attach(skel);
	if (err) {
		fprintf(stderr, "pinned_countsd: start failed: %d\n", err);
		goto out;
	}
	printf("pinned_countsd: counting into %s/arena (start #%llu, %llu processes so far)\n",
	       pin_root, (unsigned long long)skel->arena->state.daemon_starts,
	       (unsigned long long)skel->arena->state.procs.count);
	fflush(stdout);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop && (!end || time(NULL) < end)) {
		/* the tracepoint allocates from the pool but can't fill it */
		if (run(skel->progs.refill))
			fprintf(stderr, "pinned_countsd: the arena is full\n");
		usleep(100 * 1000);
	}
	err = 0;
out:
	counts__destroy(skel); /* the arena stays pinned, counts and all */
	return err ? 1 : 0;

usage:
	fprintf(stderr, "usage: pinned_countsd [-r PIN_ROOT] [-s SECONDS]\n");
	return 2;
}

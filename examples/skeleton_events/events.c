// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A skeleton application, written as for upstream bpftool and libbpf: open,
 * set a read-only global before load, load, attach, then read what BPF
 * wrote straight from the arena through skel->arena. Build the skeleton
 * with `bpf-arena gen skeleton events.bpf.o name events > events.skel.h`
 * (or bpf_arena_add_skeleton() in CMake) and link with -lbpf_arena -lbpf.
 * Run as root. The tracepoint needs tracefs: mounted here when missing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"
#include "events.skel.h"

#define CALLS 5
#define TRACEFS "/sys/kernel/tracing"

/* libbpf finds a tracepoint's id in tracefs (or debugfs' tracing/). Many
 * machines and containers don't mount it; libbpf then fails with a bare
 * ENOENT. Mount it, or say exactly what to mount.
 */
static int ensure_tracefs(void)
{
	if (access(TRACEFS "/events", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return 0;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) == 0) {
		printf("tracefs was not mounted: mounted it at " TRACEFS "\n");
		return 0;
	}
	fprintf(stderr,
		"events: tracefs is not mounted and mounting it failed (%s); as root run:\n"
		"  mount -t tracefs tracefs " TRACEFS "\n",
		strerror(errno));
	return -ENOENT;
}

int main(void)
{
	struct events *skel;
	__u64 i, n;
	int err;

	if (ensure_tracefs())
		return 1;
	skel = events__open();
	if (!skel) {
		fprintf(stderr, "events: open failed: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->target_pid = getpid();
	err = events__load(skel);
	if (!err)
		err = events__attach(skel);
	if (err) {
		fprintf(stderr, "events: load/attach failed: %s\n", strerror(-err));
		events__destroy(skel);
		return 1;
	}

	for (i = 0; i < CALLS; i++)
		syscall(SYS_getpid);

	n = skel->arena->nr_events;
	printf("%llu getpid() calls seen by BPF, arena at %p (%zu bytes)\n", (unsigned long long)n,
	       events__arena_base(skel), events__arena_size(skel));
	for (i = 0; i < n && i < EVENTS_SLOTS; i++) {
		const struct event *e = &skel->arena->events[i];

		printf("  #%u pid %u at %llu ns\n", e->seq, e->pid, (unsigned long long)e->ts_ns);
	}
	events__destroy(skel);
	return n == CALLS ? 0 : 1;
}

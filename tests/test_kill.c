// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A process killed with SIGKILL anywhere in open, load or run leaves nothing
 * behind: once it is gone, the kernel holds no arena of it (its map id is
 * gone from the kernel's enumeration, so the arena's memory was freed with
 * its last reference), and nothing of it is pinned in /sys/fs/bpf. The
 * child (kill_child) loops open/load/run/close; it gets an arena address of
 * its own (map_extra) so that its arenas are told apart from those of
 * everything else running on this kernel.
 */
#define _GNU_SOURCE /* pipe2 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "test_helpers.h"

#define KILLS 60
#define MAX_DELAY_US 40000

/* Arenas in the kernel at @map_extra, found by map id. */
static int count_arenas_at(__u64 map_extra)
{
	__u32 id = 0;
	int n = 0;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue; /* freed meanwhile */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_ARENA_MAP_TYPE &&
		    info.map_extra == map_extra)
			n++;
		close(fd);
	}
	return n;
}

/* Pinned objects under @dir that are arenas at @map_extra. */
static int count_pins_at(const char *dir, __u64 map_extra, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 4)
				n += count_pins_at(path, map_extra, depth + 1);
		} else {
			struct bpf_map_info info = {};
			__u32 len = sizeof(info);
			int fd = bpf_obj_get(path);

			if (fd < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
			    info.type == BPF_ARENA_MAP_TYPE && info.map_extra == map_extra)
				n++;
			close(fd);
		}
	}
	closedir(d);
	return n;
}

static pid_t spawn(const char *obj, __u64 map_extra, int *out_fd)
{
	char extra[32];
	int pipefd[2];
	pid_t pid;

	snprintf(extra, sizeof(extra), "%llx", (unsigned long long)map_extra);
	cr_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		execl(KILL_CHILD, KILL_CHILD, obj, extra, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	*out_fd = pipefd[0];
	return pid;
}

/* Waits (up to 60 s) for the child's first phase letter and returns it:
 * the child is then past exec and the dynamic loader, which a loaded
 * machine can stretch beyond any fixed delay.
 */
static char first_phase(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	cr_assert_eq(poll(&p, 1, 60000), 1, "the child wrote nothing in 60 s");
	cr_assert_eq(read(fd, &c, 1), 1, "the child ended before its first phase");
	return c;
}

/* The last phase letter the child wrote, or @last if none since. */
static char last_phase(int fd, char last)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		last = buf[n - 1];
	return last;
}

Test(kill, sigkill_anywhere_leaves_no_arena_and_no_pin)
{
	const char *obj = test_prog_path("kill_arena");
	/* an address no one else uses: a 4 GiB window of this test's own, above
	 * ASan's shadow (which ends at 0x10007fff7fff) and below 2^47
	 */
	__u64 map_extra = (0x1001ULL + (getpid() & 0x3fff)) << 32;
	int hits[256] = {}, alive_at_kill = 0, i;
	struct timespec t0, t1;
	unsigned int seed = (unsigned int)getpid();

	test_require_arena_kernel();
	cr_assert_eq(count_arenas_at(map_extra), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < KILLS; i++) {
		int fd, status, waited_ms = 0;
		pid_t pid = spawn(obj, map_extra, &fd);
		char at = '-';

		/* every other kill counts from the child's first step, so that
		 * some land in load and run however slowly the child starts
		 */
		if (i % 2)
			at = first_phase(fd);
		usleep(rand_r(&seed) % MAX_DELAY_US);
		alive_at_kill += count_arenas_at(map_extra) > 0;
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		at = last_phase(fd, at);
		close(fd);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			  "the child ended by itself (status 0x%x, last phase '%c'): it failed "
			  "to open/load/run",
			  status, at);
		hits[(unsigned char)at]++;
		/* programs drop their map references after an RCU grace period
		 * (tasks trace for sleepable ones): seconds under load, so the
		 * bound is generous; it is only reached if something leaks
		 */
		while (count_arenas_at(map_extra) && waited_ms < 120000) {
			usleep(10000);
			waited_ms += 10;
		}
		cr_assert_eq(count_arenas_at(map_extra), 0,
			     "kill #%d (in phase '%c'): an arena of the dead child is still in "
			     "the kernel after 120 s",
			     i, at);
		cr_assert_eq(count_pins_at("/sys/fs/bpf", map_extra, 0), 0,
			     "kill #%d: the dead child left a pin", i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr,
		"kill (%s): %d kills in %.1f s; last phase before the kill: open %d, load %d, "
		"run %d, close %d, before the first %d; an arena was alive at %d kills\n",
		test_variant(), KILLS,
		(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, hits['o'],
		hits['l'], hits['r'], hits['c'], hits['-'], alive_at_kill);
	cr_assert_gt(alive_at_kill, 0, "no kill landed while an arena existed: proves nothing");
	cr_assert_gt(hits['l'] + hits['r'], 0, "no kill landed in load or run");
}

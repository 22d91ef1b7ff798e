// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading and running the probes' hand-assembled programs, and recording
 * each probe's answer: the kernel's refusal is kept in its own words (the
 * errno and the verifier's last message).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strchrnul */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "probe_internal.h"

/* Record @cap's answer: its status, the errno and why, in printf form. */
__attribute__((format(printf, 5, 6))) void arena_probe_set_res(struct probe_ctx *c,
							       enum bpf_arena_probe_cap cap,
							       enum bpf_arena_probe_status status,
							       int err, const char *fmt, ...)
{
	struct bpf_arena_probe_result *r = &c->res[cap];
	va_list ap;

	r->status = status;
	r->err = err < 0 ? -err : err;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* The verifier's own words: the last line of its log that isn't statistics. */
const char *arena_probe_verifier_words(const char *log, char *out, size_t len)
{
	const char *line = log, *best = NULL, *end;
	size_t best_len = 0;

	while (*line) {
		end = strchrnul(line, '\n');
		if (end > line && strncmp(line, "processed ", 10) != 0 &&
		    strncmp(line, "verification time", 17) != 0 &&
		    strncmp(line, "stack depth", 11) != 0 &&
		    strncmp(line, "-- END PROG", 11) != 0) {
			best = line;
			best_len = end - line;
		}
		line = *end ? end + 1 : end;
	}
	if (!best)
		snprintf(out, len, "no verifier message");
	else
		snprintf(out, len, "%.*s", (int)best_len, best);
	return out;
}

/* Load a program; returns its fd or a negative errno, with the verifier's
 * log in c->log. Sleepable ones are syscall programs (which can only be
 * sleepable); the others raw tracepoint programs, the simplest type that
 * BPF_PROG_TEST_RUN runs without a packet.
 */
int arena_probe_load_prog(struct probe_ctx *c, const struct bpf_insn *insns, size_t cnt,
			  bool sleepable, struct bpf_prog_load_opts *opts)
{
	LIBBPF_OPTS(bpf_prog_load_opts, plain);
	int fd;

	if (!opts)
		opts = &plain;
	opts->prog_flags = sleepable ? BPF_F_SLEEPABLE : 0;
	opts->log_buf = c->log;
	opts->log_size = sizeof(c->log);
	opts->log_level = 0;
	c->log[0] = '\0';
	fd = bpf_prog_load(sleepable ? BPF_PROG_TYPE_SYSCALL : BPF_PROG_TYPE_RAW_TRACEPOINT, NULL,
			   "GPL", insns, cnt, opts);
	return fd < 0 ? -errno : fd;
}

static int run_prog(int fd, __u32 *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

/* Load and run @insns. On success returns 0 with the program's return value
 * in *retval; on failure records @cap as missing (the kernel refused) or
 * unknown (it couldn't be asked) and returns the negative errno.
 */
int arena_probe_load_and_run(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			     const struct bpf_insn *insns, size_t cnt, bool sleepable,
			     struct bpf_prog_load_opts *opts, __u32 *retval, int *keep_fd)
{
	char words[200];
	int fd, err;

	fd = arena_probe_load_prog(c, insns, cnt, sleepable, opts);
	if (fd < 0) {
		pr_debug("probe %s: the kernel refused its program: %s\n%s",
			 arena_probe_caps[cap].name, strerror(-fd), c->log);
		if (fd == -EPERM)
			arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd,
					    "prog_load: %s (needs CAP_BPF and CAP_PERFMON)",
					    strerror(-fd));
		else
			arena_probe_set_res(
				c, cap, BPF_ARENA_PROBE_MISSING, fd, "verifier: %s (%s)",
				arena_probe_verifier_words(c->log, words, sizeof(words)),
				strerror(-fd));
		return fd;
	}
	err = run_prog(fd, retval);
	if (err)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, err, "prog_test_run: %s",
				    strerror(-err));
	if (keep_fd && !err)
		*keep_fd = fd;
	else
		close(fd);
	return err;
}

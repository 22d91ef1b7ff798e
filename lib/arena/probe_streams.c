// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes of BPF streams: a program prints to its stderr
 * stream and user space reads it back by the program's fd, and a program
 * that loads from an unallocated arena page finds the fault reported there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe_internal.h"

/* Absent from Debian 12's <linux/bpf.h> (6.1 uapi). */
#define PROBE_CMD_PROG_STREAM_READ_BY_FD 37
#define PROBE_STREAM_STDERR 2

struct stream_read_attr {
	__u64 stream_buf;
	__u32 stream_buf_len;
	__u32 stream_id;
	__u32 prog_fd;
};

/* Read what program @prog_fd left on its stderr stream into @text (first
 * line only); returns its length or a negative errno.
 */
static long read_stderr_stream(int prog_fd, char *text, size_t len)
{
	union {
		struct stream_read_attr s;
		char pad[168]; /* sizeof(union bpf_attr) in 6.18 */
	} attr;
	char *nl;
	long n;

	memset(&attr, 0, sizeof(attr));
	attr.s.stream_buf = (__u64)(uintptr_t)text;
	attr.s.stream_buf_len = len - 1;
	attr.s.stream_id = PROBE_STREAM_STDERR;
	attr.s.prog_fd = prog_fd;
	n = syscall(__NR_bpf, PROBE_CMD_PROG_STREAM_READ_BY_FD, &attr, sizeof(attr));
	if (n < 0)
		return -errno;
	text[n] = '\0';
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	return n;
}

/* The format string of bpf_stream_vprintk() must live in a read-only map. */
static int stream_fmt_map(const char *fmt)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_RDONLY_PROG);
	char value[32] = {};
	__u32 key = 0;
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, sizeof(key), sizeof(value), 1, &opts);
	if (fd < 0)
		return -errno;
	snprintf(value, sizeof(value), "%s", fmt);
	if (bpf_map_update_elem(fd, &key, value, 0) || bpf_map_freeze(fd)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* bpf_stream_vprintk(BPF_STDERR, "arena probe %d\n", {1234}, 8): the text
 * must come back from BPF_PROG_STREAM_READ_BY_FD.
 */
void arena_probe_streams(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_STREAMS;
	__s32 id = c->kfunc_id[KF_STREAM_PRINTK] ?: c->kfunc_id[KF_STREAM_PRINTK_OLD];
	char text[256];
	int map_fd, fd = -1;
	__u32 ret;
	long n;

	if (c->btf_err) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, c->btf_err,
				    "kernel BTF unreadable: %s", strerror(c->btf_err));
		return;
	}
	if (!id) {
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_MISSING, ENOENT,
			"neither bpf_stream_vprintk_impl nor bpf_stream_vprintk is in the kernel's "
			"BTF");
		return;
	}
	map_fd = stream_fmt_map("arena probe %d\n");
	if (map_fd < 0) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, map_fd, "format map: %s",
				    strerror(-map_fd));
		return;
	}
	{
		const struct bpf_insn insns[] = {
			MOV64_IMM(BPF_REG_1, 1234),
			STX_DW(BPF_REG_10, BPF_REG_1, -8),
			MOV64_IMM(BPF_REG_1, PROBE_STREAM_STDERR),
			LD_MAP_VALUE(BPF_REG_2, map_fd, 0),
			MOV64_REG(BPF_REG_3, BPF_REG_10),
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -8),
			MOV64_IMM(BPF_REG_4, 8),
			MOV64_IMM(BPF_REG_5, 0),
			KFUNC_CALL(id),
			EXIT_INSN(),
		};

		if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret,
					     &fd))
			goto out;
	}
	n = read_stderr_stream(fd, text, sizeof(text));
	if (n < 0)
		arena_probe_set_res(
			c, cap, n == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, n,
			"BPF_PROG_STREAM_READ_BY_FD: %s", strerror(-n));
	else if ((int)ret < 0)
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_UNKNOWN, -(int)ret,
			"the kernel has BPF streams (the kfunc loads, the stream reads) but "
			"bpf_stream_vprintk failed here: %s",
			strerror(-(int)ret));
	else if (strcmp(text, "arena probe 1234") == 0)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "read back \"%s\" from stderr", text);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "bpf_stream_vprintk returned %d, the stream read \"%.100s\"",
				    (int)ret, text);
	close(fd);
out:
	close(map_fd);
}

/* Load from a page nobody allocated, then read the program's stderr
 * stream: kernels that report arena faults say so there.
 */
void arena_probe_fault_report(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_FAULT_REPORT;
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		LD_IMM64(BPF_REG_1, uaddr(c, PAGE_FAULT * PROBE_PAGE_SZ)),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		LDX_DW(BPF_REG_0, BPF_REG_1, 0),
		EXIT_INSN(),
	};
	char text[256];
	__u32 ret;
	long n;
	int fd = -1;

	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, &fd))
		return;
	n = read_stderr_stream(fd, text, sizeof(text));
	if (n < 0)
		arena_probe_set_res(
			c, cap, n == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, n,
			"BPF_PROG_STREAM_READ_BY_FD: %s%s", strerror(-n),
			n == -EINVAL ? " (no BPF streams)" : "");
	else if (n > 0 && strstr(text, "rena"))
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "stderr stream: \"%.200s\"", text);
	else if (c->res[BPF_ARENA_CAP_STREAMS].status != BPF_ARENA_PROBE_SUPPORTED)
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_UNKNOWN, c->res[BPF_ARENA_CAP_STREAMS].err,
			"the stderr stream stayed empty, but streams don't work here either (%s)",
			c->res[BPF_ARENA_CAP_STREAMS].reason);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "the stderr stream %s after a load from an unallocated page",
				    n ? "had no arena report" : "stayed empty");
	close(fd);
}

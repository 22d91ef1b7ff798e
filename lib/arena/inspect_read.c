// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading an arena without changing it.
 *
 * A user-space load from an arena page nobody allocated makes the kernel
 * allocate it (or raises SIGSEGV under BPF_F_SEGV_ON_FAULT), so an inspector
 * that maps the arena and reads it changes what it looks at, and may kill
 * itself. A BPF load from such a page is caught by the JIT's exception table
 * and yields 0; nothing is allocated (measured on 6.18: the page could still
 * be allocated at that address afterwards, and no process's mapping gained a
 * page). So reads go through a program we assemble here:
 *
 *     r6 = ctx                      ctx = { u64 addr; u64 stride; u64 data[] }
 *     r1 = map[arena] ll            ties the program to the arena
 *     r7 = ctx->addr; r9 = ctx->stride
 *     repeat NREC times:
 *         r8 = r7; r8 = addr_space_cast(r8, 0, 1)      kernel form
 *         repeat RW times: ctx->data[k++] = *(u64 *)(r8 + 8 * w)
 *         r7 += r9
 *
 * run with BPF_PROG_TEST_RUN, which copies the context back (the context
 * offsets must be constants, hence the unrolled loops). One program copies
 * 16 KiB in a run; a second one reads the first 16 bytes of 1024 pages to
 * find those that hold anything. A pointer in BPF is the low 32 bits of the
 * user address, so reading offset off means reading (u32)(user_addr + off):
 * the reader must know the arena's user address (bpf_arena__describe()).
 */
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "inspect_internal.h"

#define BULK_NREC 4
#define BULK_RW 512 /* 4 KiB records: 16 KiB a run */
#define SCAN_NREC 1024
#define SCAN_RW 2
#define CTX_HDR 16

struct bpf_arena_reader {
	__u32 map_id;
	int map_fd;
	int bulk_fd;
	int scan_fd;
	__u64 user_addr;
	__u64 size;
	void *ctx; /* CTX_HDR + the biggest data */
	size_t ctx_sz;
};

int arena_inspect_load_prog(const char *name, const struct bpf_insn *insns, size_t cnt,
			    __u32 map_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_SLEEPABLE);
	char *log = NULL;
	int fd, err;

	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, name, "GPL", insns, cnt, &opts);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EPERM) {
		pr_warn("arena map %u: loading the program that reads it was refused: %s: "
			"inspecting needs CAP_BPF and CAP_PERFMON (run as root)\n",
			map_id, strerror(-err));
		return err;
	}
	log = calloc(1, 1 << 16);
	if (log) {
		opts.log_buf = log;
		opts.log_size = 1 << 16;
		opts.log_level = 1;
		fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, name, "GPL", insns, cnt, &opts);
		if (fd >= 0) {
			free(log);
			return fd;
		}
		err = -errno;
	}
	pr_warn("arena map %u: the kernel refused program '%s' that reads it: %s\n", map_id, name,
		strerror(-err));
	if (log && *log) {
		char *tail = log + strlen(log);
		int lines = 0;

		/* the verifier's reason is in its last lines */
		while (tail > log && lines < 4)
			if (*--tail == '\n')
				lines++;
		pr_warn("arena map %u: verifier: %s\n", map_id, tail);
	}
	free(log);
	return err;
}

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};

	return i;
}

#define MOV64_REG(d, s) insn(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define CAST_TO_KERN(r) insn(BPF_ALU64 | BPF_MOV | BPF_X, r, r, 1, 1)
#define CAST_TO_USER(r) insn(BPF_ALU64 | BPF_MOV | BPF_X, r, r, 1, 1 << 16)
#define LDX_DW(d, s, o) insn(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o) insn(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)

/* The prologue every reading program starts with: r6 = ctx, the map load. */
static size_t emit_prologue(struct bpf_insn *in, int map_fd)
{
	size_t n = 0;

	in[n++] = MOV64_REG(6, 1);
	in[n++] = insn(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, map_fd);
	in[n++] = insn(0, 0, 0, 0, 0);
	return n;
}

static int load_copy_prog(int map_fd, __u32 map_id, const char *name, int nrec, int rw)
{
	size_t cap = 8 + (size_t)nrec * (3 + 2 * rw), n;
	struct bpf_insn *in = calloc(cap, sizeof(*in));
	int r, w, fd;

	if (!in)
		return -ENOMEM;
	n = emit_prologue(in, map_fd);
	in[n++] = LDX_DW(7, 6, 0);
	in[n++] = LDX_DW(9, 6, 8);
	for (r = 0; r < nrec; r++) {
		in[n++] = MOV64_REG(8, 7);
		in[n++] = CAST_TO_KERN(8);
		for (w = 0; w < rw; w++) {
			in[n++] = LDX_DW(0, 8, w * 8);
			in[n++] = STX_DW(6, 0, CTX_HDR + (r * rw + w) * 8);
		}
		in[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_X, 7, 9, 0, 0);
	}
	in[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	in[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	fd = arena_inspect_load_prog(name, in, n, map_id);
	free(in);
	return fd;
}

int arena_inspect_user_hi32(int map_fd, __u32 *hi)
{
	struct bpf_insn in[16];
	__u64 ctx[2] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));
	LIBBPF_OPTS(bpf_prog_load_opts, load, .prog_flags = BPF_F_SLEEPABLE);
	size_t n;
	int fd, err;

	n = emit_prologue(in, map_fd);
	/* cast_user(1) = upper 32 bits of user_vm_start | 1 */
	in[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 1);
	in[n++] = CAST_TO_KERN(2);
	in[n++] = CAST_TO_USER(2);
	in[n++] = STX_DW(6, 2, 0);
	in[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
	in[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	/* quietly: an arena nobody mapped refuses it, which only means there
	 * is no address to learn
	 */
	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "arena_user_hi", "GPL", in, n, &load);
	if (fd < 0)
		return -errno;
	err = bpf_prog_test_run_opts(fd, &run);
	err = err ? -errno : 0;
	close(fd);
	if (!err)
		*hi = (__u32)(ctx[0] >> 32);
	return err;
}

struct bpf_arena_reader *bpf_arena_reader__new(__u32 map_id,
					       const struct bpf_arena_reader_opts *opts)
{
	LIBBPF_OPTS(bpf_arena_describe_opts, dopts, .no_pins = true);
	struct bpf_arena_reader *r;
	struct bpf_arena_desc *d;
	struct bpf_map_info info;
	__u64 addr;
	int err;

	if (!INSPECT_OPTS_VALID(opts, bpf_arena_reader_opts))
		return arena_err_ptr(-EINVAL);
	addr = INSPECT_OPT(opts, bpf_arena_reader_opts, user_addr, 0);
	r = calloc(1, sizeof(*r));
	if (!r)
		return arena_err_ptr(-ENOMEM);
	r->map_id = map_id;
	r->map_fd = r->bulk_fd = r->scan_fd = -1;
	if (!addr) {
		/* before our own fd exists, so it doesn't count as a holder */
		d = bpf_arena__describe(map_id, &dopts);
		if (!d) {
			err = -errno;
			goto err_out;
		}
		addr = d->user_addr;
		bpf_arena__desc_free(d);
	}
	r->map_fd = arena_inspect_open_arena(map_id, &info);
	if (r->map_fd < 0) {
		err = r->map_fd;
		goto err_out;
	}
	r->size = (__u64)info.max_entries * arena_page_size();
	if (!addr) {
		pr_warn("arena map %u: its user address is unknown (map_extra is 0 and no process "
			"maps it): nothing can be read; if a program mapped it before, give its "
			"address\n",
			map_id);
		err = -ENXIO;
		goto err_out;
	}
	r->user_addr = addr;
	r->bulk_fd = load_copy_prog(r->map_fd, map_id, "arena_read", BULK_NREC, BULK_RW);
	if (r->bulk_fd < 0) {
		err = r->bulk_fd;
		goto err_out;
	}
	r->scan_fd = load_copy_prog(r->map_fd, map_id, "arena_scan", SCAN_NREC, SCAN_RW);
	if (r->scan_fd < 0) {
		err = r->scan_fd;
		goto err_out;
	}
	r->ctx_sz = CTX_HDR + (size_t)BULK_NREC * BULK_RW * 8;
	if (r->ctx_sz < CTX_HDR + (size_t)SCAN_NREC * SCAN_RW * 8)
		r->ctx_sz = CTX_HDR + (size_t)SCAN_NREC * SCAN_RW * 8;
	r->ctx = calloc(1, r->ctx_sz);
	if (!r->ctx) {
		err = -ENOMEM;
		goto err_out;
	}
	return r;
err_out:
	bpf_arena_reader__free(r);
	return arena_err_ptr(err);
}

static int run_copy(struct bpf_arena_reader *r, int prog_fd, __u64 off, __u64 stride,
		    size_t data_sz)
{
	LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = r->ctx, .ctx_size_in = CTX_HDR + data_sz);
	__u64 *hdr = r->ctx;

	hdr[0] = r->user_addr + off;
	hdr[1] = stride;
	if (bpf_prog_test_run_opts(prog_fd, &run)) {
		int err = -errno;

		pr_warn("arena map %u: running the reading program failed: %s\n", r->map_id,
			strerror(-err));
		return err;
	}
	return 0;
}

int bpf_arena_reader__read(struct bpf_arena_reader *r, __u64 off, void *buf, size_t len)
{
	const size_t chunk = (size_t)BULK_NREC * BULK_RW * 8;
	char *out = buf;
	int err;

	if (!r || (!buf && len))
		return arena_err(-EINVAL);
	if (off > r->size || len > r->size - off) {
		pr_warn("arena map %u: [0x%llx, +%zu) is outside the arena's %llu bytes\n",
			r->map_id, (unsigned long long)off, len, (unsigned long long)r->size);
		return arena_err(-ERANGE);
	}
	while (len) {
		size_t n = len < chunk ? len : chunk;

		err = run_copy(r, r->bulk_fd, off, BULK_RW * 8, chunk);
		if (err)
			return arena_err(err);
		memcpy(out, (char *)r->ctx + CTX_HDR, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

int arena_inspect_scan_headers(struct bpf_arena_reader *r, __u32 first, __u32 cnt, __u64 *out)
{
	size_t page = arena_page_size();
	__u32 done = 0;
	int err;

	if ((__u64)first + cnt > r->size / page)
		return -ERANGE;
	while (done < cnt) {
		__u32 n = cnt - done < SCAN_NREC ? cnt - done : SCAN_NREC;

		err = run_copy(r, r->scan_fd, (__u64)(first + done) * page, page,
			       (size_t)SCAN_NREC * SCAN_RW * 8);
		if (err)
			return err;
		memcpy(out + 2 * (size_t)done, (char *)r->ctx + CTX_HDR, (size_t)n * 16);
		done += n;
	}
	return 0;
}

int bpf_arena_reader__scan_pages(struct bpf_arena_reader *r, __u32 first, __u32 cnt, __u8 *out)
{
	__u64 hdr[2 * 256];
	__u32 done = 0, i;
	int err;

	if (!r || !out)
		return arena_err(-EINVAL);
	while (done < cnt) {
		__u32 n = cnt - done < 256 ? cnt - done : 256;

		err = arena_inspect_scan_headers(r, first + done, n, hdr);
		if (err)
			return arena_err(err);
		for (i = 0; i < n; i++)
			out[done + i] = (hdr[2 * i] | hdr[2 * i + 1]) != 0;
		done += n;
	}
	return 0;
}

__u64 bpf_arena_reader__user_addr(const struct bpf_arena_reader *r)
{
	return r ? r->user_addr : 0;
}

__u64 bpf_arena_reader__size(const struct bpf_arena_reader *r)
{
	return r ? r->size : 0;
}

void bpf_arena_reader__free(struct bpf_arena_reader *r)
{
	if (!r)
		return;
	if (r->bulk_fd >= 0)
		close(r->bulk_fd);
	if (r->scan_fd >= 0)
		close(r->scan_fd);
	if (r->map_fd >= 0)
		close(r->map_fd);
	free(r->ctx);
	free(r);
}

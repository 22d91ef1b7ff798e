// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes for BPF arenas: how this works.
 *
 * Arena support reached the kernel in pieces, so "does this kernel have
 * arenas" has many answers. Each probe here asks the kernel the way a user
 * would and checks the effect, never a version number: versions lie on
 * distribution kernels, which backport some pieces and not others.
 *
 * One probe arena of 1 GiB (room for the 512 MiB offset probe) is created and
 * mmapped by user space, which also writes into its first page so that the
 * page exists before any program runs (a BPF store to a page nobody
 * populated is dropped silently). That first page is cut into slots, one per
 * probe, where user space leaves inputs and programs leave results; the
 * kfunc probes each get pages of their own further up. The programs are
 * assembled here instruction by instruction, loaded as sleepable
 * BPF_PROG_TYPE_SYSCALL programs (which BPF_PROG_TEST_RUN runs without a
 * packet or a context; the non-sleepable probe uses a raw tracepoint
 * program) and run once; user space then reads what they wrote through the
 * mapping.
 * Where a flag needs an arena of its own (BPF_F_SEGV_ON_FAULT,
 * BPF_F_NO_USER_CONV) it gets a one-page one.
 *
 * A refusal is reported with the kernel's own words: the errno of the
 * syscall and the verifier's last message. Everything created is closed and
 * unmapped before returning. The answers are cached for the process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2, strchrnul */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "log.h"
#include "probe.h"

/* Absent from Debian 12's <linux/bpf.h> (6.1 uapi). */
#define PROBE_CMD_PROG_STREAM_READ_BY_FD 37
#define PROBE_STREAM_STDERR 2
#define PROBE_ADDR_SPACE_CAST 1 /* insn->off marking addr_space_cast */
#define PROBE_NUMA_NO_NODE (-1)

#ifndef CAP_BPF
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

/* Arena pages are the kernel's pages. */
#define PROBE_PAGE_SZ ((size_t)sysconf(_SC_PAGESIZE))
#define PROBE_ARENA_SZ (1UL << 30)
#define PROBE_ARENA_PAGES ((__u32)(PROBE_ARENA_SZ / PROBE_PAGE_SZ))
#define PROBE_BIG_OFF (1UL << 29) /* the verifier's old limit on direct offsets */
#define PROBE_MAGIC 0x5eed0fa7e0a7ab1eULL

/* Slots of 32 bytes in page 0, one per probe. */
enum probe_slot {
	SLOT_JIT,
	SLOT_CAST,
	SLOT_GLOBALS,
	SLOT_ARG,
	SLOT_ALLOC,
	SLOT_FREE,
	SLOT_RESERVE,
	SLOT_NONSLEEP,
	SLOT_NO_USER_CONV,
	SLOT_ATOMIC, /* one per atomic operation from here on */
};
#define SLOT_SZ 32

/* Pages of the probe arena that only BPF allocates (user space never touches
 * them, or they would exist already).
 */
enum probe_page {
	PAGE_ALLOC = 1,
	PAGE_FREE,
	PAGE_RESERVED,
	PAGE_AFTER_RESERVED,
	PAGE_NONSLEEP,
	PAGE_FAULT, /* never allocated: loading from it is a fault */
};

/* What each capability is, for the table, the messages and the manifest.
 * "patch" is the entry id in kernel-patches/series.tsv.
 */
struct cap_info {
	const char *name;
	const char *what;
	const char *since;
	const char *patch;
};

#if defined(__aarch64__)
#define JIT_SINCE "6.10"
#define JIT_PATCH "arena-jit-arm64-mem32"
#else
#define JIT_SINCE "6.9"
#define JIT_PATCH "arena-jit-x86-mem32"
#endif
/* No x86-64 kernel up to 6.18 JITs fetch-and/or/xor on arena memory
 * (bpf_jit_supports_insn() refuses them).
 */
#define ATOMIC_FETCH_SINCE "none yet"
#define ATOMIC_FETCH_PATCH "arena-atomics-fetch-x86"

static const struct cap_info probe_caps[__BPF_ARENA_CAP_CNT] = {
	[BPF_ARENA_CAP_MAP_TYPE] = { "map_type", "the BPF arena map type (BPF_MAP_TYPE_ARENA)",
				     "6.9", "arena-map" },
	[BPF_ARENA_CAP_KFUNC_ALLOC_PAGES] = { "kfunc_alloc_pages",
					      "the kfunc bpf_arena_alloc_pages", "6.9",
					      "arena-map" },
	[BPF_ARENA_CAP_KFUNC_FREE_PAGES] = { "kfunc_free_pages", "the kfunc bpf_arena_free_pages",
					     "6.9", "arena-map" },
	[BPF_ARENA_CAP_KFUNC_RESERVE_PAGES] = { "kfunc_reserve_pages",
						"the kfunc bpf_arena_reserve_pages", "6.17",
						"arena-reserve-pages" },
	[BPF_ARENA_CAP_ADDR_SPACE_CAST] = { "addr_space_cast",
					    "the addr_space_cast instruction in the verifier",
					    "6.9", "arena-verifier-cast" },
	[BPF_ARENA_CAP_JIT_LOAD_STORE] = { "jit_load_store",
					   "a JIT that runs arena loads and stores", JIT_SINCE,
					   JIT_PATCH },
	[BPF_ARENA_CAP_ATOMIC_ADD] = { "atomic_add", "atomic add on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_FETCH_ADD] = { "atomic_fetch_add", "atomic fetch-add on arena memory",
					     "6.10", "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_XCHG] = { "atomic_xchg", "atomic xchg on arena memory", "6.10",
					"arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_CMPXCHG] = { "atomic_cmpxchg", "atomic cmpxchg on arena memory",
					   "6.10", "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_AND] = { "atomic_and", "atomic and on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_OR] = { "atomic_or", "atomic or on arena memory", "6.10",
				      "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_XOR] = { "atomic_xor", "atomic xor on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ARG_ARENA] = { "arg_arena", "__arg_arena arguments of global functions",
				      "6.9", "arena-arg-tag" },
	[BPF_ARENA_CAP_GLOBALS] = { "globals",
				    "__arena globals (a direct value address into the arena)",
				    "6.9", "arena-verifier-cast" },
	[BPF_ARENA_CAP_BIG_OFFSETS] = { "big_offsets",
					"direct value offsets of 512 MiB and more into an arena",
					"after 6.18", "arena-big-offsets" },
	[BPF_ARENA_CAP_SEGV_ON_FAULT] = { "segv_on_fault", "the arena flag BPF_F_SEGV_ON_FAULT",
					  "6.9", "arena-map" },
	[BPF_ARENA_CAP_NO_USER_CONV] = { "no_user_conv", "the arena flag BPF_F_NO_USER_CONV", "6.9",
					 "arena-map" },
	[BPF_ARENA_CAP_NONSLEEPABLE_ALLOC] = { "nonsleepable_alloc",
					       "arena allocation from non-sleepable programs",
					       "7.0", "arena-nonsleepable-alloc" },
	[BPF_ARENA_CAP_STREAMS] = { "streams", "BPF streams (bpf_stream_vprintk, read by prog fd)",
				    "6.17", "bpf-streams" },
	[BPF_ARENA_CAP_CAP_BPF] = { "cap_bpf", "CAP_BPF (or CAP_SYS_ADMIN) in this process", "5.8",
				    "cap-bpf" },
	[BPF_ARENA_CAP_CAP_PERFMON] = { "cap_perfmon",
					"CAP_PERFMON (or CAP_SYS_ADMIN) in this process", "5.8",
					"cap-perfmon" },
	[BPF_ARENA_CAP_FAULT_REPORT] = { "fault_report",
					 "arena faults reported on the program's BPF stderr stream",
					 "6.18", "arena-fault-stream" },
	[BPF_ARENA_CAP_ATOMIC_FETCH_AND] = { "atomic_fetch_and", "atomic fetch-and on arena memory",
					     ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
	[BPF_ARENA_CAP_ATOMIC_FETCH_OR] = { "atomic_fetch_or", "atomic fetch-or on arena memory",
					    ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
	[BPF_ARENA_CAP_ATOMIC_FETCH_XOR] = { "atomic_fetch_xor", "atomic fetch-xor on arena memory",
					     ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
};

/* The atomics, each probed on its own: operation, operand, the memory's
 * value before, and what memory (and, for the fetching ones, the fetched
 * register) must hold after.
 */
static const struct atomic_probe {
	enum bpf_arena_probe_cap cap;
	__s32 op;
	__s32 operand;
	__u64 before;
	__u64 after;
	bool fetches;
} probe_atomics[] = {
	{ BPF_ARENA_CAP_ATOMIC_ADD, BPF_ADD, 5, 10, 15, false },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_ADD, BPF_ADD | BPF_FETCH, 5, 10, 15, true },
	{ BPF_ARENA_CAP_ATOMIC_XCHG, BPF_XCHG, 7, 10, 7, true },
	{ BPF_ARENA_CAP_ATOMIC_CMPXCHG, BPF_CMPXCHG, 42, 10, 42, true },
	{ BPF_ARENA_CAP_ATOMIC_AND, BPF_AND, 0xff00, 0xf0f0, 0xf000, false },
	{ BPF_ARENA_CAP_ATOMIC_OR, BPF_OR, 0x0f, 0xf0, 0xff, false },
	{ BPF_ARENA_CAP_ATOMIC_XOR, BPF_XOR, 0x0f, 0xff, 0xf0, false },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_AND, BPF_AND | BPF_FETCH, 0xff00, 0xf0f0, 0xf000, true },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_OR, BPF_OR | BPF_FETCH, 0x0f, 0xf0, 0xff, true },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_XOR, BPF_XOR | BPF_FETCH, 0x0f, 0xff, 0xf0, true },
};

/* bpf_stream_vprintk() was renamed bpf_stream_vprintk_impl() (same
 * arguments) when the verifier learnt to pass implicit arguments itself.
 */
enum probe_kfunc { KF_ALLOC, KF_FREE, KF_RESERVE, KF_STREAM_PRINTK, KF_STREAM_PRINTK_OLD, KF_CNT };
static const char *const probe_kfunc_names[KF_CNT] = {
	"bpf_arena_alloc_pages",   "bpf_arena_free_pages", "bpf_arena_reserve_pages",
	"bpf_stream_vprintk_impl", "bpf_stream_vprintk",
};

struct probe_ctx {
	struct bpf_arena_probe_result *res;
	__s32 kfunc_id[KF_CNT]; /* BTF id in vmlinux, 0 when absent */
	int btf_err; /* reading the kernel's BTF failed */
	int arena_fd;
	char *base; /* user address of the probe arena */
	char log[16384];
};

/* ---- instructions ---------------------------------------------------- */

#define INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){            \
		.code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
#define MOV64_IMM(D, IMM) INSN(BPF_ALU64 | BPF_MOV | BPF_K, D, 0, 0, IMM)
#define MOV64_REG(D, S) INSN(BPF_ALU64 | BPF_MOV | BPF_X, D, S, 0, 0)
#define XOR64_IMM(D, IMM) INSN(BPF_ALU64 | BPF_XOR | BPF_K, D, 0, 0, IMM)
#define LD_IMM64_RAW(D, SRC, LO, HI) \
	INSN(BPF_LD | BPF_DW | BPF_IMM, D, SRC, 0, (__s32)(LO)), INSN(0, 0, 0, 0, (__s32)(HI))
#define LD_IMM64(D, V) LD_IMM64_RAW(D, 0, (__u64)(V), (__u64)(V) >> 32)
#define LD_MAP_FD(D, FD) LD_IMM64_RAW(D, BPF_PSEUDO_MAP_FD, FD, 0)
#define LD_MAP_VALUE(D, FD, OFF) LD_IMM64_RAW(D, BPF_PSEUDO_MAP_VALUE, FD, OFF)
/* addr_space_cast: to kernel form (as 1 -> as 0) and to user form (0 -> 1) */
#define CAST_TO_KERN(D, S) INSN(BPF_ALU64 | BPF_MOV | BPF_X, D, S, PROBE_ADDR_SPACE_CAST, 1)
#define CAST_TO_USER(D, S) INSN(BPF_ALU64 | BPF_MOV | BPF_X, D, S, PROBE_ADDR_SPACE_CAST, 1 << 16)
#define LDX_DW(D, S, OFF) INSN(BPF_LDX | BPF_MEM | BPF_DW, D, S, OFF, 0)
#define STX_DW(D, S, OFF) INSN(BPF_STX | BPF_MEM | BPF_DW, D, S, OFF, 0)
#define ATOMIC_DW(OP, D, S, OFF) INSN(BPF_STX | BPF_ATOMIC | BPF_DW, D, S, OFF, OP)
#define KFUNC_CALL(ID) INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, ID)
#define SUBPROG_CALL(REL) INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, REL)
#define JEQ_IMM(D, IMM, OFF) INSN(BPF_JMP | BPF_JEQ | BPF_K, D, 0, OFF, IMM)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- results ---------------------------------------------------------- */

__attribute__((format(printf, 5, 6))) static void probe_set_res(struct probe_ctx *c,
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
static const char *probe_verifier_words(const char *log, char *out, size_t len)
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
static int probe_load_prog(struct probe_ctx *c, const struct bpf_insn *insns, size_t cnt,
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
static int probe_load_and_run(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			      const struct bpf_insn *insns, size_t cnt, bool sleepable,
			      struct bpf_prog_load_opts *opts, __u32 *retval, int *keep_fd)
{
	char words[200];
	int fd, err;

	fd = probe_load_prog(c, insns, cnt, sleepable, opts);
	if (fd < 0) {
		pr_debug("probe %s: the kernel refused its program: %s\n%s", probe_caps[cap].name,
			 strerror(-fd), c->log);
		if (fd == -EPERM)
			probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd,
				      "prog_load: %s (needs CAP_BPF and CAP_PERFMON)",
				      strerror(-fd));
		else
			probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, fd, "verifier: %s (%s)",
				      probe_verifier_words(c->log, words, sizeof(words)),
				      strerror(-fd));
		return fd;
	}
	err = run_prog(fd, retval);
	if (err)
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, err, "prog_test_run: %s",
			      strerror(-err));
	if (keep_fd && !err)
		*keep_fd = fd;
	else
		close(fd);
	return err;
}

static __u64 *slot(struct probe_ctx *c, int s)
{
	return (__u64 *)(c->base + s * SLOT_SZ);
}

static __u64 uaddr(struct probe_ctx *c, size_t off)
{
	return (__u64)(uintptr_t)(c->base + off);
}

/* ---- the probes -------------------------------------------------------- */

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

static void probe_privileges(struct probe_ctx *c)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	static const int wanted[] = { CAP_BPF, CAP_PERFMON };
	static const enum bpf_arena_probe_cap which[] = { BPF_ARENA_CAP_CAP_BPF,
							  BPF_ARENA_CAP_CAP_PERFMON };
	bool admin;
	size_t i;

	if (syscall(SYS_capget, &hdr, data)) {
		for (i = 0; i < ARRAY_SIZE(wanted); i++)
			probe_set_res(c, which[i], BPF_ARENA_PROBE_UNKNOWN, errno, "capget: %s",
				      strerror(errno));
		return;
	}
	admin = has_cap(data, CAP_SYS_ADMIN);
	for (i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (has_cap(data, wanted[i]))
			probe_set_res(c, which[i], BPF_ARENA_PROBE_SUPPORTED, 0,
				      "effective capability");
		else if (admin)
			probe_set_res(c, which[i], BPF_ARENA_PROBE_SUPPORTED, 0,
				      "implied by CAP_SYS_ADMIN");
		else
			probe_set_res(c, which[i], BPF_ARENA_PROBE_MISSING, EPERM,
				      "not in the effective set: run as root or grant it");
	}
}

static void probe_kernel_btf(struct probe_ctx *c)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int i, id;

	if (!btf) {
		c->btf_err = errno ? errno : ENOENT;
		return;
	}
	for (i = 0; i < KF_CNT; i++) {
		id = btf__find_by_name_kind(btf, probe_kfunc_names[i], BTF_KIND_FUNC);
		c->kfunc_id[i] = id > 0 ? id : 0;
	}
	btf__free(btf);
}

static int create_arena(__u32 pages, __u32 extra_flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_ARENA_F_MMAPABLE | extra_flags);
	int fd = bpf_map_create(BPF_ARENA_MAP_TYPE, NULL, 0, 0, pages, &opts);

	return fd < 0 ? -errno : fd;
}

static void *map_arena(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int probe_map_type(struct probe_ctx *c)
{
	int fd = create_arena(PROBE_ARENA_PAGES, 0);
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_MAP_TYPE;

	if (fd < 0) {
		switch (fd) {
		case -EINVAL:
			probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, fd,
				      "map_create(type 33): %s: the kernel doesn't know the type",
				      strerror(-fd));
			break;
		case -EOPNOTSUPP:
			probe_set_res(
				c, cap, BPF_ARENA_PROBE_MISSING, fd,
				"map_create(type 33): %s: this architecture's JIT has no arena "
				"support, or the JIT is off",
				strerror(-fd));
			break;
		case -EPERM:
			probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd,
				      "map_create: %s (needs CAP_BPF)", strerror(-fd));
			break;
		default:
			probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd, "map_create: %s",
				      strerror(-fd));
		}
		return fd;
	}
	c->base = map_arena(fd, PROBE_ARENA_SZ);
	if (!c->base) {
		int err = -errno;

		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, err, "created, but mmap failed: %s",
			      strerror(-err));
		close(fd);
		return err;
	}
	c->arena_fd = fd;
	/* Make page 0 exist, and the page the offset probe writes to. */
	memset(c->base, 0, PROBE_PAGE_SZ);
	memset(c->base + PROBE_BIG_OFF, 0, sizeof(__u64));
	probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
		      "created and mmapped a 1 GiB arena at %p", (void *)c->base);
	return 0;
}

/* The verifier knows addr_space_cast if it refuses it only for lack of an
 * arena; used when no arena could be created.
 */
static void probe_cast_without_arena(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_ADDR_SPACE_CAST;
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_1, 0),
		CAST_TO_KERN(BPF_REG_0, BPF_REG_1),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	char words[200];
	int fd = probe_load_prog(c, insns, ARRAY_SIZE(insns), true, NULL);

	if (fd >= 0) {
		close(fd);
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0, "loaded without an arena");
	} else if (fd == -EPERM) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd, "prog_load: %s (needs CAP_BPF)",
			      strerror(-fd));
	} else if (strstr(c->log, "associated arena")) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "known to the verifier (refused only for want of an arena)");
	} else {
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, fd, "verifier: %s (%s)",
			      probe_verifier_words(c->log, words, sizeof(words)), strerror(-fd));
	}
}

/* Cast a kernel pointer back to user form: must give the user address. */
static void probe_cast(struct probe_ctx *c)
{
	__u64 want = uaddr(c, SLOT_CAST * SLOT_SZ);
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		LD_IMM64(BPF_REG_2, want),
		CAST_TO_KERN(BPF_REG_2, BPF_REG_2),
		CAST_TO_USER(BPF_REG_3, BPF_REG_2),
		STX_DW(BPF_REG_2, BPF_REG_3, 0),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_ADDR_SPACE_CAST;
	__u32 ret;

	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (*slot(c, SLOT_CAST) == want)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "cast to kernel and back gave the user address 0x%llx", want);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "cast to kernel and back gave 0x%llx, not 0x%llx",
			      (unsigned long long)*slot(c, SLOT_CAST), want);
}

/* A load and a store through an arena pointer, seen from user space. */
static void probe_jit(struct probe_ctx *c)
{
	const __u64 seed = 0x1122334455667788ULL;
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		LD_IMM64(BPF_REG_6, uaddr(c, SLOT_JIT * SLOT_SZ)),
		CAST_TO_KERN(BPF_REG_6, BPF_REG_6),
		LDX_DW(BPF_REG_2, BPF_REG_6, 0),
		XOR64_IMM(BPF_REG_2, -1),
		STX_DW(BPF_REG_6, BPF_REG_2, 8),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_JIT_LOAD_STORE;
	__u64 *s = slot(c, SLOT_JIT);
	__u32 ret;

	s[0] = seed;
	s[1] = 0;
	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[1] == ~seed)
		probe_set_res(
			c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			"BPF read 0x%llx and wrote its complement, read back through the mapping",
			(unsigned long long)seed);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "BPF should have written 0x%llx, user space reads 0x%llx",
			      (unsigned long long)~seed, (unsigned long long)s[1]);
}

static void probe_atomic(struct probe_ctx *c, const struct atomic_probe *a, int idx)
{
	int s_idx = SLOT_ATOMIC + idx;
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		LD_IMM64(BPF_REG_6, uaddr(c, s_idx * SLOT_SZ)),
		CAST_TO_KERN(BPF_REG_6, BPF_REG_6),
		MOV64_IMM(BPF_REG_0, (__s32)a->before), /* cmpxchg's expected value */
		MOV64_IMM(BPF_REG_2, a->operand),
		ATOMIC_DW(a->op, BPF_REG_6, BPF_REG_2, 0),
		/* cmpxchg leaves the old value in r0, the others in the source */
		a->op == BPF_CMPXCHG ? STX_DW(BPF_REG_6, BPF_REG_0, 8)
				     : STX_DW(BPF_REG_6, BPF_REG_2, 8),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	__u64 *s = slot(c, s_idx);
	__u32 ret;

	s[0] = a->before;
	s[1] = 0;
	if (probe_load_and_run(c, a->cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[0] == a->after && (!a->fetches || s[1] == a->before))
		probe_set_res(c, a->cap, BPF_ARENA_PROBE_SUPPORTED, 0, "0x%llx became 0x%llx%s",
			      (unsigned long long)a->before, (unsigned long long)a->after,
			      a->fetches ? ", old value fetched" : "");
	else
		probe_set_res(c, a->cap, BPF_ARENA_PROBE_MISSING, 0,
			      "0x%llx became 0x%llx (fetched 0x%llx), expected 0x%llx",
			      (unsigned long long)a->before, (unsigned long long)s[0],
			      (unsigned long long)s[1], (unsigned long long)a->after);
}

/* An __arena global's address is an ld_imm64 of the arena's value at an
 * offset (BPF_PSEUDO_MAP_VALUE), a scalar the program casts.
 */
static void probe_direct_value(struct probe_ctx *c, enum bpf_arena_probe_cap cap, size_t off)
{
	const struct bpf_insn insns[] = {
		LD_MAP_VALUE(BPF_REG_1, c->arena_fd, off),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		LD_IMM64(BPF_REG_2, PROBE_MAGIC),
		STX_DW(BPF_REG_1, BPF_REG_2, 0),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	__u64 *p = (__u64 *)(c->base + off);
	__u32 ret;

	*p = 0;
	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (*p == PROBE_MAGIC)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "BPF stored through the address of offset %zu, user space read it",
			      off);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "store through the address of offset %zu not seen (0x%llx)", off,
			      (unsigned long long)*p);
}

/* A global function whose argument is tagged "arg:arena" takes an arena
 * pointer; without the tag the verifier wants a pointer to memory it knows.
 * The tag lives in BTF, so the program comes with a BTF of its own.
 */
static int arg_arena_btf(struct probe_ctx *c, __u32 *main_id, __u32 *sub_id)
{
	LIBBPF_OPTS(bpf_btf_load_opts, opts, .log_buf = c->log, .log_size = sizeof(c->log));
	struct btf *btf = btf__new_empty();
	int int_id, u64_id, ptr_id, vptr_id, proto, fd = -ENOMEM;
	const void *raw;
	__u32 raw_sz;

	if (!btf)
		return -ENOMEM;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u64_id = btf__add_int(btf, "unsigned long long", 8, 0);
	ptr_id = btf__add_ptr(btf, u64_id);
	vptr_id = btf__add_ptr(btf, 0);
	proto = btf__add_func_proto(btf, int_id);
	if (int_id < 0 || u64_id < 0 || ptr_id < 0 || vptr_id < 0 || proto < 0 ||
	    btf__add_func_param(btf, "ctx", vptr_id))
		goto out;
	*main_id = btf__add_func(btf, "arena_probe_main", BTF_FUNC_GLOBAL, proto);
	proto = btf__add_func_proto(btf, int_id);
	if (proto < 0 || btf__add_func_param(btf, "p", ptr_id))
		goto out;
	*sub_id = btf__add_func(btf, "arena_probe_sub", BTF_FUNC_GLOBAL, proto);
	if ((int)*main_id < 0 || (int)*sub_id < 0 ||
	    btf__add_decl_tag(btf, "arg:arena", *sub_id, 0) < 0)
		goto out;
	raw = btf__raw_data(btf, &raw_sz);
	if (!raw)
		goto out;
	fd = bpf_btf_load(raw, raw_sz, &opts);
	if (fd < 0)
		fd = -errno;
out:
	btf__free(btf);
	return fd;
}

static void probe_arg_arena(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_ARG_ARENA;
	const struct bpf_insn insns[] = {
		/* 0 */ LD_MAP_FD(BPF_REG_1, c->arena_fd),
		/* 2 */ LD_IMM64(BPF_REG_1, uaddr(c, SLOT_ARG * SLOT_SZ)),
		/* 4 */ CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		/* 5 */ SUBPROG_CALL(1),
		/* 6 */ EXIT_INSN(),
		/* 7: int arena_probe_sub(u64 __arg_arena *p) { *p = MAGIC; return 0; }
		 * The callee sees a scalar and casts it, as clang emits it.
		 */
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		/* 8 */ LD_IMM64(BPF_REG_2, PROBE_MAGIC),
		/* 10 */ STX_DW(BPF_REG_1, BPF_REG_2, 0),
		/* 11 */ MOV64_IMM(BPF_REG_0, 0),
		/* 12 */ EXIT_INSN(),
	};
	struct bpf_func_info finfo[2] = { { .insn_off = 0 }, { .insn_off = 7 } };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .func_info = finfo, .func_info_cnt = 2,
		    .func_info_rec_size = sizeof(finfo[0]));
	__u64 *s = slot(c, SLOT_ARG);
	int btf_fd;
	__u32 ret;

	btf_fd = arg_arena_btf(c, &finfo[0].type_id, &finfo[1].type_id);
	if (btf_fd < 0) {
		char words[200];

		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, btf_fd, "btf_load: %s (%s)",
			      strerror(-btf_fd),
			      probe_verifier_words(c->log, words, sizeof(words)));
		return;
	}
	opts.prog_btf_fd = btf_fd;
	*s = 0;
	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, &opts, &ret, NULL))
		goto out;
	if (*s == PROBE_MAGIC)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "a global function stored through its arena argument");
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "the global function's store is not seen (0x%llx)",
			      (unsigned long long)*s);
out:
	close(btf_fd);
}

static bool probe_kfunc_in_btf(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			       enum probe_kfunc kf)
{
	if (c->btf_err) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, c->btf_err,
			      "kernel BTF unreadable (%s): CONFIG_DEBUG_INFO_BTF?",
			      strerror(c->btf_err));
		return false;
	}
	if (!c->kfunc_id[kf]) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, ENOENT,
			      "%s is not in the kernel's BTF", probe_kfunc_names[kf]);
		return false;
	}
	return true;
}

/* r0 = bpf_arena_alloc_pages(&arena, (void *)ADDR, 1, NUMA_NO_NODE, 0) */
#define CALL_ALLOC(c, addr)                                                                      \
	LD_MAP_FD(BPF_REG_1, (c)->arena_fd), LD_IMM64(BPF_REG_2, addr), MOV64_IMM(BPF_REG_3, 1), \
		MOV64_IMM(BPF_REG_4, PROBE_NUMA_NO_NODE), MOV64_IMM(BPF_REG_5, 0),               \
		KFUNC_CALL((c)->kfunc_id[KF_ALLOC])

/* Allocate a page at a given address, store into it, tell user space the
 * address: user space then reads the value in a page it never touched.
 */
static void probe_alloc(struct probe_ctx *c, enum bpf_arena_probe_cap cap, int page, int s_idx,
			bool sleepable)
{
	__u64 want = uaddr(c, page * PROBE_PAGE_SZ);
	const struct bpf_insn insns[] = {
		CALL_ALLOC(c, want),
		JEQ_IMM(BPF_REG_0, 0, 11),
		MOV64_REG(BPF_REG_6, BPF_REG_0),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_0),
		LD_IMM64(BPF_REG_2, PROBE_MAGIC),
		STX_DW(BPF_REG_1, BPF_REG_2, 0),
		LD_IMM64(BPF_REG_3, uaddr(c, s_idx * SLOT_SZ)),
		CAST_TO_KERN(BPF_REG_3, BPF_REG_3),
		STX_DW(BPF_REG_3, BPF_REG_6, 0),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
		/* allocation failed */
		MOV64_IMM(BPF_REG_0, 1),
		EXIT_INSN(),
	};
	__u64 *s = slot(c, s_idx);
	__u32 ret = 0;
	int err;

	*s = 0;
	err = probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), sleepable, NULL, &ret, NULL);
	if (err) {
		/* The verifier's refusal of a sleepable kfunc is the answer; any
		 * other refusal says nothing about sleepability.
		 */
		if (!sleepable && c->res[cap].status == BPF_ARENA_PROBE_MISSING &&
		    !strstr(c->log, "sleepable"))
			c->res[cap].status = BPF_ARENA_PROBE_UNKNOWN;
		return;
	}
	if (ret != 0)
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, ENOMEM,
			      "bpf_arena_alloc_pages returned NULL");
	else if (*s != want || *(__u64 *)(c->base + page * PROBE_PAGE_SZ) != PROBE_MAGIC)
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "allocated 0x%llx (asked 0x%llx) but its content is not seen",
			      (unsigned long long)*s, want);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "allocated a page at 0x%llx%s, user space read what BPF stored there",
			      want, sleepable ? "" : " in a non-sleepable program");
}

/* Allocate, store, free, load again: a freed page reads as zero. */
static void probe_free(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_KFUNC_FREE_PAGES;
	__u64 page = uaddr(c, PAGE_FREE * PROBE_PAGE_SZ);
	const struct bpf_insn insns[] = {
		CALL_ALLOC(c, page),
		JEQ_IMM(BPF_REG_0, 0, 22),
		MOV64_REG(BPF_REG_6, BPF_REG_0),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_0),
		LD_IMM64(BPF_REG_2, PROBE_MAGIC),
		STX_DW(BPF_REG_1, BPF_REG_2, 0),
		LDX_DW(BPF_REG_8, BPF_REG_1, 0),
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		MOV64_REG(BPF_REG_2, BPF_REG_6),
		MOV64_IMM(BPF_REG_3, 1),
		KFUNC_CALL(c->kfunc_id[KF_FREE]),
		LD_IMM64(BPF_REG_1, page),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		LDX_DW(BPF_REG_7, BPF_REG_1, 0),
		LD_IMM64(BPF_REG_1, uaddr(c, SLOT_FREE * SLOT_SZ)),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		STX_DW(BPF_REG_1, BPF_REG_8, 0),
		STX_DW(BPF_REG_1, BPF_REG_7, 8),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
		MOV64_IMM(BPF_REG_0, 1),
		EXIT_INSN(),
	};
	__u64 *s = slot(c, SLOT_FREE);
	__u32 ret = 0;

	s[0] = 0;
	s[1] = ~0ULL;
	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (ret != 0)
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, ENOMEM,
			      "bpf_arena_alloc_pages returned NULL, nothing to free");
	else if (s[0] == PROBE_MAGIC && s[1] == 0)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "a page holding 0x%llx read as 0 once freed", PROBE_MAGIC);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "before free 0x%llx, after free 0x%llx (expected 0x%llx, 0)",
			      (unsigned long long)s[0], (unsigned long long)s[1], PROBE_MAGIC);
}

/* Reserve a page, then allocate it (must fail) and its neighbour (must not). */
static void probe_reserve(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_KFUNC_RESERVE_PAGES;
	__u64 page = uaddr(c, PAGE_RESERVED * PROBE_PAGE_SZ);
	__u64 next = uaddr(c, PAGE_AFTER_RESERVED * PROBE_PAGE_SZ);
	const struct bpf_insn insns[] = {
		LD_MAP_FD(BPF_REG_1, c->arena_fd),
		LD_IMM64(BPF_REG_2, page),
		MOV64_IMM(BPF_REG_3, 1),
		KFUNC_CALL(c->kfunc_id[KF_RESERVE]),
		MOV64_REG(BPF_REG_6, BPF_REG_0),
		CALL_ALLOC(c, page),
		MOV64_REG(BPF_REG_7, BPF_REG_0),
		CALL_ALLOC(c, next),
		MOV64_REG(BPF_REG_8, BPF_REG_0),
		LD_IMM64(BPF_REG_1, uaddr(c, SLOT_RESERVE * SLOT_SZ)),
		CAST_TO_KERN(BPF_REG_1, BPF_REG_1),
		STX_DW(BPF_REG_1, BPF_REG_6, 0),
		STX_DW(BPF_REG_1, BPF_REG_7, 8),
		STX_DW(BPF_REG_1, BPF_REG_8, 16),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	__u64 *s = slot(c, SLOT_RESERVE);
	__u32 ret;

	s[0] = s[1] = s[2] = ~0ULL;
	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[0] == 0 && s[1] == 0 && s[2] == next)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "a reserved page could not be allocated, its neighbour could");
	else
		probe_set_res(
			c, cap, BPF_ARENA_PROBE_MISSING, 0,
			"reserve returned %lld, allocating the reserved page gave 0x%llx, its "
			"neighbour 0x%llx",
			(long long)s[0], (unsigned long long)s[1], (unsigned long long)s[2]);
}

/* A user-space touch of an unallocated page must fault instead of
 * allocating. The touch is made by the kernel (write() from the page) so
 * that a fault is an EFAULT, not a SIGSEGV in the caller's process.
 */
static void probe_segv_on_fault(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_SEGV_ON_FAULT;
	int fd = create_arena(1, BPF_ARENA_F_SEGV_ON_FAULT), p[2] = { -1, -1 };
	void *base;
	ssize_t n;

	if (fd < 0) {
		probe_set_res(c, cap,
			      fd == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, fd,
			      "map_create(BPF_F_SEGV_ON_FAULT): %s", strerror(-fd));
		return;
	}
	base = map_arena(fd, PROBE_PAGE_SZ);
	if (!base) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "mmap: %s", strerror(errno));
		goto out;
	}
	if (pipe2(p, O_CLOEXEC)) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "pipe: %s", strerror(errno));
		goto out_unmap;
	}
	n = write(p[1], base, 1);
	if (n < 0 && errno == EFAULT)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "reading an unallocated page from user space faulted (EFAULT)");
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "flag accepted, but reading an unallocated page %s",
			      n < 0 ? strerror(errno) : "allocated it");
	close(p[0]);
	close(p[1]);
out_unmap:
	munmap(base, PROBE_PAGE_SZ);
out:
	close(fd);
}

/* With BPF_F_NO_USER_CONV a cast to user form keeps the 32-bit offset
 * instead of making the user address.
 */
static void probe_no_user_conv(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_NO_USER_CONV;
	int fd = create_arena(1, BPF_ARENA_F_NO_USER_CONV);
	__u64 *p, user, got;
	char *base;
	__u32 ret;

	if (fd < 0) {
		probe_set_res(c, cap,
			      fd == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, fd,
			      "map_create(BPF_F_NO_USER_CONV): %s", strerror(-fd));
		return;
	}
	base = map_arena(fd, PROBE_PAGE_SZ);
	if (!base) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	p = (__u64 *)(base + SLOT_NO_USER_CONV * SLOT_SZ);
	*p = ~0ULL;
	user = (__u64)(uintptr_t)p;
	{
		const struct bpf_insn insns[] = {
			LD_MAP_FD(BPF_REG_1, fd),
			LD_IMM64(BPF_REG_2, user),
			CAST_TO_KERN(BPF_REG_2, BPF_REG_2),
			CAST_TO_USER(BPF_REG_3, BPF_REG_2),
			STX_DW(BPF_REG_2, BPF_REG_3, 0),
			MOV64_IMM(BPF_REG_0, 0),
			EXIT_INSN(),
		};

		if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
			goto out;
	}
	got = *p;
	if (got == (__u32)user)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			      "cast to user form kept the offset 0x%llx, not the address 0x%llx",
			      (unsigned long long)got, (unsigned long long)user);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "flag accepted, but the cast to user form gave 0x%llx",
			      (unsigned long long)got);
out:
	munmap(base, PROBE_PAGE_SZ);
	close(fd);
}

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
static void probe_streams(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_STREAMS;
	__s32 id = c->kfunc_id[KF_STREAM_PRINTK] ?: c->kfunc_id[KF_STREAM_PRINTK_OLD];
	char text[256];
	int map_fd, fd = -1;
	__u32 ret;
	long n;

	if (c->btf_err) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, c->btf_err,
			      "kernel BTF unreadable: %s", strerror(c->btf_err));
		return;
	}
	if (!id) {
		probe_set_res(
			c, cap, BPF_ARENA_PROBE_MISSING, ENOENT,
			"neither bpf_stream_vprintk_impl nor bpf_stream_vprintk is in the kernel's "
			"BTF");
		return;
	}
	map_fd = stream_fmt_map("arena probe %d\n");
	if (map_fd < 0) {
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, map_fd, "format map: %s",
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

		if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, &fd))
			goto out;
	}
	n = read_stderr_stream(fd, text, sizeof(text));
	if (n < 0)
		probe_set_res(c, cap,
			      n == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, n,
			      "BPF_PROG_STREAM_READ_BY_FD: %s", strerror(-n));
	else if ((int)ret < 0)
		probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, -(int)ret,
			      "the kernel has BPF streams (the kfunc loads, the stream reads) but "
			      "bpf_stream_vprintk failed here: %s",
			      strerror(-(int)ret));
	else if (strcmp(text, "arena probe 1234") == 0)
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0, "read back \"%s\" from stderr",
			      text);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "bpf_stream_vprintk returned %d, the stream read \"%.100s\"",
			      (int)ret, text);
	close(fd);
out:
	close(map_fd);
}

/* Load from a page nobody allocated, then read the program's stderr
 * stream: kernels that report arena faults say so there.
 */
static void probe_fault_report(struct probe_ctx *c)
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

	if (probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, &fd))
		return;
	n = read_stderr_stream(fd, text, sizeof(text));
	if (n < 0)
		probe_set_res(c, cap,
			      n == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN, n,
			      "BPF_PROG_STREAM_READ_BY_FD: %s%s", strerror(-n),
			      n == -EINVAL ? " (no BPF streams)" : "");
	else if (n > 0 && strstr(text, "rena"))
		probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0, "stderr stream: \"%.200s\"",
			      text);
	else if (c->res[BPF_ARENA_CAP_STREAMS].status != BPF_ARENA_PROBE_SUPPORTED)
		probe_set_res(
			c, cap, BPF_ARENA_PROBE_UNKNOWN, c->res[BPF_ARENA_CAP_STREAMS].err,
			"the stderr stream stayed empty, but streams don't work here either (%s)",
			c->res[BPF_ARENA_CAP_STREAMS].reason);
	else
		probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
			      "the stderr stream %s after a load from an unallocated page",
			      n ? "had no arena report" : "stayed empty");
	close(fd);
}

/* Everything that needs the probe arena gets this answer when there is none. */
static void inherit_map_answer(struct probe_ctx *c, enum bpf_arena_probe_cap cap)
{
	const struct bpf_arena_probe_result *m = &c->res[BPF_ARENA_CAP_MAP_TYPE];

	probe_set_res(c, cap,
		      m->status == BPF_ARENA_PROBE_MISSING ? BPF_ARENA_PROBE_MISSING
							   : BPF_ARENA_PROBE_UNKNOWN,
		      m->err, "needs an arena: %s", m->reason);
}

static void run_probes(struct probe_ctx *c)
{
	bool have_arena;
	size_t i;

	probe_privileges(c);
	probe_kernel_btf(c);
	probe_streams(c);
	have_arena = probe_map_type(c) == 0;

	if (have_arena) {
		probe_cast(c);
		probe_jit(c);
		for (i = 0; i < ARRAY_SIZE(probe_atomics); i++)
			probe_atomic(c, &probe_atomics[i], i);
		probe_arg_arena(c);
		probe_direct_value(c, BPF_ARENA_CAP_GLOBALS, SLOT_GLOBALS * SLOT_SZ);
		probe_direct_value(c, BPF_ARENA_CAP_BIG_OFFSETS, PROBE_BIG_OFF);
		probe_fault_report(c);
	} else {
		probe_cast_without_arena(c);
		for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
			switch (i) {
			case BPF_ARENA_CAP_MAP_TYPE:
			case BPF_ARENA_CAP_ADDR_SPACE_CAST:
			case BPF_ARENA_CAP_CAP_BPF:
			case BPF_ARENA_CAP_CAP_PERFMON:
			case BPF_ARENA_CAP_STREAMS:
				break;
			default:
				inherit_map_answer(c, i);
			}
		}
	}
	/* The kfuncs are missing when BTF lacks them, whatever else. */
	if (probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, KF_ALLOC) && have_arena)
		probe_alloc(c, BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, PAGE_ALLOC, SLOT_ALLOC, true);
	if (probe_kfunc_in_btf(c, BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, KF_ALLOC) && have_arena)
		probe_alloc(c, BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, PAGE_NONSLEEP, SLOT_NONSLEEP,
			    false);
	if (probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_FREE_PAGES, KF_FREE) && have_arena &&
	    c->kfunc_id[KF_ALLOC])
		probe_free(c);
	if (probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_RESERVE_PAGES, KF_RESERVE) && have_arena &&
	    c->kfunc_id[KF_ALLOC])
		probe_reserve(c);
	if (have_arena) {
		probe_segv_on_fault(c);
		probe_no_user_conv(c);
	}

	if (c->base)
		munmap(c->base, PROBE_ARENA_SZ);
	if (c->arena_fd >= 0)
		close(c->arena_fd);
}

/* ---- the cache and the API ------------------------------------------- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bpf_arena_probe_result cache[__BPF_ARENA_CAP_CNT];
static bool cache_valid;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Fill the cache if needed; called with cache_lock held. */
static int ensure_probed(bool fresh)
{
	struct probe_ctx *c;
	double t0;
	size_t i;

	if (cache_valid && !fresh)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->res = calloc(__BPF_ARENA_CAP_CNT, sizeof(*c->res));
	if (!c->res) {
		free(c);
		return -ENOMEM;
	}
	c->arena_fd = -1;
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
		c->res[i].cap = i;
		c->res[i].name = probe_caps[i].name;
		c->res[i].desc = probe_caps[i].what;
		c->res[i].since = probe_caps[i].since;
		c->res[i].patch = probe_caps[i].patch;
		snprintf(c->res[i].reason, sizeof(c->res[i].reason), "not probed");
	}
	t0 = now_ms();
	run_probes(c);
	pr_debug("kernel feature probes took %.1f ms\n", now_ms() - t0);
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++)
		pr_debug("probe %s: %s: %s\n", c->res[i].name,
			 bpf_arena__probe_status_str(c->res[i].status), c->res[i].reason);
	memcpy(cache, c->res, sizeof(cache));
	cache_valid = true;
	free(c->res);
	free(c);
	return 0;
}

/* libbpf's OPTS_VALID: a caller's struct may be larger than ours only if
 * the bytes we don't know are zero.
 */
static bool probe_opts_valid(const struct bpf_arena_probe_opts *opts)
{
	size_t known = offsetof(struct bpf_arena_probe_opts, no_cache) + sizeof(opts->no_cache);
	const char *p = (const char *)opts;
	size_t i;

	if (!opts)
		return true;
	if (opts->sz < sizeof(size_t))
		return false;
	for (i = known; i < opts->sz; i++)
		if (p[i])
			return false;
	return true;
}

static bool probe_opts_fresh(const struct bpf_arena_probe_opts *opts)
{
	size_t end = offsetof(struct bpf_arena_probe_opts, no_cache) + sizeof(opts->no_cache);

	return opts && opts->sz >= end && opts->no_cache;
}

BPF_ARENA_API int bpf_arena__probe(struct bpf_arena_probe_result *results, size_t cnt,
				   const struct bpf_arena_probe_opts *opts)
{
	int err;

	if (!probe_opts_valid(opts) || (cnt && !results)) {
		errno = EINVAL;
		return -EINVAL;
	}
	pthread_mutex_lock(&cache_lock);
	err = ensure_probed(probe_opts_fresh(opts));
	if (!err && cnt)
		memcpy(results, cache,
		       (cnt < __BPF_ARENA_CAP_CNT ? cnt : __BPF_ARENA_CAP_CNT) * sizeof(*cache));
	pthread_mutex_unlock(&cache_lock);
	if (err) {
		errno = -err;
		return err;
	}
	return __BPF_ARENA_CAP_CNT;
}

BPF_ARENA_API int bpf_arena__probe_cap(enum bpf_arena_probe_cap cap,
				       struct bpf_arena_probe_result *result,
				       const struct bpf_arena_probe_opts *opts)
{
	int err;

	if ((unsigned int)cap >= __BPF_ARENA_CAP_CNT || !result || !probe_opts_valid(opts)) {
		errno = EINVAL;
		return -EINVAL;
	}
	pthread_mutex_lock(&cache_lock);
	err = ensure_probed(probe_opts_fresh(opts));
	if (!err)
		*result = cache[cap];
	pthread_mutex_unlock(&cache_lock);
	if (err)
		errno = -err;
	return err;
}

static const enum bpf_arena_probe_cap needed_caps[] = {
	BPF_ARENA_CAP_MAP_TYPE,
	BPF_ARENA_CAP_ADDR_SPACE_CAST,
	BPF_ARENA_CAP_JIT_LOAD_STORE,
};

BPF_ARENA_API int bpf_arena__probe_usable(const struct bpf_arena_probe_opts *opts)
{
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	int err = bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, opts);
	int unknown_err = 0;
	size_t i;

	if (err < 0)
		return err;
	for (i = 0; i < ARRAY_SIZE(needed_caps); i++) {
		const struct bpf_arena_probe_result *x = &r[needed_caps[i]];

		if (x->status == BPF_ARENA_PROBE_MISSING)
			return 0;
		if (x->status == BPF_ARENA_PROBE_UNKNOWN && !unknown_err)
			unknown_err = x->err ? x->err : EIO;
	}
	if (unknown_err) {
		errno = unknown_err;
		return -unknown_err;
	}
	return 1;
}

BPF_ARENA_API const char *bpf_arena__probe_cap_str(enum bpf_arena_probe_cap cap)
{
	if ((unsigned int)cap >= __BPF_ARENA_CAP_CNT)
		return NULL;
	return probe_caps[cap].name;
}

BPF_ARENA_API const char *bpf_arena__probe_status_str(enum bpf_arena_probe_status status)
{
	switch (status) {
	case BPF_ARENA_PROBE_UNKNOWN:
		return "unknown";
	case BPF_ARENA_PROBE_SUPPORTED:
		return "supported";
	case BPF_ARENA_PROBE_MISSING:
		return "missing";
	}
	return NULL;
}

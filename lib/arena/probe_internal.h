/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the kernel feature probe files share (probe.c, probe_caps.c,
 * probe_prog.c, probe_map.c, probe_verifier.c, probe_kfunc.c,
 * probe_streams.c): the layout of the probe arena, the capability table,
 * the probe context, the instruction macros the programs are assembled with,
 * the helpers that load and run them, and each file's probes.
 */
#ifndef __BPF_ARENA_PROBE_INTERNAL_H
#define __BPF_ARENA_PROBE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_probe.h>

/* Absent from Debian 12's <linux/bpf.h> (6.1 uapi). */
#define PROBE_ADDR_SPACE_CAST 1 /* insn->off marking addr_space_cast */

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

/* The table of capabilities, indexed by enum bpf_arena_probe_cap (probe_caps.c). */
extern const struct cap_info arena_probe_caps[__BPF_ARENA_CAP_CNT];

/* The atomics, each probed on its own: operation, operand, the memory's
 * value before, and what memory (and, for the fetching ones, the fetched
 * register) must hold after.
 */
struct atomic_probe {
	enum bpf_arena_probe_cap cap;
	__s32 op;
	__s32 operand;
	__u64 before;
	__u64 after;
	bool fetches;
};

/* One entry per atomic capability (probe_caps.c). */
extern const struct atomic_probe arena_probe_atomics[];
extern const size_t arena_probe_atomic_cnt;

/* The kfuncs the probes look up in the kernel's BTF, by their names in
 * arena_probe_kfunc_names[] (probe_caps.c).
 */
enum probe_kfunc { KF_ALLOC, KF_FREE, KF_RESERVE, KF_STREAM_PRINTK, KF_STREAM_PRINTK_OLD, KF_CNT };
extern const char *const arena_probe_kfunc_names[KF_CNT];

/* One run of the probes: the answers, what the kernel's BTF said, the probe
 * arena and the verifier's log of the last program loaded.
 */
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

static inline __u64 *slot(struct probe_ctx *c, int s)
{
	return (__u64 *)(c->base + s * SLOT_SZ);
}

static inline __u64 uaddr(struct probe_ctx *c, size_t off)
{
	return (__u64)(uintptr_t)(c->base + off);
}

/* ---- loading and running the programs, recording answers (probe_prog.c) */

__attribute__((format(printf, 5, 6))) void arena_probe_set_res(struct probe_ctx *c,
							       enum bpf_arena_probe_cap cap,
							       enum bpf_arena_probe_status status,
							       int err, const char *fmt, ...);
const char *arena_probe_verifier_words(const char *log, char *out, size_t len);
int arena_probe_load_prog(struct probe_ctx *c, const struct bpf_insn *insns, size_t cnt,
			  bool sleepable, struct bpf_prog_load_opts *opts);
int arena_probe_load_and_run(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			     const struct bpf_insn *insns, size_t cnt, bool sleepable,
			     struct bpf_prog_load_opts *opts, __u32 *retval, int *keep_fd);

/* ---- the probes, by the file that holds them; run_probes() (probe.c) calls them */

/* The arena map and its flags (probe_map.c). arena_probe_map_type() creates and
 * maps the probe arena into c->arena_fd and c->base; 0 or a negative errno.
 */
int arena_probe_map_type(struct probe_ctx *c);
void arena_probe_segv_on_fault(struct probe_ctx *c);
void arena_probe_no_user_conv(struct probe_ctx *c);

/* The verifier and the JIT on arena memory (probe_verifier.c). */
void arena_probe_cast_without_arena(struct probe_ctx *c);
void arena_probe_cast(struct probe_ctx *c);
void arena_probe_jit(struct probe_ctx *c);
void arena_probe_atomic(struct probe_ctx *c, const struct atomic_probe *a, int idx);
void arena_probe_direct_value(struct probe_ctx *c, enum bpf_arena_probe_cap cap, size_t off);
void arena_probe_arg_arena(struct probe_ctx *c);

/* The kernel's BTF and the arena kfuncs (probe_kfunc.c). arena_probe_kernel_btf()
 * fills c->kfunc_id (or c->btf_err); arena_probe_kfunc_in_btf() records @cap as
 * unknown or missing and returns false when kfunc @kf can't be called.
 */
void arena_probe_kernel_btf(struct probe_ctx *c);
bool arena_probe_kfunc_in_btf(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			      enum probe_kfunc kf);
void arena_probe_alloc(struct probe_ctx *c, enum bpf_arena_probe_cap cap, int page, int s_idx,
		       bool sleepable);
void arena_probe_free(struct probe_ctx *c);
void arena_probe_reserve(struct probe_ctx *c);

/* BPF streams and arena fault reports on them (probe_streams.c). */
void arena_probe_streams(struct probe_ctx *c);
void arena_probe_fault_report(struct probe_ctx *c);

#endif /* __BPF_ARENA_PROBE_INTERNAL_H */

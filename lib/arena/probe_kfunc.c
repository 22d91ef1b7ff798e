// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes of the arena kfuncs: their ids in the kernel's BTF
 * (which the streams probe uses too), then bpf_arena_alloc_pages (from
 * sleepable and non-sleepable programs), bpf_arena_free_pages and
 * bpf_arena_reserve_pages, each called on pages of the probe arena that only
 * BPF allocates.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "probe_internal.h"

/* The kernel's NUMA_NO_NODE: any node will do. */
#define PROBE_NUMA_NO_NODE (-1)

void arena_probe_kernel_btf(struct probe_ctx *c)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int i, id;

	if (!btf) {
		c->btf_err = errno ? errno : ENOENT;
		return;
	}
	for (i = 0; i < KF_CNT; i++) {
		id = btf__find_by_name_kind(btf, arena_probe_kfunc_names[i], BTF_KIND_FUNC);
		c->kfunc_id[i] = id > 0 ? id : 0;
	}
	btf__free(btf);
}

bool arena_probe_kfunc_in_btf(struct probe_ctx *c, enum bpf_arena_probe_cap cap,
			      enum probe_kfunc kf)
{
	if (c->btf_err) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, c->btf_err,
				    "kernel BTF unreadable (%s): CONFIG_DEBUG_INFO_BTF?",
				    strerror(c->btf_err));
		return false;
	}
	if (!c->kfunc_id[kf]) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, ENOENT,
				    "%s is not in the kernel's BTF", arena_probe_kfunc_names[kf]);
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
void arena_probe_alloc(struct probe_ctx *c, enum bpf_arena_probe_cap cap, int page, int s_idx,
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
	err = arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), sleepable, NULL, &ret,
				       NULL);
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
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, ENOMEM,
				    "bpf_arena_alloc_pages returned NULL");
	else if (*s != want || *(__u64 *)(c->base + page * PROBE_PAGE_SZ) != PROBE_MAGIC)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "allocated 0x%llx (asked 0x%llx) but its content is not seen",
				    (unsigned long long)*s, want);
	else
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			"allocated a page at 0x%llx%s, user space read what BPF stored there", want,
			sleepable ? "" : " in a non-sleepable program");
}

/* Allocate, store, free, load again: a freed page reads as zero. */
void arena_probe_free(struct probe_ctx *c)
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
	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (ret != 0)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, ENOMEM,
				    "bpf_arena_alloc_pages returned NULL, nothing to free");
	else if (s[0] == PROBE_MAGIC && s[1] == 0)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "a page holding 0x%llx read as 0 once freed", PROBE_MAGIC);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "before free 0x%llx, after free 0x%llx (expected 0x%llx, 0)",
				    (unsigned long long)s[0], (unsigned long long)s[1],
				    PROBE_MAGIC);
}

/* Reserve a page, then allocate it (must fail) and its neighbour (must not). */
void arena_probe_reserve(struct probe_ctx *c)
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
	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[0] == 0 && s[1] == 0 && s[2] == next)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "a reserved page could not be allocated, its neighbour could");
	else
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_MISSING, 0,
			"reserve returned %lld, allocating the reserved page gave 0x%llx, its "
			"neighbour 0x%llx",
			(long long)s[0], (unsigned long long)s[1], (unsigned long long)s[2]);
}

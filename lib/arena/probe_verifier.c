// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes of the verifier and the JIT on arena memory:
 * addr_space_cast, loads and stores, each atomic operation, direct value
 * addresses into the arena (__arena globals, and offsets of 512 MiB and
 * more), and global functions taking "arg:arena" arguments.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probe_internal.h"

/* The verifier knows addr_space_cast if it refuses it only for lack of an
 * arena; used when no arena could be created.
 */
void arena_probe_cast_without_arena(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_ADDR_SPACE_CAST;
	const struct bpf_insn insns[] = {
		MOV64_IMM(BPF_REG_1, 0),
		CAST_TO_KERN(BPF_REG_0, BPF_REG_1),
		MOV64_IMM(BPF_REG_0, 0),
		EXIT_INSN(),
	};
	char words[200];
	int fd = arena_probe_load_prog(c, insns, ARRAY_SIZE(insns), true, NULL);

	if (fd >= 0) {
		close(fd);
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "loaded without an arena");
	} else if (fd == -EPERM) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd,
				    "prog_load: %s (needs CAP_BPF)", strerror(-fd));
	} else if (strstr(c->log, "associated arena")) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "known to the verifier (refused only for want of an arena)");
	} else {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, fd, "verifier: %s (%s)",
				    arena_probe_verifier_words(c->log, words, sizeof(words)),
				    strerror(-fd));
	}
}

/* Cast a kernel pointer back to user form: must give the user address. */
void arena_probe_cast(struct probe_ctx *c)
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

	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (*slot(c, SLOT_CAST) == want)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "cast to kernel and back gave the user address 0x%llx", want);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "cast to kernel and back gave 0x%llx, not 0x%llx",
				    (unsigned long long)*slot(c, SLOT_CAST), want);
}

/* A load and a store through an arena pointer, seen from user space. */
void arena_probe_jit(struct probe_ctx *c)
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
	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[1] == ~seed)
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			"BPF read 0x%llx and wrote its complement, read back through the mapping",
			(unsigned long long)seed);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "BPF should have written 0x%llx, user space reads 0x%llx",
				    (unsigned long long)~seed, (unsigned long long)s[1]);
}

void arena_probe_atomic(struct probe_ctx *c, const struct atomic_probe *a, int idx)
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
	if (arena_probe_load_and_run(c, a->cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (s[0] == a->after && (!a->fetches || s[1] == a->before))
		arena_probe_set_res(c, a->cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "0x%llx became 0x%llx%s", (unsigned long long)a->before,
				    (unsigned long long)a->after,
				    a->fetches ? ", old value fetched" : "");
	else
		arena_probe_set_res(c, a->cap, BPF_ARENA_PROBE_MISSING, 0,
				    "0x%llx became 0x%llx (fetched 0x%llx), expected 0x%llx",
				    (unsigned long long)a->before, (unsigned long long)s[0],
				    (unsigned long long)s[1], (unsigned long long)a->after);
}

/* An __arena global's address is an ld_imm64 of the arena's value at an
 * offset (BPF_PSEUDO_MAP_VALUE), a scalar the program casts.
 */
void arena_probe_direct_value(struct probe_ctx *c, enum bpf_arena_probe_cap cap, size_t off)
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
	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret, NULL))
		return;
	if (*p == PROBE_MAGIC)
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			"BPF stored through the address of offset %zu, user space read it", off);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "store through the address of offset %zu not seen (0x%llx)",
				    off, (unsigned long long)*p);
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

void arena_probe_arg_arena(struct probe_ctx *c)
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

		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, btf_fd, "btf_load: %s (%s)",
				    strerror(-btf_fd),
				    arena_probe_verifier_words(c->log, words, sizeof(words)));
		return;
	}
	opts.prog_btf_fd = btf_fd;
	*s = 0;
	if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, &opts, &ret, NULL))
		goto out;
	if (*s == PROBE_MAGIC)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "a global function stored through its arena argument");
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "the global function's store is not seen (0x%llx)",
				    (unsigned long long)*s);
out:
	close(btf_fd);
}

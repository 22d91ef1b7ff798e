// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding the arena to programs. The verifier ties a program to an arena
 * only through an instruction that names the arena map; a program that
 * reaches the arena only through globals (which we load as constants) or
 * through pointers it is given is refused ("addr_space_cast insn can only be
 * used in a program that has an associated arena"). So every program gets a
 * reference to the arena map, without moving a single existing instruction
 * (libbpf has recorded relocations and line info by instruction index):
 *
 *     j:    ja   n              (was: insn j)
 *     ...                       (unchanged)
 *     n:    rX = map[arena] ll  (ld_imm64, BPF_PSEUDO_MAP_FD)
 *     n+2:  insn j
 *     n+3:  ja   j + 1
 *
 * j is the first instruction after the leading ld_imm64s: an ordinary
 * instruction or a helper call (neither carries a relocation) that no jump
 * targets, so it can move. rX is a register that is dead there: nothing but
 * r1 and r10 is live at entry and the leading ld_imm64s define only their
 * own destinations; before a helper call, r0. The kernel counts a map
 * once, so a program that names the arena already is unharmed.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "internal.h"

#define MAX_LEAD_SCAN 64

static bool is_jump(const struct bpf_insn *insn)
{
	__u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (class == BPF_JMP || class == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static bool targets(const struct bpf_insn *insns, size_t cnt, size_t j)
{
	size_t i;

	for (i = 0; i < cnt; i++) {
		long target;

		if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		if (!is_jump(&insns[i]))
			continue;
		if (insns[i].code == (BPF_JMP32 | BPF_JA)) /* gotol */
			target = (long)i + insns[i].imm + 1;
		else
			target = (long)i + insns[i].off + 1;
		if (target == (long)j)
			return true;
	}
	return false;
}

/* Find j and a dead register; false when the program's start is unusual. */
static bool find_site(const struct bpf_insn *insns, size_t cnt, size_t *site, __u8 *reg)
{
	__u16 defined = 1u << BPF_REG_1 | 1u << BPF_REG_10;
	size_t j = 0;
	__u8 r;

	while (j + 1 < cnt && j < MAX_LEAD_SCAN && insns[j].code == (BPF_LD | BPF_IMM | BPF_DW)) {
		defined |= 1u << insns[j].dst_reg;
		j += 2;
	}
	if (j >= cnt || insns[j].code == (BPF_LD | BPF_IMM | BPF_DW))
		return false;
	if (targets(insns, cnt, j))
		return false;
	if (insns[j].code == (BPF_JMP | BPF_CALL) && insns[j].src_reg == 0) {
		/* A helper call (no relocation: it can move). r1-r5 may hold
		 * its arguments; r0 is dead before a call, which writes it.
		 */
		*site = j;
		*reg = BPF_REG_0;
		return true;
	}
	if (BPF_CLASS(insns[j].code) == BPF_JMP || BPF_CLASS(insns[j].code) == BPF_JMP32)
		return false; /* jumps, exits, kfunc and subprogram calls can't move */
	for (r = BPF_REG_0; r <= BPF_REG_9; r++) {
		if (!(defined & (1u << r))) {
			*site = j;
			*reg = r;
			return true;
		}
	}
	return false;
}

static int bind_program(struct bpf_program *prog, int arena_fd)
{
	const struct bpf_insn *old = bpf_program__insns(prog);
	size_t cnt = bpf_program__insn_cnt(prog), j;
	struct bpf_insn *insns;
	__u8 reg;
	int err;

	if (!old || !find_site(old, cnt, &j, &reg)) {
		pr_warn("prog '%s': can't bind the arena to it (unusual first instructions); if "
			"the verifier refuses it, reference the arena map in it\n",
			bpf_program__name(prog));
		return 0;
	}
	if (cnt + 4 - j - 1 > 32767)
		return 0; /* beyond a ja's reach; such a program names its maps anyway */
	insns = calloc(cnt + 4, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, old, cnt * sizeof(*insns));

	insns[j] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = (__s16)(cnt - j - 1) };
	insns[cnt] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW,
					.dst_reg = reg,
					.src_reg = BPF_PSEUDO_MAP_FD,
					.imm = arena_fd };
	insns[cnt + 1] = (struct bpf_insn){ 0 };
	insns[cnt + 2] = old[j];
	insns[cnt + 3] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA,
					    .off = (__s16)((long)j + 1 - (long)(cnt + 3) - 1) };
	err = bpf_program__set_insns(prog, insns, cnt + 4);
	free(insns);
	if (err)
		pr_warn("prog '%s': binding the arena failed: %s\n", bpf_program__name(prog),
			strerror(-err));
	else
		pr_debug("prog '%s': arena bound through r%u at insn %zu\n",
			 bpf_program__name(prog), reg, cnt);
	return err;
}

int arena_bind_programs(struct bpf_object *obj, int arena_fd)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		err = bind_program(prog, arena_fd);
		if (err)
			return err;
	}
	return 0;
}

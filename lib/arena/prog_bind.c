// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding the arena to programs. The verifier ties a program to an arena
 * only through an instruction that names the arena map; a program that
 * reaches the arena only through globals (which we load as constants) or
 * through pointers it is given is refused ("addr_space_cast insn can only be
 * used in a program that has an associated arena"). So every program gets a
 * reference to the arena map, and no instruction libbpf knows changes its
 * index (libbpf has recorded relocations and line info by index): one that
 * carries no relocation moves into a block appended to the program.
 *
 *     j:    ja   n              (was: insn j)
 *     ...                       (unchanged)
 *     n:    rX = map[arena] ll  (ld_imm64, BPF_PSEUDO_MAP_FD)
 *     n+2:  insn j
 *     n+3:  ja   j + 1
 *
 * (or, when insn j is an exit, the block ends with it). j is the first
 * instruction on the straight line from the entry that can move and has a
 * dead register rX to spare (see find_site()). The kernel counts a map
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

#define REG_BIT(r) (1u << (r))
#define CALL_CLOBBERED                                                                       \
	(REG_BIT(BPF_REG_1) | REG_BIT(BPF_REG_2) | REG_BIT(BPF_REG_3) | REG_BIT(BPF_REG_4) | \
	 REG_BIT(BPF_REG_5))

struct bind_site {
	size_t insn; /* j */
	__u8 reg; /* rX */
	bool is_exit; /* j is an exit: the block ends with it, no jump back */
};

static bool dead_reg(__u16 defined, __u8 *reg)
{
	__u8 r;

	for (r = BPF_REG_0; r <= BPF_REG_9; r++) {
		if (!(defined & REG_BIT(r))) {
			*reg = r;
			return true;
		}
	}
	return false;
}

/*
 * Walk the straight line of instructions from the entry (until the first
 * branch) and take the first one that can move: not a target of any jump,
 * and an ordinary instruction, a helper call or an exit (kfunc and
 * subprogram calls carry relocations by index; branches carry offsets).
 * Along the way, registers the program hasn't written are dead; a call
 * leaves r1-r5 dead.
 */
static bool find_site(const struct bpf_insn *insns, size_t cnt, struct bind_site *site)
{
	__u16 defined = REG_BIT(BPF_REG_1) | REG_BIT(BPF_REG_10);
	size_t j = 0;

	memset(site, 0, sizeof(*site));
	while (j < cnt && j < MAX_LEAD_SCAN) {
		const struct bpf_insn *insn = &insns[j];
		__u8 class = BPF_CLASS(insn->code);
		bool movable = !targets(insns, cnt, j);

		if (insn->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			defined |= REG_BIT(insn->dst_reg);
			j += 2;
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_CALL)) {
			if (movable && insn->src_reg == 0) {
				/* r1-r5 may hold its arguments; r0 is dead
				 * before a call, which writes it
				 */
				site->insn = j;
				site->reg = BPF_REG_0;
				return true;
			}
			defined = (defined & ~CALL_CLOBBERED) | REG_BIT(BPF_REG_0);
			j++;
			continue;
		}
		if (insn->code == (BPF_JMP | BPF_EXIT)) {
			if (!movable)
				return false;
			site->insn = j;
			site->reg = BPF_REG_1; /* an exit reads r0 only */
			site->is_exit = true;
			return true;
		}
		if (class == BPF_JMP || class == BPF_JMP32)
			return false; /* a branch: the straight line ends */
		if (movable && dead_reg(defined, &site->reg)) {
			site->insn = j;
			return true;
		}
		if (class != BPF_ST && class != BPF_STX)
			defined |= REG_BIT(insn->dst_reg);
		j++;
	}
	return false;
}

static int bind_program(struct bpf_program *prog, int arena_fd)
{
	const struct bpf_insn *old = bpf_program__insns(prog);
	size_t cnt = bpf_program__insn_cnt(prog), n;
	struct bind_site site;
	struct bpf_insn *insns;
	int err;

	if (!old || !find_site(old, cnt, &site)) {
		/* Said again with advice if the verifier refuses it (object.c). */
		pr_debug("prog '%s': found no place to bind the arena\n", bpf_program__name(prog));
		return 0;
	}
	if (cnt + 4 - site.insn - 1 > 32767)
		return 0; /* beyond a ja's reach; such a program names its maps anyway */
	insns = calloc(cnt + 4, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, old, cnt * sizeof(*insns));

	n = cnt;
	insns[site.insn] =
		(struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = (__s16)(cnt - site.insn - 1) };
	insns[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW,
					.dst_reg = site.reg,
					.src_reg = BPF_PSEUDO_MAP_FD,
					.imm = arena_fd };
	insns[n++] = (struct bpf_insn){ 0 };
	insns[n++] = old[site.insn];
	if (!site.is_exit) {
		insns[n] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA,
					      .off = (__s16)((long)site.insn - (long)n) };
		n++;
	}
	err = bpf_program__set_insns(prog, insns, n);
	free(insns);
	if (err)
		pr_warn("prog '%s': binding the arena failed: %s\n", bpf_program__name(prog),
			strerror(-err));
	else
		pr_debug("prog '%s': arena bound through r%u at insn %zu\n",
			 bpf_program__name(prog), site.reg, cnt);
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

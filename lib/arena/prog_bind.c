// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding the arena to programs. The verifier ties a program to an arena
 * only through an instruction that names the arena map; a program that
 * reaches the arena only through globals (which we load as constants) or
 * through pointers it is given is refused ("addr_space_cast insn can only be
 * used in a program that has an associated arena"). So a program that names
 * no arena map gets one reference to it, and the binding must do no harm to
 * programs it didn't need to touch:
 *
 * - A program that names the arena map already, itself or in a function it
 *   calls (a relocation against the map in the ELF, insn_refs.c), is left
 *   alone.
 * - No instruction changes its index, and no instruction that anything
 *   names by index moves: libbpf has recorded relocations (maps, ksyms,
 *   kfuncs, calls), CO-RE relocations and func/line info by index and
 *   patches them during bpf_object__load(), after we hand it the program
 *   (libbpf 1.1 checks the instruction it patches: "relo #N: failed to
 *   patch insn #K: -22" if a jump stands there).
 *
 * The site is an exit: nothing is ever relocated at one, it may be the
 * target of any number of jumps (they still land on the same index), and
 * only r0 is live there, so r1 is free. It becomes a jump to a block
 * appended to the program (before libbpf appends subprograms, so the block
 * stays in the main function):
 *
 *     j:    ja   n              (was: exit; any jump to j still lands here)
 *     ...                       (unchanged)
 *     n:    r1 = map[arena] ll  (ld_imm64, BPF_PSEUDO_MAP_FD)
 *     n+2:  exit
 *
 * A program without an exit of its own (rare: one that ends in a tail call
 * loop or a noreturn kfunc) takes the first instruction on the straight
 * line from the entry that no jump targets, that nothing names by index
 * and that leaves a register dead: it moves to the block, which jumps back.
 * Where neither exists the program is left as it is, and a refusal by the
 * verifier is explained with advice at load (object.c).
 *
 * Why not the kernel's own way: since 6.14 a map listed in BPF_PROG_LOAD's
 * fd_array with fd_array_cnt is associated with the program without any
 * instruction (checked on 6.18: a program that only casts loads with the
 * arena in fd_array + fd_array_cnt, and is refused with fd_array alone).
 * But libbpf 1.1 sends the attribute only up to fd_array (fd_array_cnt
 * came with libbpf 1.6), fills fd_array itself, and offers no per-program
 * hook on load options short of replacing the section handlers, which
 * would lose SEC() flags and auto-attach. The instruction works on every
 * arena kernel (6.9+) and every libbpf, and the kernel counts a map once.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "insn_refs.h"
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
 * No exit: walk the straight line of instructions from the entry (until the
 * first branch) and take the first one that can move: not a target of any
 * jump, named by nothing by index, and an ordinary instruction or a helper
 * call (kfunc and subprogram calls carry relocations by index; branches
 * carry offsets).
 * Along the way, registers the program hasn't written are dead; a call
 * leaves r1-r5 dead.
 */
static bool find_lead_site(const struct bpf_insn *insns, size_t cnt,
			   const struct arena_insn_refs *refs, const struct arena_insn_func *func,
			   struct bind_site *site)
{
	__u16 defined = REG_BIT(BPF_REG_1) | REG_BIT(BPF_REG_10);
	size_t j = 0;

	memset(site, 0, sizeof(*site));
	while (j < cnt && j < MAX_LEAD_SCAN) {
		const struct bpf_insn *insn = &insns[j];
		__u8 class = BPF_CLASS(insn->code);
		bool movable = !targets(insns, cnt, j) && !arena_insn_refs_pinned(refs, func, j);

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

/* The last exit of the program's own instructions (see the top comment). */
static bool find_exit_site(const struct bpf_insn *insns, size_t cnt, struct bind_site *site)
{
	bool found = false;
	size_t j;

	memset(site, 0, sizeof(*site));
	for (j = 0; j < cnt; j++) {
		if (insns[j].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			j++; /* its second half */
			continue;
		}
		if (insns[j].code != (BPF_JMP | BPF_EXIT))
			continue;
		site->insn = j;
		site->reg = BPF_REG_1; /* an exit reads r0 only */
		site->is_exit = true;
		found = true;
	}
	return found;
}

/* A jump from @from to @to: ja, or gotol (6.6+, so on every arena kernel)
 * beyond ja's 16-bit reach.
 */
static struct bpf_insn jump(size_t from, size_t to)
{
	long off = (long)to - (long)from - 1;

	if (off >= -32768 && off <= 32767)
		return (struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = (__s16)off };
	return (struct bpf_insn){ .code = BPF_JMP32 | BPF_JA, .imm = (__s32)off };
}

static int bind_program(struct bpf_program *prog, const struct arena_insn_refs *refs, int arena_fd)
{
	const struct bpf_insn *old = bpf_program__insns(prog);
	size_t cnt = bpf_program__insn_cnt(prog), n;
	const char *name = bpf_program__name(prog);
	const struct arena_insn_func *func;
	struct bind_site site;
	struct bpf_insn *insns;
	int err;

	func = arena_insn_refs_func(refs, bpf_program__section_name(prog), name);
	if (func && arena_insn_refs_names_arena(refs, func)) {
		pr_debug("prog '%s': names the arena map already: left as it is\n", name);
		return 0;
	}
	if (!old || !cnt)
		return 0;
	if (!find_exit_site(old, cnt, &site) && !find_lead_site(old, cnt, refs, func, &site)) {
		/* Said again with advice if the verifier refuses it (object.c). */
		pr_debug("prog '%s': no exit, and no instruction near the entry that nothing "
			 "names by index: the arena is not bound to it\n",
			 name);
		return 0;
	}
	insns = calloc(cnt + 4, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, old, cnt * sizeof(*insns));

	n = cnt;
	insns[site.insn] = jump(site.insn, cnt);
	insns[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW,
					.dst_reg = site.reg,
					.src_reg = BPF_PSEUDO_MAP_FD,
					.imm = arena_fd };
	insns[n++] = (struct bpf_insn){ 0 };
	insns[n++] = old[site.insn];
	if (!site.is_exit) {
		insns[n] = jump(n, site.insn + 1);
		n++;
	}
	err = bpf_program__set_insns(prog, insns, n);
	free(insns);
	if (err)
		pr_warn("prog '%s': binding the arena failed: %s\n", name, strerror(-err));
	else
		pr_debug("prog '%s': arena bound through r%u in a block at insn %zu, reached "
			 "from the %s at insn %zu\n",
			 name, site.reg, cnt, site.is_exit ? "exit" : "instruction", site.insn);
	return err;
}

int arena_bind_programs(struct bpf_object *obj, const struct arena_insn_refs *refs, int arena_fd)
{
	struct bpf_program *prog;
	int err;

	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		err = bind_program(prog, refs, arena_fd);
		if (err)
			return err;
	}
	return 0;
}

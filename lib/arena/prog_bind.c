// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Binding the arena to programs. The verifier ties a program to an arena
 * only through an instruction that names the arena map; a program that
 * reaches the arena only through globals (which we load as constants) or
 * through pointers it is given is refused ("addr_space_cast insn can only be
 * used in a program that has an associated arena"). So a program that names
 * no arena map gets one reference to it, and the binding must do no harm:
 *
 * - A program that names the arena map already, itself or in a function it
 *   calls (a relocation against the map in the ELF, insn_refs.c), is left
 *   alone.
 * - No instruction changes its index, and no instruction that anything
 *   names by index is touched: libbpf has recorded relocations (maps,
 *   ksyms, kfuncs, calls), CO-RE relocations and func/line info by index
 *   and patches them during bpf_object__load(), after we hand it the
 *   program (libbpf 1.1 checks the instruction it patches: "relo #N: failed
 *   to patch insn #K: -22" if a jump stands there).
 *
 * The site is an exit of the program's own code: nothing is ever relocated
 * at one (insn_refs.c is asked anyway), it may be the target of any number
 * of jumps (they still land on the same index), and only r0 is live there,
 * so r1 is free. The last exit becomes a jump to a block appended to the
 * program, before libbpf appends subprograms, so the block stays in the
 * main function:
 *
 *     j:    ja   n              (was: exit; any jump to j still lands here)
 *     ...                       (unchanged)
 *     n:    r1 = map[arena] ll  (ld_imm64, BPF_PSEUDO_MAP_FD)
 *     n+2:  exit
 *
 * A program without an exit of its own is left as it is: the kernel refuses
 * one whose last instruction is not an exit or a jump anyway, and then with
 * its own message, the one upstream libbpf users see (binding a program
 * that ends in bpf_throw() would trade it for "verifier bug" on 6.18).
 * Where the verifier refuses an unbound program for want of an arena, the
 * loader explains it with advice (object.c).
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

/* The last exit of the program's own instructions that nothing names by
 * index (see the top comment).
 */
static bool find_exit_site(const struct bpf_insn *insns, size_t cnt,
			   const struct arena_insn_refs *refs, const struct arena_insn_func *func,
			   size_t *site)
{
	bool found = false;
	size_t j;

	for (j = 0; j < cnt; j++) {
		if (insns[j].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			j++; /* its second half */
			continue;
		}
		if (insns[j].code != (BPF_JMP | BPF_EXIT))
			continue;
		/* a program the ELF doesn't know still has safe exits */
		if (func && arena_insn_refs_pinned(refs, func, j))
			continue;
		*site = j;
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
	struct bpf_insn *insns;
	size_t site;
	int err;

	func = arena_insn_refs_func(refs, bpf_program__section_name(prog), name);
	if (func && arena_insn_refs_names_arena(refs, func)) {
		pr_debug("prog '%s': names the arena map already: left as it is\n", name);
		return 0;
	}
	if (!old || !cnt)
		return 0;
	if (!find_exit_site(old, cnt, refs, func, &site)) {
		/* Said again with advice if the verifier refuses it (object.c). */
		pr_debug("prog '%s': has no exit of its own: the arena is not bound to it\n", name);
		return 0;
	}
	insns = calloc(cnt + 3, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memcpy(insns, old, cnt * sizeof(*insns));

	n = cnt;
	insns[site] = jump(site, cnt);
	/* r1: an exit reads r0 only */
	insns[n++] = (struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW,
					.dst_reg = BPF_REG_1,
					.src_reg = BPF_PSEUDO_MAP_FD,
					.imm = arena_fd };
	insns[n++] = (struct bpf_insn){ 0 };
	insns[n++] = old[site];
	err = bpf_program__set_insns(prog, insns, n);
	free(insns);
	if (err)
		pr_warn("prog '%s': binding the arena failed: %s\n", name, strerror(-err));
	else
		pr_debug("prog '%s': arena bound through r1 in a block at insn %zu, reached "
			 "from the exit at insn %zu\n",
			 name, cnt, site);
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

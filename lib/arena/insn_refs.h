/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the ELF says about instructions, for binding (prog_bind.c): which ones
 * something names by index, and which functions name the arena map.
 */
#ifndef __BPF_ARENA_INSN_REFS_H
#define __BPF_ARENA_INSN_REFS_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

struct arena_insn_refs;

/* Scan @elf (its image @image of @sz bytes, before any rewrite) for every
 * function, every relocated instruction, the instructions .BTF.ext names
 * (CO-RE relocations, function starts), and the calls between functions.
 * @arena_map is the arena map's symbol name (NULL: none). A malformed
 * .BTF.ext is not an error: the functions it would have pinned are left
 * without a movable instruction.
 */
int arena_insn_refs_scan(Elf *elf, const unsigned char *image, size_t sz, const char *arena_map,
			 const char *obj_name, struct arena_insn_refs **out);
void arena_insn_refs_free(struct arena_insn_refs *refs);

/* A program as the ELF knows it: the function @name in section @sec. */
struct arena_insn_func;
const struct arena_insn_func *arena_insn_refs_func(const struct arena_insn_refs *refs,
						   const char *sec, const char *name);
/* Whether @func, or any function it calls or takes the address of (directly
 * or not), has an instruction relocated against the arena map.
 */
bool arena_insn_refs_names_arena(const struct arena_insn_refs *refs,
				 const struct arena_insn_func *func);
/* Whether instruction @idx of @func (counted from the function's start) is
 * named by index by anything: a relocation, a CO-RE relocation, a function
 * start in .BTF.ext.
 */
bool arena_insn_refs_pinned(const struct arena_insn_refs *refs, const struct arena_insn_func *func,
			    size_t idx);

#endif

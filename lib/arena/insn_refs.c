// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What binding must know about instructions before it touches one, read
 * from the ELF at open, before the rewrite and before libbpf:
 *
 * - the functions (STT_FUNC symbols) and where each lies in its section;
 * - every instruction something names by index: a relocation in a .rel
 *   section (maps, globals, ksyms, kfuncs, subprogram calls), a CO-RE
 *   relocation or a function start in .BTF.ext. libbpf patches those by
 *   index long after we have handed it the program (CO-RE on 1.1 checks
 *   what it patches: "relo #N: failed to patch insn #K"), so they stay put;
 * - which instructions are relocated against the arena map itself, and the
 *   calls (and callback addresses) from function to function, so a program
 *   that reaches the arena map through a function it calls is known to name
 *   it as well as one that names it itself.
 *
 * libbpf 1.1 keeps all of this private, and libbpf 1.5 the same; reading the
 * ELF ourselves gives one answer on every version.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "insn_refs.h"
#include "log.h"

#define INSN_SZ 8
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#ifndef BPF_PSEUDO_FUNC
#define BPF_PSEUDO_FUNC 4
#endif
#define BTF_MAGIC 0xeB9F

struct arena_insn_func {
	char *name;
	char *sec;
	size_t shndx;
	size_t start; /* first instruction, counted in the section */
	size_t cnt;
};

struct insn_at {
	size_t shndx;
	size_t insn;
};

struct call_edge {
	struct insn_at site; /* the call, or the ld_imm64 of a callback */
	struct insn_at target;
};

struct arena_insn_refs {
	struct arena_insn_func *funcs;
	size_t func_cnt;
	struct insn_at *pins; /* named by index */
	size_t pin_cnt;
	struct insn_at *arena_uses; /* relocated against the arena map */
	size_t arena_use_cnt;
	struct call_edge *edges;
	size_t edge_cnt;
	bool pins_unknown; /* .BTF.ext unreadable: treat every insn as named */
};

struct scan {
	Elf *elf;
	const unsigned char *image;
	size_t sz;
	size_t shstrndx;
	size_t symtab_shndx;
	size_t maps_shndx;
	const char *obj_name;
	struct arena_insn_refs *refs;
};

static int grow(void **arr, size_t *cnt, size_t elem_sz)
{
	void *p;

	/* doubling: objects have thousands of relocations */
	if (*cnt && (*cnt & (*cnt - 1)))
		return 0;
	p = realloc(*arr, (*cnt ? *cnt * 2 : 8) * elem_sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

static int add_insn(struct insn_at **arr, size_t *cnt, size_t shndx, size_t insn)
{
	int err = grow((void **)arr, cnt, sizeof(**arr));

	if (err)
		return err;
	(*arr)[*cnt].shndx = shndx;
	(*arr)[(*cnt)++].insn = insn;
	return 0;
}

static int add_edge(struct arena_insn_refs *refs, size_t shndx, size_t insn, size_t tshndx,
		    size_t tinsn)
{
	int err = grow((void **)&refs->edges, &refs->edge_cnt, sizeof(*refs->edges));

	if (err)
		return err;
	refs->edges[refs->edge_cnt++] = (struct call_edge){ { shndx, insn }, { tshndx, tinsn } };
	return 0;
}

static bool get_shdr(struct scan *s, size_t idx, GElf_Shdr *sh)
{
	Elf_Scn *scn = elf_getscn(s->elf, idx);

	return scn && gelf_getshdr(scn, sh);
}

static bool is_code(struct scan *s, size_t idx, GElf_Shdr *sh)
{
	return idx && get_shdr(s, idx, sh) && (sh->sh_flags & SHF_EXECINSTR) &&
	       sh->sh_type == SHT_PROGBITS && sh->sh_offset <= s->sz &&
	       sh->sh_size <= s->sz - sh->sh_offset;
}

static const char *name_of_sec(struct scan *s, size_t idx)
{
	GElf_Shdr sh;

	if (!get_shdr(s, idx, &sh))
		return NULL;
	return elf_strptr(s->elf, s->shstrndx, sh.sh_name);
}

static const Elf64_Sym *symbols(struct scan *s, size_t *cnt, size_t *strndx)
{
	GElf_Shdr sh;

	*cnt = 0;
	if (!s->symtab_shndx || !get_shdr(s, s->symtab_shndx, &sh) ||
	    sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_offset % 8 || sh.sh_offset > s->sz ||
	    sh.sh_size > s->sz - sh.sh_offset)
		return NULL;
	*cnt = sh.sh_size / sizeof(Elf64_Sym);
	*strndx = sh.sh_link;
	return (const Elf64_Sym *)(s->image + sh.sh_offset);
}

static int scan_funcs(struct scan *s)
{
	struct arena_insn_refs *refs = s->refs;
	size_t cnt, strndx, i;
	const Elf64_Sym *syms = symbols(s, &cnt, &strndx);

	for (i = 0; syms && i < cnt; i++) {
		const Elf64_Sym *sym = &syms[i];
		struct arena_insn_func *f;
		const char *name, *sec;
		GElf_Shdr sh;
		int err;

		if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC || !is_code(s, sym->st_shndx, &sh) ||
		    sym->st_value % INSN_SZ || sym->st_value >= sh.sh_size)
			continue;
		name = elf_strptr(s->elf, strndx, sym->st_name);
		sec = name_of_sec(s, sym->st_shndx);
		if (!name || !sec)
			continue;
		err = grow((void **)&refs->funcs, &refs->func_cnt, sizeof(*refs->funcs));
		if (err)
			return err;
		f = &refs->funcs[refs->func_cnt];
		f->name = strdup(name);
		f->sec = strdup(sec);
		if (!f->name || !f->sec) {
			free(f->name);
			free(f->sec);
			return -ENOMEM;
		}
		f->shndx = sym->st_shndx;
		f->start = sym->st_value / INSN_SZ;
		/* an asm function may come without a size: to the section's end */
		if (sym->st_size && sym->st_size <= sh.sh_size - sym->st_value)
			f->cnt = sym->st_size / INSN_SZ;
		else
			f->cnt = (sh.sh_size - sym->st_value) / INSN_SZ;
		refs->func_cnt++;
	}
	return 0;
}

/* One .rel section of code: pin every instruction it names, note the ones
 * that name the arena map and the calls into other sections.
 */
static int scan_rel(struct scan *s, const GElf_Shdr *rel_sh, const char *arena_map)
{
	struct arena_insn_refs *refs = s->refs;
	size_t sym_cnt, strndx, code = rel_sh->sh_info, i;
	const Elf64_Sym *syms = symbols(s, &sym_cnt, &strndx);
	const Elf64_Rel *rels;
	GElf_Shdr code_sh, tsh;
	int err;

	if (!syms || !is_code(s, code, &code_sh) || rel_sh->sh_entsize != sizeof(Elf64_Rel) ||
	    rel_sh->sh_offset % 8 || rel_sh->sh_offset > s->sz ||
	    rel_sh->sh_size > s->sz - rel_sh->sh_offset)
		return 0; /* not code, or elf_rewrite.c refuses it */
	rels = (const Elf64_Rel *)(s->image + rel_sh->sh_offset);
	for (i = 0; i < rel_sh->sh_size / sizeof(Elf64_Rel); i++) {
		size_t off = rels[i].r_offset, sym_idx = ELF64_R_SYM(rels[i].r_info);
		struct bpf_insn insn;
		const Elf64_Sym *sym;
		const char *name;

		/* off near SIZE_MAX must not wrap past the check */
		if (off % INSN_SZ || off >= code_sh.sh_size || code_sh.sh_size - off < INSN_SZ ||
		    sym_idx >= sym_cnt)
			continue;
		memcpy(&insn, s->image + code_sh.sh_offset + off, sizeof(insn));
		sym = &syms[sym_idx];
		err = add_insn(&refs->pins, &refs->pin_cnt, code, off / INSN_SZ);
		if (err)
			return err;
		name = elf_strptr(s->elf, strndx, sym->st_name);
		if (arena_map && s->maps_shndx && sym->st_shndx == s->maps_shndx && name &&
		    strcmp(name, arena_map) == 0) {
			err = add_insn(&refs->arena_uses, &refs->arena_use_cnt, code,
				       off / INSN_SZ);
			if (err)
				return err;
		}
		if (!is_code(s, sym->st_shndx, &tsh))
			continue;
		/* as libbpf resolves them: a call to st_value + imm + 1, a
		 * callback's address at st_value + imm (in bytes)
		 */
		if (insn.code == (BPF_JMP | BPF_CALL))
			err = add_edge(refs, code, off / INSN_SZ, sym->st_shndx,
				       sym->st_value / INSN_SZ + insn.imm + 1);
		else if (insn.code == LD_IMM64)
			err = add_edge(refs, code, off / INSN_SZ, sym->st_shndx,
				       (sym->st_value + insn.imm) / INSN_SZ);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_insn_at(const void *a, const void *b)
{
	const struct insn_at *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* Objects carry thousands of relocations: pins are kept sorted. */
static void sort_pins(struct arena_insn_refs *refs)
{
	if (refs->pin_cnt)
		qsort(refs->pins, refs->pin_cnt, sizeof(*refs->pins), cmp_insn_at);
}

static bool has_pin(const struct arena_insn_refs *refs, size_t shndx, size_t insn)
{
	struct insn_at key = { shndx, insn };

	return refs->pin_cnt &&
	       bsearch(&key, refs->pins, refs->pin_cnt, sizeof(*refs->pins), cmp_insn_at);
}

/* Calls inside one section carry no relocation: pc-relative. One that has
 * a relocation goes elsewhere (scan_rel()), whatever its imm says. Runs
 * after every .rel section is scanned, before .BTF.ext adds its pins. The
 * section may be misaligned in a corrupt file: read by copy.
 */
static int scan_local_calls(struct scan *s, size_t idx, const GElf_Shdr *sh)
{
	size_t cnt = sh->sh_size / INSN_SZ, i;
	int err;

	for (i = 0; i < cnt; i++) {
		struct bpf_insn insn;
		long target;

		memcpy(&insn, s->image + sh->sh_offset + i * INSN_SZ, sizeof(insn));
		target = (long)i + insn.imm + 1;
		if (insn.code != (BPF_JMP | BPF_CALL) || insn.src_reg != BPF_PSEUDO_CALL ||
		    target < 0 || (size_t)target >= cnt || (size_t)target == i ||
		    has_pin(s->refs, idx, i))
			continue;
		err = add_edge(s->refs, idx, i, idx, (size_t)target);
		if (err)
			return err;
	}
	return 0;
}

static size_t code_sec_by_name(struct scan *s, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(s->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
			continue;
		n = elf_strptr(s->elf, s->shstrndx, sh.sh_name);
		if (n && strcmp(n, name) == 0)
			return elf_ndxscn(scn);
	}
	return 0;
}

/* One info block of .BTF.ext (func_info or core_relo): every record starts
 * with the byte offset of the instruction it names.
 */
static int scan_ext_info(struct scan *s, const unsigned char *p, size_t len, const char *strs,
			 size_t str_len)
{
	__u32 rec_sz;
	size_t pos = 4;
	int err;

	if (len < 4)
		return 0;
	memcpy(&rec_sz, p, 4);
	if (rec_sz < 4)
		return -EINVAL;
	while (pos + 8 <= len) {
		__u32 name_off, n, i;
		size_t shndx;

		memcpy(&name_off, p + pos, 4);
		memcpy(&n, p + pos + 4, 4);
		pos += 8;
		if (name_off >= str_len || (size_t)n * rec_sz > len - pos)
			return -EINVAL;
		shndx = code_sec_by_name(s, strs + name_off);
		for (i = 0; shndx && i < n; i++) {
			__u32 insn_off;

			memcpy(&insn_off, p + pos + (size_t)i * rec_sz, 4);
			err = add_insn(&s->refs->pins, &s->refs->pin_cnt, shndx,
				       insn_off / INSN_SZ);
			if (err)
				return err;
		}
		pos += (size_t)n * rec_sz;
	}
	return 0;
}

static const unsigned char *sec_data(struct scan *s, const char *name, size_t *len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(s->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(s->elf, s->shstrndx, sh.sh_name);
		if (!n || strcmp(n, name) || sh.sh_offset > s->sz ||
		    sh.sh_size > s->sz - sh.sh_offset)
			continue;
		*len = sh.sh_size;
		return s->image + sh.sh_offset;
	}
	return NULL;
}

/* .BTF.ext: func_info (function starts) and core_relo (CO-RE). line_info
 * names positions only: an instruction's line stays with its index.
 */
static int scan_btf_ext(struct scan *s)
{
	size_t btf_len = 0, ext_len = 0;
	const unsigned char *btf = sec_data(s, ".BTF", &btf_len);
	const unsigned char *ext = sec_data(s, ".BTF.ext", &ext_len);
	__u32 hdr_len, str_off, str_len, off[3], len[3];
	__u16 magic[2];
	int i, err;

	if (!btf || !ext)
		return 0;
	if (btf_len < 24 || ext_len < 24)
		return -EINVAL;
	memcpy(&magic[0], btf, 2);
	memcpy(&magic[1], ext, 2);
	if (magic[0] != BTF_MAGIC || magic[1] != BTF_MAGIC)
		return -EINVAL;
	memcpy(&hdr_len, btf + 4, 4);
	memcpy(&str_off, btf + 16, 4);
	memcpy(&str_len, btf + 20, 4);
	if (hdr_len > btf_len || str_off > btf_len - hdr_len ||
	    str_len > btf_len - hdr_len - str_off || !str_len)
		return -EINVAL;

	memcpy(&hdr_len, ext + 4, 4);
	if (hdr_len < 24 || hdr_len > ext_len)
		return -EINVAL;
	memcpy(&off[0], ext + 8, 4); /* func_info */
	memcpy(&len[0], ext + 12, 4);
	off[1] = len[1] = 0; /* line_info: not pinned */
	off[2] = len[2] = 0;
	if (hdr_len >= 32) { /* core_relo came later */
		memcpy(&off[2], ext + 24, 4);
		memcpy(&len[2], ext + 28, 4);
	}
	for (i = 0; i < 3; i++) {
		if (!len[i])
			continue;
		if (off[i] > ext_len - hdr_len || len[i] > ext_len - hdr_len - off[i])
			return -EINVAL;
		err = scan_ext_info(s, ext + hdr_len + off[i], len[i],
				    (const char *)btf + 24 + str_off, str_len);
		if (err)
			return err;
	}
	return 0;
}

int arena_insn_refs_scan(Elf *elf, const unsigned char *image, size_t sz, const char *arena_map,
			 const char *obj_name, struct arena_insn_refs **out)
{
	struct scan s = { .elf = elf, .image = image, .sz = sz, .obj_name = obj_name };
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err;

	*out = NULL;
	s.refs = calloc(1, sizeof(*s.refs));
	if (!s.refs)
		return -ENOMEM;
	if (elf_getshdrstrndx(elf, &s.shstrndx)) {
		err = -EINVAL;
		goto err_out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, s.shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB)
			s.symtab_shndx = elf_ndxscn(scn);
		else if (name && strcmp(name, ".maps") == 0)
			s.maps_shndx = elf_ndxscn(scn);
	}
	err = scan_funcs(&s);
	while (!err && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_REL)
			err = scan_rel(&s, &sh, arena_map);
	sort_pins(s.refs); /* so far: the relocated ones */
	while (!err && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && is_code(&s, elf_ndxscn(scn), &sh))
			err = scan_local_calls(&s, elf_ndxscn(scn), &sh);
	if (err)
		goto err_out;
	err = scan_btf_ext(&s);
	if (err == -EINVAL) {
		/* libbpf will say what it makes of it; we touch nothing */
		pr_debug("object '%s': can't read .BTF.ext; binding will leave programs as "
			 "they are\n",
			 obj_name);
		s.refs->pins_unknown = true;
		err = 0;
	}
	if (err)
		goto err_out;
	sort_pins(s.refs);
	*out = s.refs;
	return 0;

err_out:
	arena_insn_refs_free(s.refs);
	return err;
}

void arena_insn_refs_free(struct arena_insn_refs *refs)
{
	size_t i;

	if (!refs)
		return;
	for (i = 0; i < refs->func_cnt; i++) {
		free(refs->funcs[i].name);
		free(refs->funcs[i].sec);
	}
	free(refs->funcs);
	free(refs->pins);
	free(refs->arena_uses);
	free(refs->edges);
	free(refs);
}

const struct arena_insn_func *arena_insn_refs_func(const struct arena_insn_refs *refs,
						   const char *sec, const char *name)
{
	size_t i;

	for (i = 0; refs && sec && name && i < refs->func_cnt; i++)
		if (strcmp(refs->funcs[i].name, name) == 0 && strcmp(refs->funcs[i].sec, sec) == 0)
			return &refs->funcs[i];
	return NULL;
}

static bool in_func(const struct arena_insn_func *f, const struct insn_at *at)
{
	return at->shndx == f->shndx && at->insn >= f->start && at->insn < f->start + f->cnt;
}

bool arena_insn_refs_names_arena(const struct arena_insn_refs *refs,
				 const struct arena_insn_func *func)
{
	size_t *stack, depth = 0, i, j;
	bool *seen, found = false;

	if (!refs || !func)
		return false;
	seen = calloc(refs->func_cnt, sizeof(*seen));
	stack = calloc(refs->func_cnt, sizeof(*stack));
	if (!seen || !stack) {
		free(seen);
		free(stack);
		return false; /* binding once more does no harm */
	}
	stack[depth++] = (size_t)(func - refs->funcs);
	seen[stack[0]] = true;
	while (depth && !found) {
		const struct arena_insn_func *f = &refs->funcs[stack[--depth]];

		for (i = 0; i < refs->arena_use_cnt && !found; i++)
			found = in_func(f, &refs->arena_uses[i]);
		for (i = 0; i < refs->edge_cnt && !found; i++) {
			if (!in_func(f, &refs->edges[i].site))
				continue;
			for (j = 0; j < refs->func_cnt; j++) {
				if (seen[j] || !in_func(&refs->funcs[j], &refs->edges[i].target))
					continue;
				seen[j] = true;
				stack[depth++] = j;
			}
		}
	}
	free(seen);
	free(stack);
	return found;
}

bool arena_insn_refs_pinned(const struct arena_insn_refs *refs, const struct arena_insn_func *func,
			    size_t idx)
{
	if (!refs || !func || refs->pins_unknown || idx >= func->cnt)
		return true;
	return has_pin(refs, func->shndx, func->start + idx);
}

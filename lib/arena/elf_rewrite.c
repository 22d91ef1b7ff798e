// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The ELF rewrite: what libbpf 1.1 can't take about arenas is taken out of
 * the object before libbpf sees it, and nothing else is touched.
 *
 * - Relocations against .addr_space.1 (the __arena globals) are dropped from
 *   their .rel section, which is compacted in place; the instructions they
 *   pointed at are recorded and later become 64-bit constants
 *   (arena_elf_patch_refs()). A relocation against a global names it by
 *   symbol (st_value is its offset); one against a static names the section,
 *   with the offset as addend in the instruction's imm, as clang emits both.
 * - Enum-typed fields of map definitions (__ulong) are retyped (map_def.c).
 *
 * Everything is validated before it is used: a malformed or truncated ELF is
 * an error here, never a crash in libbpf.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "insn_refs.h"
#include "internal.h"
#include "map_def.h"

struct elf_scan {
	const char *obj_name;
	Elf *elf;
	unsigned char *image;
	size_t sz;
	size_t shstrndx;
	size_t shnum;
	Elf64_Off shoff;
	__u16 shentsize;
	size_t arena_shndx; /* 0: none */
	size_t symtab_shndx;
	size_t btf_shndx;
	size_t btf_ext_shndx;
	const Elf64_Sym *syms;
	size_t sym_cnt;
};

static const char *sec_name(struct elf_scan *s, const GElf_Shdr *sh)
{
	const char *name = elf_strptr(s->elf, s->shstrndx, sh->sh_name);

	return name ? name : "<unnamed>";
}

static int check_header(struct elf_scan *s)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)s->image;
	unsigned char host_data;

	if (s->sz < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		pr_warn("object '%s': not an ELF file (%zu bytes, no ELF magic); expected a BPF "
			"object built with clang -target bpf\n",
			s->obj_name, s->sz);
		return -EINVAL;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		pr_warn("object '%s': not a 64-bit ELF; BPF objects are ELFCLASS64\n", s->obj_name);
		return -EINVAL;
	}
	host_data = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
	if (eh->e_ident[EI_DATA] != host_data) {
		pr_warn("object '%s': its byte order is not this machine's; build it with "
			"-target bpf (host order), not bpfel/bpfeb of the other order\n",
			s->obj_name);
		return -EINVAL;
	}
	if (eh->e_machine != EM_BPF) {
		pr_warn("object '%s': ELF machine %u is not BPF (%u); build it with clang "
			"-target bpf\n",
			s->obj_name, eh->e_machine, EM_BPF);
		return -EINVAL;
	}
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > s->sz ||
	    (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > s->sz - eh->e_shoff) {
		pr_warn("object '%s': truncated or corrupt ELF: section headers (%u at offset "
			"%llu) lie beyond the end of the file (%zu bytes)\n",
			s->obj_name, eh->e_shnum, (unsigned long long)eh->e_shoff, s->sz);
		return -EINVAL;
	}
	s->shoff = eh->e_shoff;
	s->shentsize = eh->e_shentsize;
	return 0;
}

/*
 * A data section becomes a map whose value is the whole section (libbpf's
 * .data/.rodata/.bss maps), and a NOBITS one has no bytes in the file to
 * bound its size: a corrupt .bss of 0x10577ef57c032d8a bytes made libbpf
 * create a 2 GiB map (its value_size is 32 bits) and keep the kernel busy
 * for 15 s. No byte of a map value at 512 MiB or beyond can be reached by a
 * program (the verifier's BPF_MAX_VAR_OFF bounds every map-value offset), so
 * a larger data section is corruption or unusable either way. The arena's
 * own section is bounded by the largest arena, 4 GiB.
 */
static int check_data_size(struct elf_scan *s, size_t idx, const char *name, const GElf_Shdr *sh)
{
	__u64 limit = strcmp(name, ARENA_SEC) == 0 ? BPF_ARENA_MAX_SIZE : MAX_DIRECT_VALUE_OFF;

	if (!(sh->sh_flags & SHF_ALLOC) || (sh->sh_flags & SHF_EXECINSTR) ||
	    (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_PROGBITS) || sh->sh_size <= limit)
		return 0;
	pr_warn("object '%s': corrupt or unusable ELF: data section %zu '%s' is %llu bytes, "
		"more than the %llu a BPF program can address in it\n",
		s->obj_name, idx, name, (unsigned long long)sh->sh_size, (unsigned long long)limit);
	return -EINVAL;
}

/* Every section's bytes must lie inside the file before anyone reads them. */
static int check_sections(struct elf_scan *s)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int err;

	if (elf_getshdrnum(s->elf, &s->shnum) || elf_getshdrstrndx(s->elf, &s->shstrndx)) {
		pr_warn("object '%s': corrupt ELF: %s\n", s->obj_name, elf_errmsg(-1));
		return -EINVAL;
	}
	while ((scn = elf_nextscn(s->elf, scn))) {
		size_t idx = elf_ndxscn(scn);
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			pr_warn("object '%s': corrupt section header %zu: %s\n", s->obj_name, idx,
				elf_errmsg(-1));
			return -EINVAL;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > s->sz || sh.sh_size > s->sz - sh.sh_offset)) {
			pr_warn("object '%s': truncated or corrupt ELF: section %zu (%llu bytes at "
				"offset %llu) extends past the end of the file (%zu bytes)\n",
				s->obj_name, idx, (unsigned long long)sh.sh_size,
				(unsigned long long)sh.sh_offset, s->sz);
			return -EINVAL;
		}
		name = sec_name(s, &sh);
		err = check_data_size(s, idx, name, &sh);
		if (err)
			return err;
		if (strcmp(name, ARENA_SEC) == 0)
			s->arena_shndx = idx;
		else if (strcmp(name, ".BTF") == 0)
			s->btf_shndx = idx;
		else if (strcmp(name, ".BTF.ext") == 0)
			s->btf_ext_shndx = idx;
		else if (sh.sh_type == SHT_SYMTAB)
			s->symtab_shndx = idx;
	}
	return 0;
}

static int get_shdr(struct elf_scan *s, size_t idx, GElf_Shdr *sh)
{
	Elf_Scn *scn = elf_getscn(s->elf, idx);

	if (!scn || !gelf_getshdr(scn, sh)) {
		pr_warn("object '%s': corrupt ELF: no section %zu\n", s->obj_name, idx);
		return -EINVAL;
	}
	return 0;
}

static int load_symbols(struct elf_scan *s)
{
	GElf_Shdr sh;
	int err;

	if (!s->symtab_shndx)
		return 0;
	err = get_shdr(s, s->symtab_shndx, &sh);
	if (err)
		return err;
	if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_offset % 8) {
		pr_warn("object '%s': corrupt symbol table (entry size %llu)\n", s->obj_name,
			(unsigned long long)sh.sh_entsize);
		return -EINVAL;
	}
	s->syms = (const Elf64_Sym *)(s->image + sh.sh_offset);
	s->sym_cnt = sh.sh_size / sizeof(Elf64_Sym);
	return 0;
}

static const char *sym_name(struct elf_scan *s, const Elf64_Sym *sym);

/*
 * Every symbol must describe bytes of its own section: libbpf 1.1 trusts
 * st_value and st_size (a FUNC symbol of size -56 made it malloc 2^64 - 56
 * bytes), so a symbol that points outside its section, names a section that
 * doesn't exist, or is a function outside code, is refused here.
 */
static int check_symbols(struct elf_scan *s)
{
	size_t i;

	for (i = 1; i < s->sym_cnt; i++) {
		const Elf64_Sym *sym = &s->syms[i];
		int type = ELF64_ST_TYPE(sym->st_info);
		GElf_Shdr sh;

		if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
		    sym->st_shndx == SHN_COMMON)
			continue;
		if (sym->st_shndx >= s->shnum) {
			pr_warn("object '%s': corrupt symbol #%zu '%s': section index %u, but the "
				"object has %zu sections\n",
				s->obj_name, i, sym_name(s, sym), sym->st_shndx, s->shnum);
			return -EINVAL;
		}
		if (get_shdr(s, sym->st_shndx, &sh))
			return -EINVAL;
		if (sym->st_value > sh.sh_size || sym->st_size > sh.sh_size - sym->st_value) {
			pr_warn("object '%s': corrupt symbol #%zu '%s': %llu bytes at offset %llu "
				"lie outside its section '%s' (%llu bytes)\n",
				s->obj_name, i, sym_name(s, sym), (unsigned long long)sym->st_size,
				(unsigned long long)sym->st_value, sec_name(s, &sh),
				(unsigned long long)sh.sh_size);
			return -EINVAL;
		}
		if (type == STT_FUNC &&
		    (!(sh.sh_flags & SHF_EXECINSTR) || sh.sh_type != SHT_PROGBITS ||
		     sym->st_value % BPF_INSN_SZ || sym->st_size % BPF_INSN_SZ)) {
			pr_warn("object '%s': corrupt symbol #%zu: function '%s' is not whole "
				"instructions of a code section ('%s')\n",
				s->obj_name, i, sym_name(s, sym), sec_name(s, &sh));
			return -EINVAL;
		}
	}
	return 0;
}

static const char *sym_name(struct elf_scan *s, const Elf64_Sym *sym)
{
	GElf_Shdr sh;
	const char *name;

	if (get_shdr(s, s->symtab_shndx, &sh))
		return "?";
	name = elf_strptr(s->elf, sh.sh_link, sym->st_name);
	return name && *name ? name : ARENA_SEC " (static)";
}

/*
 * .BTF.ext: func_info, line_info and CO-RE relocations, each a part named by
 * an (offset, length) pair after the header. Only the header is checked
 * here: a magic libbpf knows, a header inside the section, and every part
 * inside the section; libbpf checks the records.
 */
static int check_btf_ext(struct elf_scan *s)
{
	const unsigned char *p;
	__u32 hdr_len, off, len, i;
	__u16 magic;
	GElf_Shdr sh;

	if (!s->btf_ext_shndx)
		return 0;
	if (get_shdr(s, s->btf_ext_shndx, &sh))
		return -EINVAL;
	if (sh.sh_type == SHT_NOBITS || sh.sh_size < 8)
		goto bad;
	p = s->image + sh.sh_offset; /* inside the file: check_sections() */
	memcpy(&magic, p, sizeof(magic));
	memcpy(&hdr_len, p + 4, sizeof(hdr_len));
	if (magic != 0xeB9F || p[2] != 1 || hdr_len < 8 || hdr_len > sh.sh_size || hdr_len % 4)
		goto bad;
	/* after magic, version, flags and hdr_len: offset/length pairs */
	for (i = 8; i + 8 <= hdr_len; i += 8) {
		memcpy(&off, p + i, sizeof(off));
		memcpy(&len, p + i + 4, sizeof(len));
		if ((__u64)hdr_len + off + len > sh.sh_size)
			goto bad;
	}
	return 0;
bad:
	pr_warn("object '%s': corrupt .BTF.ext (%llu bytes): its header or a part it names lies "
		"outside the section\n",
		s->obj_name, (unsigned long long)sh.sh_size);
	return -EINVAL;
}

static int add_ref(struct arena_elf *elf, size_t file_off, __u64 arena_off)
{
	struct arena_ref *refs;

	refs = realloc(elf->refs, (elf->ref_cnt + 1) * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	elf->refs = refs;
	refs[elf->ref_cnt].file_off = file_off;
	refs[elf->ref_cnt].arena_off = arena_off;
	elf->ref_cnt++;
	return 0;
}

/* Validate one .rel section of code, record and drop the entries that point
 * into the arena, and compact the rest in place.
 */
static int scan_relocs(struct elf_scan *s, const GElf_Shdr *rel_sh, struct arena_elf *elf)
{
	Elf64_Rel *rels = (Elf64_Rel *)(s->image + rel_sh->sh_offset);
	size_t cnt = rel_sh->sh_size / sizeof(Elf64_Rel), kept = 0, i;
	GElf_Shdr code_sh, arena_sh;
	const char *code_name;
	int err;

	err = get_shdr(s, rel_sh->sh_info, &code_sh);
	if (err)
		return err;
	if (!(code_sh.sh_flags & SHF_EXECINSTR))
		return (int)cnt; /* libbpf ignores these (debug info...), so do we */
	code_name = sec_name(s, &code_sh);
	if (rel_sh->sh_entsize != sizeof(Elf64_Rel) || rel_sh->sh_size % sizeof(Elf64_Rel) ||
	    rel_sh->sh_offset % 8) {
		pr_warn("object '%s': corrupt relocation section for '%s'\n", s->obj_name,
			code_name);
		return -EINVAL;
	}
	if (s->arena_shndx) {
		err = get_shdr(s, s->arena_shndx, &arena_sh);
		if (err)
			return err;
	}

	for (i = 0; i < cnt; i++) {
		Elf64_Rel rel = rels[i];
		size_t sym_idx = ELF64_R_SYM(rel.r_info);
		const Elf64_Sym *sym;
		const unsigned char *insn;
		__u64 arena_off;
		__s32 addend;

		if (sym_idx >= s->sym_cnt) {
			pr_warn("object '%s': bogus relocation #%zu in '%s': symbol %zu of %zu\n",
				s->obj_name, i, code_name, sym_idx, s->sym_cnt);
			return -EINVAL;
		}
		if (rel.r_offset % BPF_INSN_SZ || rel.r_offset >= code_sh.sh_size ||
		    code_sh.sh_type == SHT_NOBITS) {
			pr_warn("object '%s': bogus relocation #%zu in '%s': offset %llu is not an "
				"instruction of the section (%llu bytes)\n",
				s->obj_name, i, code_name, (unsigned long long)rel.r_offset,
				(unsigned long long)code_sh.sh_size);
			return -EINVAL;
		}
		sym = &s->syms[sym_idx];
		if (!s->arena_shndx || sym->st_shndx != s->arena_shndx) {
			rels[kept++] = rel;
			continue;
		}

		insn = s->image + code_sh.sh_offset + rel.r_offset;
		if (insn[0] != BPF_LD_IMM64_CODE ||
		    rel.r_offset + 2 * BPF_INSN_SZ > code_sh.sh_size) {
			pr_warn("object '%s': bogus relocation #%zu in '%s' against __arena global "
				"'%s': instruction %llu is not a 64-bit load (ld_imm64)\n",
				s->obj_name, i, code_name, sym_name(s, sym),
				(unsigned long long)(rel.r_offset / BPF_INSN_SZ));
			return -EINVAL;
		}
		memcpy(&addend, insn + 4, sizeof(addend));
		arena_off = sym->st_value + (__s64)addend;
		if (arena_off > arena_sh.sh_size) {
			pr_warn("object '%s': bogus relocation #%zu in '%s': __arena global '%s' + "
				"%d lies outside %s (%llu bytes)\n",
				s->obj_name, i, code_name, sym_name(s, sym), addend, ARENA_SEC,
				(unsigned long long)arena_sh.sh_size);
			return -EINVAL;
		}
		err = add_ref(elf, code_sh.sh_offset + rel.r_offset, arena_off);
		if (err)
			return err;
	}
	return (int)kept;
}

static void set_section_size(struct elf_scan *s, size_t idx, __u64 size)
{
	Elf64_Shdr *sh = (Elf64_Shdr *)(s->image + s->shoff + (size_t)s->shentsize * idx);

	sh->sh_size = size;
}

static int scan_all_relocs(struct elf_scan *s, struct arena_elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int kept;

	while ((scn = elf_nextscn(s->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL)
			continue;
		if (!s->symtab_shndx || sh.sh_info == 0 || sh.sh_info >= s->shnum) {
			pr_warn("object '%s': relocation section '%s' without symbols or target\n",
				s->obj_name, sec_name(s, &sh));
			return -EINVAL;
		}
		kept = scan_relocs(s, &sh, elf);
		if (kept < 0)
			return kept;
		/* Shrink the section: libbpf reads sh_size bytes, the tail is dead. */
		if ((size_t)kept * sizeof(Elf64_Rel) < sh.sh_size)
			set_section_size(s, elf_ndxscn(scn), (__u64)kept * sizeof(Elf64_Rel));
	}
	return 0;
}

/* Globals need an arena, and one they fit in: checked before their image is
 * allocated, as big as they are.
 */
static int check_arena_def(struct elf_scan *s, struct arena_elf *elf)
{
	GElf_Shdr sh = {};

	if (s->arena_shndx && get_shdr(s, s->arena_shndx, &sh))
		return -EINVAL;
	if ((sh.sh_size || elf->ref_cnt) && !elf->has_arena_map && !s->btf_shndx) {
		pr_warn("object '%s' has __arena globals but no BTF (no .BTF section), where "
			"its arena map would be defined: compile it with clang -g\n",
			s->obj_name);
		return -EINVAL;
	}
	if ((sh.sh_size || elf->ref_cnt) && !elf->has_arena_map) {
		pr_warn("object '%s' has __arena globals (%llu bytes in %s) but no arena map: "
			"declare one in SEC(\".maps\") with __uint(type, BPF_MAP_TYPE_ARENA)\n",
			s->obj_name, (unsigned long long)sh.sh_size, ARENA_SEC);
		return -EINVAL;
	}
	if (!elf->has_arena_map)
		return 0;
	return arena_map_def_validate(&elf->def, sh.sh_size, s->obj_name);
}

static int copy_globals(struct elf_scan *s, struct arena_elf *elf)
{
	GElf_Shdr sh;
	int err;

	if (!s->arena_shndx)
		return 0;
	err = get_shdr(s, s->arena_shndx, &sh);
	if (err)
		return err;
	elf->has_globals_sec = sh.sh_size > 0;
	elf->globals_sz = sh.sh_size;
	if (!elf->globals_sz)
		return 0;
	elf->globals_init = calloc(1, elf->globals_sz);
	if (!elf->globals_init)
		return -ENOMEM;
	if (sh.sh_type != SHT_NOBITS)
		memcpy(elf->globals_init, s->image + sh.sh_offset, elf->globals_sz);
	return 0;
}

/* libbpf has no use for .addr_space.1 in our image (the globals reach the
 * arena through us, their relocations are gone), but libbpf < 1.4 says
 * "elf: skipping unrecognized data section(N) .addr_space.1" at INFO, which
 * the default print callback shows, on every open. It must keep the section
 * by name all the same: libbpf sizes the DATASEC .addr_space.1 of BTF from
 * the ELF section of that name. libbpf skips sections of type SHT_STRTAB
 * without a word (ignore_elf_section(), 1.1 to HEAD) and finds a section's
 * size by name whatever its type, so the image's copy of the section
 * becomes a string table: same name, bytes and size, nothing to say.
 * libbpf 1.4+ would otherwise know it as the arena's data, which it never
 * gets to use with ours (internal.h).
 */
static void quiet_globals_section(struct elf_scan *s)
{
	Elf64_Shdr *sh;

	if (!s->arena_shndx)
		return;
	sh = (Elf64_Shdr *)(s->image + s->shoff + (size_t)s->shentsize * s->arena_shndx);
	if (sh->sh_type == SHT_PROGBITS)
		sh->sh_type = SHT_STRTAB;
}

int arena_elf_parse(const void *buf, size_t sz, const char *obj_name, struct arena_elf *elf)
{
	struct elf_scan s = { .obj_name = obj_name, .sz = sz };
	int err;

	memset(elf, 0, sizeof(*elf));
	if (!buf) {
		pr_warn("object '%s': no data\n", obj_name);
		return -EINVAL;
	}
	s.image = malloc(sz ? sz : 1);
	if (!s.image)
		return -ENOMEM;
	memcpy(s.image, buf, sz);
	elf->image = s.image;
	elf->image_sz = sz;

	err = check_header(&s);
	if (err)
		goto out;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_warn("libelf is unusable: %s\n", elf_errmsg(-1));
		err = -ELIBACC;
		goto out;
	}
	s.elf = elf_memory((char *)s.image, sz);
	if (!s.elf || elf_kind(s.elf) != ELF_K_ELF) {
		pr_warn("object '%s': libelf can't read it: %s\n", obj_name, elf_errmsg(-1));
		err = -EINVAL;
		goto out;
	}
	err = check_sections(&s);
	if (err)
		goto out;
	err = load_symbols(&s);
	if (err)
		goto out;
	err = check_symbols(&s);
	if (err)
		goto out;
	err = check_btf_ext(&s);
	if (err)
		goto out;
	if (s.btf_shndx) {
		GElf_Shdr sh;

		err = get_shdr(&s, s.btf_shndx, &sh);
		if (err)
			goto out;
		if (sh.sh_type == SHT_NOBITS) {
			pr_warn("object '%s': corrupt ELF: .BTF has no bytes in the file\n",
				obj_name);
			err = -EINVAL;
			goto out;
		}
		err = arena_map_def_scan(s.image + sh.sh_offset, sh.sh_size, obj_name, elf);
		if (err)
			goto out;
	}
	/* before the rewrite drops relocations: binding needs all of them */
	err = arena_insn_refs_scan(s.elf, s.image, sz, elf->has_arena_map ? elf->def.name : NULL,
				   obj_name, &elf->insn_refs);
	if (err)
		goto out;
	err = scan_all_relocs(&s, elf);
	if (err)
		goto out;
	err = check_arena_def(&s, elf);
	if (err)
		goto out;
	err = copy_globals(&s, elf);
	if (err)
		goto out;
	quiet_globals_section(&s);
out:
	if (s.elf)
		elf_end(s.elf);
	if (err)
		arena_elf_free(elf);
	return err;
}

void arena_elf_patch_refs(struct arena_elf *elf, __u64 globals_addr)
{
	unsigned char *image = elf->image;
	size_t i;

	for (i = 0; i < elf->ref_cnt; i++) {
		unsigned char *insn = image + elf->refs[i].file_off;
		__u64 addr = globals_addr + elf->refs[i].arena_off;
		__u32 lo = (__u32)addr, hi = (__u32)(addr >> 32);

		/* ld_imm64 dst, addr: src_reg 0 (a plain constant), imm = low
		 * half, the second slot's imm = high half.
		 */
		insn[1] &= 0x0f;
		memcpy(insn + 4, &lo, sizeof(lo));
		memcpy(insn + BPF_INSN_SZ + 4, &hi, sizeof(hi));
	}
}

void arena_elf_free(struct arena_elf *elf)
{
	free(elf->image);
	free(elf->globals_init);
	free(elf->refs);
	free(elf->fixups);
	arena_insn_refs_free(elf->insn_refs);
	memset(elf, 0, sizeof(*elf));
}

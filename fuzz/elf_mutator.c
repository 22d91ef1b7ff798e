// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * An ELF-aware mutator for libFuzzer, shared by every harness here. Byte
 * flips at random rarely get a BPF object past the ELF header, the section
 * table and libbpf's first checks, so most mutations here edit one field
 * the loader trusts, found through the object's own structure: a section
 * header, a symbol, a relocation, the BTF and .BTF.ext headers and types, an
 * instruction, or the file's length. Values are drawn from those that break
 * parsers (0, ~0, sign bits, sizes just past the end, other sections'
 * values). When the input isn't an ELF the mutator falls back to libFuzzer's
 * own mutations, which is also how the header itself gets mutated.
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	/* xorshift64*: deterministic for a given seed, as libFuzzer wants */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? next(r) % n : 0;
}

/* A value that tends to break a parser, related to @old and @limit (the
 * size of what the field indexes or measures).
 */
static uint64_t interesting(struct rng *r, uint64_t old, uint64_t limit)
{
	static const uint64_t fixed[] = {
		0,
		1,
		7,
		8,
		0x7f,
		0xff,
		0xffff,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x100000000ULL,
		0x20000000,
		0x7ffffffff000ULL,
		0x8000000000000000ULL,
		0xffffffffffffffffULL,
		(uint64_t)-56, /* a negative st_size libbpf once malloc'ed */
		0x10577ef57c032d8aULL, /* a .bss size that made a 2 GiB map */
	};

	switch (below(r, 6)) {
	case 0:
		return fixed[below(r, sizeof(fixed) / sizeof(fixed[0]))];
	case 1:
		return old + 1 + below(r, 16);
	case 2:
		return old - 1 - below(r, 16);
	case 3:
		return limit + below(r, 3) - 1;
	case 4:
		return below(r, limit + 1);
	default:
		return old ^ (1ULL << below(r, 64));
	}
}

static void put(void *p, size_t width, uint64_t v)
{
	switch (width) {
	case 1:
		*(uint8_t *)p = (uint8_t)v;
		break;
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
	}
}

static uint64_t get(const void *p, size_t width)
{
	uint64_t v = 0;

	memcpy(&v, p, width); /* little-endian host, as the objects are */
	return v;
}

struct elf_view {
	uint8_t *data;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh; /* copy-free view; valid only when it fits */
	size_t shnum;
};

static bool view(struct elf_view *v, uint8_t *data, size_t size)
{
	v->data = data;
	v->size = size;
	if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG))
		return false;
	v->eh = (Elf64_Ehdr *)data;
	if (v->eh->e_shentsize != sizeof(Elf64_Shdr) || v->eh->e_shoff > size ||
	    v->eh->e_shoff % 8 ||
	    (size_t)v->eh->e_shnum * sizeof(Elf64_Shdr) > size - v->eh->e_shoff)
		return false;
	v->sh = (Elf64_Shdr *)(data + v->eh->e_shoff);
	v->shnum = v->eh->e_shnum;
	return v->shnum > 1;
}

/* The bytes of section @i, if they lie in the file, 8-byte aligned when
 * they are read as structs.
 */
static uint8_t *sec_bytes_aligned(struct elf_view *v, size_t i, size_t *len, size_t align)
{
	Elf64_Shdr *s = &v->sh[i];

	if (s->sh_type == SHT_NOBITS || s->sh_offset > v->size ||
	    s->sh_size > v->size - s->sh_offset || s->sh_offset % align)
		return NULL;
	*len = s->sh_size;
	return v->data + s->sh_offset;
}

static uint8_t *sec_bytes(struct elf_view *v, size_t i, size_t *len)
{
	return sec_bytes_aligned(v, i, len, 1);
}

static const char *sec_name(struct elf_view *v, size_t i)
{
	size_t len, str = v->eh->e_shstrndx;
	uint8_t *strs;

	if (str >= v->shnum || !(strs = sec_bytes(v, str, &len)) || v->sh[i].sh_name >= len ||
	    !memchr(strs + v->sh[i].sh_name, 0, len - v->sh[i].sh_name))
		return "";
	return (const char *)strs + v->sh[i].sh_name;
}

/* A random section of type @type (0: any), or -1. */
static long pick_sec(struct elf_view *v, struct rng *r, uint32_t type, const char *name)
{
	size_t i, n = 0, cand[256];

	for (i = 1; i < v->shnum && n < 256; i++)
		if ((!type || v->sh[i].sh_type == type) && (!name || !strcmp(sec_name(v, i), name)))
			cand[n++] = i;
	return n ? (long)cand[below(r, n)] : -1;
}

static bool mutate_shdr(struct elf_view *v, struct rng *r)
{
	static const struct {
		size_t off, width;
	} fields[] = {
		{ offsetof(Elf64_Shdr, sh_type), 4 },	   { offsetof(Elf64_Shdr, sh_flags), 8 },
		{ offsetof(Elf64_Shdr, sh_offset), 8 },	   { offsetof(Elf64_Shdr, sh_size), 8 },
		{ offsetof(Elf64_Shdr, sh_link), 4 },	   { offsetof(Elf64_Shdr, sh_info), 4 },
		{ offsetof(Elf64_Shdr, sh_addralign), 8 }, { offsetof(Elf64_Shdr, sh_entsize), 8 },
		{ offsetof(Elf64_Shdr, sh_name), 4 },
	};
	size_t i = 1 + below(r, v->shnum - 1), f = below(r, sizeof(fields) / sizeof(fields[0]));
	uint8_t *p = (uint8_t *)&v->sh[i] + fields[f].off;
	uint64_t limit = fields[f].off == offsetof(Elf64_Shdr, sh_link) ||
					 fields[f].off == offsetof(Elf64_Shdr, sh_info)
				 ? v->shnum
				 : v->size;

	if (fields[f].off == offsetof(Elf64_Shdr, sh_type) && below(r, 2)) {
		static const uint32_t types[] = { SHT_NULL,  SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB,
						  SHT_RELA,  SHT_NOBITS,   SHT_REL,    SHT_DYNSYM,
						  SHT_GROUP, 0x6fff4c00 /* LLVM addrsig */ };
		put(p, 4, types[below(r, sizeof(types) / sizeof(types[0]))]);
		return true;
	}
	if (fields[f].off == offsetof(Elf64_Shdr, sh_flags) && below(r, 2)) {
		put(p, 8, get(p, 8) ^ (below(r, 2) ? SHF_EXECINSTR : SHF_ALLOC | SHF_WRITE));
		return true;
	}
	/* sometimes take another section's value of the same field */
	if (below(r, 4) == 0) {
		size_t j = 1 + below(r, v->shnum - 1);

		memcpy(p, (uint8_t *)&v->sh[j] + fields[f].off, fields[f].width);
		return true;
	}
	put(p, fields[f].width, interesting(r, get(p, fields[f].width), limit));
	return true;
}

static bool mutate_sym(struct elf_view *v, struct rng *r)
{
	long s = pick_sec(v, r, SHT_SYMTAB, NULL);
	size_t len, n, f;
	Elf64_Sym *sym;
	uint8_t *b;

	if (s < 0 || !(b = sec_bytes_aligned(v, s, &len, 8)) || (n = len / sizeof(Elf64_Sym)) < 2)
		return false;
	sym = (Elf64_Sym *)(b + sizeof(Elf64_Sym) * (1 + below(r, n - 1)));
	f = below(r, 6);
	switch (f) {
	case 0:
		sym->st_value = interesting(r, sym->st_value, v->size);
		break;
	case 1:
		sym->st_size = interesting(r, sym->st_size, v->size);
		break;
	case 2:
		sym->st_shndx = (uint16_t)(below(r, 4) ? below(r, v->shnum + 2)
						       : interesting(r, sym->st_shndx, v->shnum));
		break;
	case 3: /* type: NOTYPE, OBJECT, FUNC, SECTION, FILE */
		sym->st_info = ELF64_ST_INFO(ELF64_ST_BIND(sym->st_info), below(r, 5));
		break;
	case 4:
		sym->st_info = ELF64_ST_INFO(below(r, 3), ELF64_ST_TYPE(sym->st_info));
		break;
	default:
		sym->st_name = (uint32_t)interesting(r, sym->st_name, 4096);
	}
	return true;
}

static bool mutate_rel(struct elf_view *v, struct rng *r)
{
	long s = pick_sec(v, r, SHT_REL, NULL);
	size_t len, n;
	Elf64_Rel *rel;
	uint8_t *b;

	if (s < 0 || !(b = sec_bytes_aligned(v, s, &len, 8)) || !(n = len / sizeof(Elf64_Rel)))
		return false;
	rel = (Elf64_Rel *)b + below(r, n);
	switch (below(r, 4)) {
	case 0:
		rel->r_offset = below(r, 2) ? interesting(r, rel->r_offset, 4096)
					    : rel->r_offset + 8 * (below(r, 5) - 2);
		break;
	case 1:
		rel->r_info = ELF64_R_INFO(interesting(r, ELF64_R_SYM(rel->r_info), 64),
					   ELF64_R_TYPE(rel->r_info));
		break;
	case 2:
		rel->r_info = ELF64_R_INFO(ELF64_R_SYM(rel->r_info), below(r, 12));
		break;
	default: /* duplicate another entry */
		*rel = ((Elf64_Rel *)b)[below(r, n)];
	}
	return true;
}

/* BTF and .BTF.ext: their headers (offsets and lengths of the parts), or a
 * 32-bit word of the types (kinds, vlen, type ids, offsets, sizes).
 */
static bool mutate_btf(struct elf_view *v, struct rng *r, const char *name)
{
	long s = pick_sec(v, r, 0, name);
	size_t len, word;
	uint8_t *b;

	if (s < 0 || !(b = sec_bytes(v, s, &len)) || len < 24)
		return false;
	if (below(r, 3) == 0) {
		/* header: magic(2) version(1) flags(1) hdr_len(4), then 32-bit
		 * offset/length pairs
		 */
		word = 1 + below(r, (len < 64 ? len : 64) / 4 - 1);
		put(b + 4 * word, 4, interesting(r, get(b + 4 * word, 4), len));
		return true;
	}
	word = below(r, len / 4);
	if (below(r, 3) == 0) { /* a type's info: kind and vlen */
		uint32_t info = (uint32_t)get(b + 4 * word, 4);

		info = below(r, 2)
			       ? (info & ~(0x1fU << 24)) | (uint32_t)below(r, 20) << 24
			       : (info & ~0xffffU) | (uint32_t)interesting(r, info & 0xffff, 64);
		put(b + 4 * word, 4, info);
		return true;
	}
	put(b + 4 * word, 4, interesting(r, get(b + 4 * word, 4), 256));
	return true;
}

/* One instruction of a code section: opcode, registers, offset or imm. */
static bool mutate_insn(struct elf_view *v, struct rng *r)
{
	size_t i, n = 0, cand[64], len;
	uint8_t *b, *insn;

	for (i = 1; i < v->shnum && n < 64; i++)
		if (v->sh[i].sh_type == SHT_PROGBITS && (v->sh[i].sh_flags & SHF_EXECINSTR))
			cand[n++] = i;
	if (!n || !(b = sec_bytes(v, cand[below(r, n)], &len)) || len < 8)
		return false;
	insn = b + 8 * below(r, len / 8);
	switch (below(r, 4)) {
	case 0:
		insn[0] = (uint8_t)next(r);
		break;
	case 1:
		insn[1] = (uint8_t)next(r);
		break;
	case 2:
		put(insn + 2, 2, interesting(r, get(insn + 2, 2), 64));
		break;
	default:
		put(insn + 4, 4, interesting(r, get(insn + 4, 4), 1U << 20));
	}
	return true;
}

/* Cut the file: at a section's start or end, or anywhere. */
static size_t truncate_elf(struct elf_view *v, struct rng *r)
{
	size_t i = 1 + below(r, v->shnum - 1), cut;

	if (below(r, 2) && v->sh[i].sh_offset < v->size)
		cut = v->sh[i].sh_offset + (below(r, 2) ? 0 : v->sh[i].sh_size / 2);
	else
		cut = below(r, v->size);
	return cut && cut < v->size ? cut : v->size;
}

/* Let libFuzzer mutate the bytes of one section in place. */
static bool mutate_sec_bytes(struct elf_view *v, struct rng *r)
{
	size_t i = 1 + below(r, v->shnum - 1), len;
	uint8_t *b = sec_bytes(v, i, &len);
	size_t n;

	if (!b || !len)
		return false;
	n = LLVMFuzzerMutate(b, len, len);
	if (n < len) /* shrunk: keep the length, fill the tail */
		memset(b + n, 0, len - n);
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct rng r = { .s = seed ? seed : 0x9e3779b97f4a7c15ULL };
	struct elf_view v;
	int rounds, k;
	bool done = false;

	if (!view(&v, data, size) || below(&r, 16) == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	rounds = 1 + (int)below(&r, 3);
	for (k = 0; k < rounds; k++) {
		switch (below(&r, 10)) {
		case 0:
		case 1:
			done |= mutate_shdr(&v, &r);
			break;
		case 2:
		case 3:
			done |= mutate_sym(&v, &r);
			break;
		case 4:
			done |= mutate_rel(&v, &r);
			break;
		case 5:
			done |= mutate_btf(&v, &r, ".BTF");
			break;
		case 6:
			done |= mutate_btf(&v, &r, ".BTF.ext");
			break;
		case 7:
			done |= mutate_insn(&v, &r);
			break;
		case 8:
			done |= mutate_sec_bytes(&v, &r);
			break;
		default:
			if (below(&r, 2)) {
				size = truncate_elf(&v, &r);
				return size;
			}
			done |= mutate_shdr(&v, &r);
		}
		/* a mutation may have moved the section table: look again */
		if (!view(&v, data, size))
			break;
	}
	return done ? size : LLVMFuzzerMutate(data, size, max_size);
}

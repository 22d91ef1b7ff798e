/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the generator needs to know about a BPF object, read from its ELF and
 * BTF directly: libbpf 1.1 refuses to open an object with __arena globals,
 * and the generator must not depend on the kernel it runs on. The names and
 * the order of maps and programs follow the rules libbpf applies when it
 * opens the object, so that the skeleton finds them by name at run time.
 */
#ifndef __BPF_ARENA_GEN_BPF_OBJ_H
#define __BPF_ARENA_GEN_BPF_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

/* The arena's section and map type (uapi of kernel 6.9+). */
#define GEN_ARENA_SEC ".addr_space.1"
#define GEN_MAP_TYPE_ARENA 33

struct gen_var {
	const char *name;
	__u32 type_id; /* the variable's type, not its BTF VAR */
	__u64 offset; /* in its section, as libbpf lays it out (64-bit, as in ELF) */
	__u64 size;
	bool is_static; /* static variables are not part of a skeleton */
};

/* A BTF DATASEC with the sizes and offsets clang leaves as 0 filled in. */
struct gen_datasec {
	const char *name;
	__u64 size; /* the ELF section's, 64-bit as there */
	struct gen_var *vars; /* by offset */
	int nr_vars;
};

struct gen_map {
	char *ident; /* its member in skel->maps (and skel->bss...) */
	char *name; /* the name libbpf finds it by */
	bool internal; /* .data, .rodata, .bss, .kconfig and their kin */
	__u32 type; /* map type of a map in .maps, 0 when unknown */
	struct gen_datasec *sec; /* variables of an internal map, may be NULL */
};

struct gen_prog {
	const char *name;
	size_t shndx;
	__u64 offset;
};

struct gen_obj {
	const char *path;
	char *elf_buf;
	size_t elf_sz;
	struct btf *btf;
	struct gen_map *maps;
	int nr_maps;
	struct gen_prog *progs;
	int nr_progs;
	struct gen_datasec *secs;
	int nr_secs;
	struct gen_datasec *arena_sec; /* .addr_space.1, NULL if none */
	struct gen_map *arena_map; /* the arena map, NULL if none */
};

/* Reads @path. On error prints why on stderr and returns a negative errno. */
int gen_obj_open(struct gen_obj *obj, const char *path);
/* The same from a copy of @buf (@sz bytes); @name stands for the path in
 * messages (the fuzzer's way in).
 */
int gen_obj_open_mem(struct gen_obj *obj, const char *name, const void *buf, size_t sz);
void gen_obj_close(struct gen_obj *obj);

struct strbuf;
/* The skeleton of @obj, named @name, into @out (gen_skeleton.c); the caller
 * frees @out, also on error.
 */
int gen_skeleton_build(const struct gen_obj *obj, const char *name, struct strbuf *out);

/* Replaces every character that can't be in a C identifier by '_'. */
void gen_sanitize_ident(char *s);

#endif

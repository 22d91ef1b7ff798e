/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf_arena internals: how this works.
 *
 * libbpf before 1.4 cannot open an object that uses an arena: it refuses the
 * relocations against the .addr_space.1 section (the __arena globals) and a
 * 64-bit map_extra written as an enum (__ulong), and it never mmaps the arena,
 * so the verifier refuses every program that uses it. This library stands
 * between the application and libbpf:
 *
 *  open  (elf_rewrite.c, map_def.c) reads the ELF with libelf and finds the
 *        arena map in .maps (BTF) and every instruction that references an
 *        __arena global. It decides where the globals go (the end of the
 *        arena by default) and at which user address the arena will live
 *        (map_extra, or an address it reserves now when map_extra is 0), so
 *        every such instruction can become a plain 64-bit constant holding
 *        the global's final user address. The verifier takes that constant
 *        as a scalar, and the cast to kernel form that follows it uses its
 *        low 32 bits: this reaches any offset, where a map-value reference
 *        is refused at 512 MiB and beyond. Those relocations are dropped and
 *        the enum-typed map fields given a type libbpf 1.1 parses; every
 *        other byte stays what the compiler wrote. libbpf then opens the
 *        rewritten image, and the result is a plain struct bpf_object.
 *  load  (arena_map.c, prog_bind.c) creates the arena, maps it at the chosen
 *        address without replacing anything, populates the globals' pages
 *        and copies their initial image in, binds the arena to programs that
 *        don't name it themselves, hands the fd to libbpf
 *        (bpf_map__reuse_fd()) and lets bpf_object__load() do the rest.
 *  close unmaps and closes all of it (object.c), whatever state it is in.
 *
 * The library does this itself on every libbpf version, also 1.4+ which
 * knows arenas: with the relocations gone and the map's fd preset, libbpf
 * never creates, maps or fills the arena, so nothing is done twice.
 */
#ifndef __BPF_ARENA_INTERNAL_H
#define __BPF_ARENA_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "log.h"

#define ARENA_SEC ".addr_space.1"
#define MAPS_SEC ".maps"
#define BPF_INSN_SZ 8
#define BPF_LD_IMM64_CODE 0x18 /* BPF_LD | BPF_IMM | BPF_DW */
#define MAX_DIRECT_VALUE_OFF (1U << 29) /* the verifier's BPF_MAX_VAR_OFF */

#ifndef EM_BPF
#define EM_BPF 247
#endif

struct map_fixup;
struct arena_insn_refs;

/* One instruction that references an __arena global. */
struct arena_ref {
	size_t file_off; /* of the ld_imm64 in the ELF image */
	__u64 arena_off; /* offset of the referenced byte in .addr_space.1 */
};

/* The arena map as its BTF definition in .maps declares it. */
struct arena_map_def {
	char name[256];
	__u32 max_entries;
	__u32 map_flags;
	__u64 map_extra;
	__s32 numa_node;
	bool has_numa_node;
};

/* What open learns from the ELF and how it rewrites it. */
struct arena_elf {
	void *image; /* the rewritten ELF, handed to libbpf */
	size_t image_sz;

	bool has_arena_map;
	struct arena_map_def def;

	bool has_globals_sec;
	size_t globals_sz; /* size of .addr_space.1 */
	void *globals_init; /* its initial image (zeros when NOBITS) */

	struct arena_ref *refs;
	size_t ref_cnt;

	struct map_fixup *fixups; /* enum-typed map fields, see map_def.h */
	size_t fixup_cnt;

	struct arena_insn_refs *insn_refs; /* for binding, see insn_refs.h */
};

/* Parse @buf, validate it (the ELF, symbols, relocations, BTF, and the arena
 * map's definition against its globals: arena_map_def_validate(); the
 * skeleton generator runs the same check, so what the library refuses never
 * gets a skeleton) and record the arena map, globals and references;
 * @elf->image is a private copy of @buf with relocations against the arena
 * dropped and enum-typed map fields rewritten. Instructions are not patched
 * yet (arena_elf_patch_refs()).
 */
int arena_elf_parse(const void *buf, size_t sz, const char *obj_name, struct arena_elf *elf);
/* Write into every referencing instruction the user address of its target,
 * with the globals at @globals_addr.
 */
void arena_elf_patch_refs(struct arena_elf *elf, __u64 globals_addr);
void arena_elf_free(struct arena_elf *elf);

/* arena_map.c */
struct arena_mapping {
	int fd;
	void *addr;
	size_t size;
	void *reserved; /* a PROT_NONE reservation held since open */
	size_t reserved_sz;
	bool read_only; /* map it PROT_READ (readers, reader.c) */
};

/* Reserve @size bytes of address space whose range doesn't cross a 4 GiB
 * boundary, as the kernel would pick for map_extra 0.
 */
int arena_reserve_range(size_t size, struct arena_mapping *m, const char *map_name);
/* Create the arena map from @def (whose fields may have changed since open). */
int arena_create_map(const struct arena_map_def *def, const char *map_name);
/* Map the arena at @addr (0: kernel's choice) without replacing anything
 * that isn't ours.
 */
int arena_mmap(struct arena_mapping *m, __u64 addr, const char *map_name);
/* Make the pages of [off, off + len) present, with BPF when user space may
 * not fault them in (BPF_F_SEGV_ON_FAULT).
 */
int arena_populate(struct arena_mapping *m, size_t off, size_t len, bool segv_on_fault,
		   const char *map_name);
void arena_mapping_release(struct arena_mapping *m);

/* global_data.c: on libbpf < 1.5, map each loaded global data map over
 * libbpf's copy, so that bpf_map__initial_value() is live (as on 1.5+).
 */
int arena_map_global_data(struct bpf_object *obj);

/* prog_bind.c: make every loadable program of @obj that doesn't reference
 * the arena map (fd @arena_fd) reference it, so the verifier associates the
 * arena with it, moving nothing that @refs says is named by index.
 */
int arena_bind_programs(struct bpf_object *obj, const struct arena_insn_refs *refs, int arena_fd);

/* registry.c: the state behind each object opened through this library. */
struct bpf_arena {
	struct bpf_object *obj;
	struct bpf_map *map; /* NULL when the object has no arena */
	struct arena_elf elf;
	struct arena_mapping mapping;
	enum bpf_arena_globals_layout layout;
	bool no_prog_bind;
	size_t globals_off;
	__u64 planned_addr; /* user address the globals were placed for, 0: none */
	/* verifier logs of our own, one per program, when the caller gave
	 * none: kept to explain a refused program (load_failure_explain())
	 */
	struct arena_prog_log {
		struct bpf_program *prog;
		char *buf;
	} * logs;
	size_t log_cnt;
	bool caller_logs; /* the caller set a kernel_log_buf at open */
	bool loaded;
	bool load_failed;
	/* pin.c: the arena existed before us (a pin, a preset fd): its
	 * globals are live state, never initialised here
	 */
	bool shared;
	char *pin_made; /* the pin this load created, removed if load fails */
	struct bpf_arena *next;
};

int arena_registry_add(struct bpf_arena *a);
/* Look up and remove; NULL when @obj wasn't opened through this library. */
struct bpf_arena *arena_registry_take(const struct bpf_object *obj);
struct bpf_arena *arena_registry_find(const struct bpf_object *obj, const struct bpf_map *map);

/* Return @err (negative) after setting errno to -@err. */
static inline int arena_err(int err)
{
	errno = -err;
	return err;
}

static inline void *arena_err_ptr(int err)
{
	arena_err(err);
	return NULL;
}

/* Arenas are made of PAGE_SIZE pages, and mmap wants the same unit. */
static inline size_t arena_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

#endif /* __BPF_ARENA_INTERNAL_H */

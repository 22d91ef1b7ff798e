/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf_arena: BPF arena objects on the libbpf you already have.
 *
 * An object opened with bpf_arena__open_file() or bpf_arena__open_mem() is a
 * plain struct bpf_object: every libbpf call works on it (find programs, set
 * autoload, attach, pin...). What this library adds is what libbpf older
 * than 1.4 cannot do with an arena: it rewrites the parts of the ELF that
 * libbpf refuses, creates the arena map and maps it at its user address,
 * places the __arena globals (at the end of the arena by default) with their
 * initial values, and binds the arena to the programs that use it.
 *
 * Load and close through this library (bpf_arena__load(), bpf_arena__close())
 * instead of bpf_object__load() and bpf_object__close().
 *
 * Errors: functions returning int return 0 or a negative errno; functions
 * returning a pointer return NULL and set errno. Messages go through libbpf's
 * print callback (libbpf_set_print()), prefixed with "libbpf_arena: ".
 */
#ifndef __BPF_ARENA_BPF_ARENA_H
#define __BPF_ARENA_BPF_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena_opts.h> /* BPF_ARENA_OPTS() */

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BPF_ARENA_API
#define BPF_ARENA_API __attribute__((visibility("default")))
#endif

#define BPF_ARENA_VERSION_MAJOR 0
#define BPF_ARENA_VERSION_MINOR 1

/* The uapi of the arena, absent from <linux/bpf.h> before kernel 6.9. */
#define BPF_ARENA_MAP_TYPE 33 /* BPF_MAP_TYPE_ARENA */
#define BPF_ARENA_F_MMAPABLE (1U << 10) /* BPF_F_MMAPABLE */
#define BPF_ARENA_F_SEGV_ON_FAULT (1U << 17) /* BPF_F_SEGV_ON_FAULT */
#define BPF_ARENA_F_NO_USER_CONV (1U << 18) /* BPF_F_NO_USER_CONV */
#define BPF_ARENA_MAX_SIZE (1ULL << 32) /* an arena spans at most 4 GiB */

/* Where the __arena globals live inside the arena. */
enum bpf_arena_globals_layout {
	/* At the end of the arena, so that its first pages can stay unmapped
	 * and catch NULL dereferences (upstream libbpf 1.7+). The default.
	 */
	BPF_ARENA_GLOBALS_AT_END = 0,
	/* At offset 0 (upstream libbpf 1.4 to 1.6). */
	BPF_ARENA_GLOBALS_AT_ZERO = 1,
};

struct bpf_arena_open_opts {
	/* size of this struct, for forward/backward compatibility */
	size_t sz;
	/* Options handed to libbpf's bpf_object__open_mem(); may be NULL.
	 * Its object_name defaults to the file's name.
	 */
	const struct bpf_object_open_opts *object_opts;
	/* where the __arena globals go, see enum bpf_arena_globals_layout */
	enum bpf_arena_globals_layout globals_layout;
	/* Don't bind the arena to programs that use arena memory without
	 * naming the arena map (the verifier then refuses them with
	 * "addr_space_cast insn can only be used in a program that has an
	 * associated arena").
	 */
	bool no_prog_bind;
	size_t : 0;
};
#define bpf_arena_open_opts__last_field no_prog_bind

struct bpf_arena;

/* Open an object file, rewriting what the installed libbpf can't take. */
BPF_ARENA_API struct bpf_object *bpf_arena__open_file(const char *path,
						      const struct bpf_arena_open_opts *opts);
/* The same from memory; the buffer may be freed once this returns. */
BPF_ARENA_API struct bpf_object *bpf_arena__open_mem(const void *obj_buf, size_t obj_buf_sz,
						     const struct bpf_arena_open_opts *opts);
/* Create and map the arena, place the globals, then bpf_object__load(). */
BPF_ARENA_API int bpf_arena__load(struct bpf_object *obj);
/* Unmap and close everything, whatever state the object is in. NULL is ok. */
BPF_ARENA_API void bpf_arena__close(struct bpf_object *obj);

/* The arena of an object opened through this library; NULL with errno
 * ENOENT when it has none.
 */
BPF_ARENA_API struct bpf_arena *bpf_arena__from_object(const struct bpf_object *obj);
/* The same, looked up by the arena's struct bpf_map. */
BPF_ARENA_API struct bpf_arena *bpf_arena__from_map(const struct bpf_map *map);

BPF_ARENA_API struct bpf_object *bpf_arena__object(const struct bpf_arena *arena);
BPF_ARENA_API struct bpf_map *bpf_arena__map(const struct bpf_arena *arena);
/* The arena's user address: NULL before load. */
BPF_ARENA_API void *bpf_arena__base(const struct bpf_arena *arena);
/* Size in bytes and in pages (the map's max_entries). */
BPF_ARENA_API size_t bpf_arena__size(const struct bpf_arena *arena);
BPF_ARENA_API __u32 bpf_arena__page_cnt(const struct bpf_arena *arena);
/* The __arena globals: before load their initial image (writes there change
 * the initial values), after load the live globals inside the arena. NULL
 * (errno ENOENT) when the object has none. *size, if not NULL, gets the size
 * of the .addr_space.1 section.
 */
BPF_ARENA_API void *bpf_arena__globals(const struct bpf_arena *arena, size_t *size);
/* One __arena global by name (from the object's BTF), where
 * bpf_arena__globals() puts it; *size, if not NULL, gets its size. NULL with
 * errno ENOENT when there is no such global.
 */
BPF_ARENA_API void *bpf_arena__find_global(const struct bpf_arena *arena, const char *name,
					   size_t *size);
/* Offset of the globals from the arena's base. */
BPF_ARENA_API size_t bpf_arena__globals_offset(const struct bpf_arena *arena);

/* bpf_map__initial_value() that also knows arenas: for an arena map opened
 * through this library it returns the globals' image before load and the
 * arena's base after load (as upstream libbpf 1.4+), with *psize the arena's
 * size after load; for any other map it is libbpf's.
 */
BPF_ARENA_API void *bpf_arena__map_initial_value(struct bpf_map *map, size_t *psize);

/* "MAJOR.MINOR" of this library. */
BPF_ARENA_API const char *bpf_arena__version_str(void);

#ifdef __cplusplus
}
#endif

#endif /* __BPF_ARENA_BPF_ARENA_H */

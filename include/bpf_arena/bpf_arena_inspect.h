/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libbpf_arena inspection: see inside the arenas of running programs without
 * changing them.
 *
 * - bpf_arena__next_id() and bpf_arena__describe(): every arena map on the
 *   system, its size, user address, flags, pins, the programs that use it and
 *   the processes that hold an fd or a mapping of it.
 * - struct bpf_arena_reader: reads any range of an arena through a small BPF
 *   program bound to it. A BPF load from a page nobody allocated yields zeros
 *   and allocates nothing, where a user-space touch would allocate the page
 *   (or raise SIGSEGV under BPF_F_SEGV_ON_FAULT). Nothing here ever maps an
 *   arena.
 * - bpf_arena__find_globals(): the __arena globals' BTF and where they live.
 * - bpf_arena__heap_stats(): the state of a heap of <bpf_arena/arena_alloc.h>,
 *   read through the reader only.
 *
 * What is read is a snapshot taken while the owner may run: a heap being
 * changed at that moment can look inconsistent (walks of its lists are
 * bounded, so they end). All of it needs CAP_BPF and CAP_SYS_ADMIN (reading other processes' /proc
 * entries and map ids): run as root. Errors as in <bpf_arena/bpf_arena.h>.
 */
#ifndef __BPF_ARENA_BPF_ARENA_INSPECT_H
#define __BPF_ARENA_BPF_ARENA_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <bpf_arena/bpf_arena.h>

#ifdef __cplusplus
extern "C" {
#endif

struct btf;

/* The next arena map id after @start_id (0 to start) in *@next_id; -ENOENT
 * after the last one.
 */
BPF_ARENA_API int bpf_arena__next_id(__u32 start_id, __u32 *next_id);

/* A program that uses the arena. */
struct bpf_arena_prog_ref {
	__u32 id;
	char name[16];
};

/* A process that holds the arena: an fd of the map, a mapping, or both. */
struct bpf_arena_holder {
	int pid;
	char comm[16];
	int fd_cnt; /* fds of the map */
	bool has_mapping;
	__u64 map_start; /* user address of its mapping, when it has one */
	__u64 rss; /* bytes of the mapping resident in this process */
};

/* How the arena's user address was learned. */
enum bpf_arena_addr_source {
	BPF_ARENA_ADDR_UNKNOWN = 0, /* nobody has it mapped, map_extra 0 */
	BPF_ARENA_ADDR_MAP_EXTRA, /* set at creation */
	BPF_ARENA_ADDR_MAPPING, /* a holder's mapping (map_extra 0) */
};

struct bpf_arena_desc {
	__u32 map_id;
	char name[16];
	__u32 page_cnt;
	__u64 size; /* bytes */
	__u32 map_flags; /* BPF_ARENA_F_* */
	__u64 map_extra;
	__u64 user_addr; /* 0 when unknown */
	enum bpf_arena_addr_source user_addr_source;
	__u32 btf_id; /* of the first program using it that has BTF, 0: none */
	char **pins; /* paths in bpffs */
	size_t pin_cnt;
	struct bpf_arena_prog_ref *progs;
	size_t prog_cnt;
	struct bpf_arena_holder *holders;
	size_t holder_cnt;
	/* Fields may be added at the end: only the library allocates this. */
};

struct bpf_arena_describe_opts {
	size_t sz;
	/* Don't walk /proc for holders (faster; holders stay empty, and an
	 * arena with map_extra 0 gets no user address).
	 */
	bool no_holders;
	/* Don't walk bpffs for pins. */
	bool no_pins;
	size_t : 0;
};
#define bpf_arena_describe_opts__last_field no_pins

/* Everything about arena map @map_id; NULL with errno ENOENT (no such map),
 * EINVAL (the map is not an arena) or EPERM.
 */
BPF_ARENA_API struct bpf_arena_desc *
bpf_arena__describe(__u32 map_id, const struct bpf_arena_describe_opts *opts);
BPF_ARENA_API void bpf_arena__desc_free(struct bpf_arena_desc *desc);

/* The arena map id a bpffs pin refers to: 0 or -errno (-EINVAL: not an
 * arena).
 */
BPF_ARENA_API int bpf_arena__id_from_pin(const char *path, __u32 *map_id);

struct bpf_arena_reader;

struct bpf_arena_reader_opts {
	size_t sz;
	/* The arena's user address when the caller knows it better than
	 * bpf_arena__describe() (map_extra 0 and nobody maps it); 0: learn it.
	 */
	__u64 user_addr;
	size_t : 0;
};
#define bpf_arena_reader_opts__last_field user_addr

/* A reader of arena @map_id: loads a small BPF program bound to it. NULL
 * with errno set.
 */
BPF_ARENA_API struct bpf_arena_reader *
bpf_arena_reader__new(__u32 map_id, const struct bpf_arena_reader_opts *opts);
/* Copy @len bytes at offset @off of the arena into @buf. Pages nobody
 * allocated read as zeros and stay unallocated. 0 or -errno (-ERANGE: out of
 * the arena).
 */
BPF_ARENA_API int bpf_arena_reader__read(struct bpf_arena_reader *r, __u64 off, void *buf,
					 size_t len);
/* Whether each of @cnt pages from page @first has a non-zero first 16 bytes
 * (a quick look for data: absent pages read as zero): @out[i] is 0 or 1.
 */
BPF_ARENA_API int bpf_arena_reader__scan_pages(struct bpf_arena_reader *r, __u32 first, __u32 cnt,
					       __u8 *out);
BPF_ARENA_API __u64 bpf_arena_reader__user_addr(const struct bpf_arena_reader *r);
BPF_ARENA_API __u64 bpf_arena_reader__size(const struct bpf_arena_reader *r);
BPF_ARENA_API void bpf_arena_reader__free(struct bpf_arena_reader *r);

/* How the globals' offset inside the arena was learned. */
enum bpf_arena_globals_where {
	BPF_ARENA_GLOBALS_GIVEN = 0, /* the caller said so */
	BPF_ARENA_GLOBALS_FROM_PROGS, /* the programs' instructions agree with one layout */
	BPF_ARENA_GLOBALS_ASSUMED_END, /* nothing to tell by: this library's default */
	BPF_ARENA_GLOBALS_FROM_HEADER, /* the header in page 0 of a pinned or shared arena */
};

struct bpf_arena_globals {
	struct btf *btf; /* owned: freed by bpf_arena__globals_free() */
	__s32 datasec_id; /* DATASEC .addr_space.1 in @btf */
	__u64 size; /* of the DATASEC */
	__u64 offset; /* of the globals inside the arena */
	enum bpf_arena_globals_where where;
	char btf_source[320]; /* "program 12 'name' (BTF id 34)" or the object's path */
	__u64 ref_cnt; /* references to the globals seen in the programs */
};

struct bpf_arena_globals_opts {
	size_t sz;
	/* An object file to take the types from (else the programs' BTF). */
	const char *object_path;
	/* The globals' offset inside the arena, taken when offset_set is
	 * true; else it is learned (a field left 0 must not mean "at 0").
	 */
	__u64 offset;
	bool offset_set;
	size_t : 0;
};
#define bpf_arena_globals_opts__last_field offset_set

/* The __arena globals of arena @map_id (the DATASEC .addr_space.1 of the BTF
 * its programs were loaded with, or of the object file): NULL with errno
 * ENOENT when no BTF has it.
 */
BPF_ARENA_API struct bpf_arena_globals *
bpf_arena__find_globals(__u32 map_id, const struct bpf_arena_globals_opts *opts);
BPF_ARENA_API void bpf_arena__globals_free(struct bpf_arena_globals *g);
/* The offset (inside the globals) and the name of the first struct
 * arena_heap among them, looking into structs: 0 or -ENOENT.
 */
BPF_ARENA_API int bpf_arena__find_heap(const struct bpf_arena_globals *g, __u64 *heap_off,
				       char *name, size_t name_sz);

/* What a page of the arena holds, as bpf_arena__heap_stats() saw it. */
enum bpf_arena_page_kind {
	BPF_ARENA_PAGE_EMPTY = 0, /* reads as zeros: absent, or allocated and untouched */
	BPF_ARENA_PAGE_GLOBALS,
	BPF_ARENA_PAGE_POOL, /* the heap's, not handed out yet */
	BPF_ARENA_PAGE_CLASS, /* blocks of one size class (page_class[]) */
	BPF_ARENA_PAGE_LARGE, /* a page-run allocation */
	BPF_ARENA_PAGE_DATA, /* non-zero, not the heap's as far as can be told */
};

#define BPF_ARENA_HEAP_CLASSES 16

struct bpf_arena_heap_class {
	__u64 block_size;
	__u64 pages; /* pages carved into blocks of this class */
	__u64 live; /* allocated blocks */
	__u64 free; /* freed blocks: on the heap's list or a CPU's cache */
	__u64 cached; /* of those, in per-CPU caches */
	__u64 uncarved; /* blocks not carved yet from the class's pages */
};

struct bpf_arena_heap_stats {
	__u64 heap_offset; /* of struct arena_heap inside the arena */
	__u64 pages; /* pages the heap received */
	__u64 pool_pages; /* of those, in the pool */
	__u64 refills;
	__u64 bad_frees;
	struct bpf_arena_heap_class cls[BPF_ARENA_HEAP_CLASSES];
	__u64 large_live; /* page-run allocations */
	__u64 large_pages;
	__u64 bytes_in_use; /* live blocks, headers included */
	__u64 bytes_free; /* free blocks, uncarved space and pool pages */
	/* free bytes inside pages carved for size classes, over those pages'
	 * bytes: memory the heap holds that no class can hand to another
	 */
	double fragmentation;
	__u32 cpu_cnt; /* slots in cpu_cached */
	__u64 *cpu_cached; /* free blocks cached per CPU slot */
	__u32 page_cnt;
	__u8 *page_kind; /* enum bpf_arena_page_kind, per page */
	__u8 *page_class; /* for BPF_ARENA_PAGE_CLASS */
	__u64 scanned_pages; /* pages whose header was read */
};

/* The heap at @heap_off (arena offset of a struct arena_heap) as the reader
 * sees it; @globals (may be NULL) marks the globals' pages. NULL with errno
 * set (EPROTO: what is there is not a heap of this library's layout).
 */
BPF_ARENA_API struct bpf_arena_heap_stats *
bpf_arena__heap_stats(struct bpf_arena_reader *r, __u64 heap_off,
		      const struct bpf_arena_globals *globals);
BPF_ARENA_API void bpf_arena__heap_stats_free(struct bpf_arena_heap_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* __BPF_ARENA_BPF_ARENA_INSPECT_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Views of an arena that another process made, for a CLI or an exporter: it
 * has only the pin path, a map id or an fd, and maybe the object file for
 * types; it loads no program. A view maps the arena at its user address
 * (read-only if asked), so the pointers BPF stored there are plain C
 * pointers here too: walk a list or a hash table with loads, no syscall per
 * element. (To look at an arena without mapping it, and so without
 * allocating a page by reading it, see struct bpf_arena_reader in
 * <bpf_arena/bpf_arena_inspect.h>.)
 *
 * An arena made by libbpf_arena for pinning or sharing (see "Pinned arenas"
 * in README.md) carries a header in its first page that says where its
 * __arena globals are and names them, so bpf_arena_view__find_global()
 * works without the object file. Given the object file, the view checks
 * that its types are the arena's and finds every global by its BTF.
 *
 * While a view is open it holds the arena: unpinning it then frees it
 * only when the view closes. A process that dies releases its hold and
 * nothing else. Errors as in bpf_arena.h.
 */
#ifndef __BPF_ARENA_BPF_ARENA_VIEW_H
#define __BPF_ARENA_BPF_ARENA_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <bpf_arena/bpf_arena.h>

#ifdef __cplusplus
extern "C" {
#endif

struct btf;
struct bpf_arena_view;

struct bpf_arena_view_opts {
	/* size of this struct, for forward/backward compatibility */
	size_t sz;
	/* Map the arena PROT_READ: the view can't change anything. Note a
	 * read of a page nobody allocated still makes the kernel allocate it
	 * (a zero page), or raises SIGSEGV in an arena created with
	 * BPF_F_SEGV_ON_FAULT: follow only pointers you found in it.
	 */
	bool read_only;
	/* The object file that made the arena (or a compatible build), for
	 * types: its BTF must match the arena's. Either a path or a buffer
	 * (the buffer may be freed once open returns).
	 */
	const char *object_path;
	const void *object_buf;
	size_t object_sz;
	/* The user address, for an arena created with map_extra 0 by
	 * something other than libbpf_arena (the kernel doesn't tell it).
	 */
	__u64 addr;
	size_t : 0;
};
#define bpf_arena_view_opts__last_field addr

/* Open the arena pinned at @path / with map id @map_id / behind @fd (the
 * view takes a duplicate of it; the caller keeps @fd).
 */
BPF_ARENA_API struct bpf_arena_view *
bpf_arena_view__open_pinned(const char *path, const struct bpf_arena_view_opts *opts);
BPF_ARENA_API struct bpf_arena_view *
bpf_arena_view__open_id(__u32 map_id, const struct bpf_arena_view_opts *opts);
BPF_ARENA_API struct bpf_arena_view *
bpf_arena_view__open_fd(int fd, const struct bpf_arena_view_opts *opts);
/* Unmap and close; NULL is ok. Never unpins. */
BPF_ARENA_API void bpf_arena_view__close(struct bpf_arena_view *view);

/* The arena's fd (the view's own), user address, size and page count. */
BPF_ARENA_API int bpf_arena_view__fd(const struct bpf_arena_view *view);
BPF_ARENA_API void *bpf_arena_view__base(const struct bpf_arena_view *view);
BPF_ARENA_API size_t bpf_arena_view__size(const struct bpf_arena_view *view);
BPF_ARENA_API __u32 bpf_arena_view__page_cnt(const struct bpf_arena_view *view);
/* The live __arena globals and their size; NULL (errno ENOENT) when the
 * arena has no libbpf_arena header and so no known globals.
 */
BPF_ARENA_API void *bpf_arena_view__globals(const struct bpf_arena_view *view, size_t *size);
BPF_ARENA_API size_t bpf_arena_view__globals_offset(const struct bpf_arena_view *view);
/* One global by name: from the object's BTF when one was given, else from
 * the header's table (names up to 47 characters, the first 56 globals).
 */
BPF_ARENA_API void *bpf_arena_view__find_global(const struct bpf_arena_view *view, const char *name,
						size_t *size);
/* The name of the object that set the arena up ("" without a header). */
BPF_ARENA_API const char *bpf_arena_view__object_name(const struct bpf_arena_view *view);
/* The object's BTF when one was given, else NULL (errno ENOENT). */
BPF_ARENA_API const struct btf *bpf_arena_view__btf(const struct bpf_arena_view *view);

#ifdef __cplusplus
}
#endif

#endif /* __BPF_ARENA_BPF_ARENA_VIEW_H */

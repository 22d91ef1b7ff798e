/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the inspection files (inspect.c, inspect_read.c, inspect_globals.c,
 * inspect_heap.c) share: option checks, the map's info by id, /proc reading.
 */
#ifndef __BPF_ARENA_INSPECT_INTERNAL_H
#define __BPF_ARENA_INSPECT_INTERNAL_H

#include <string.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_inspect.h>

#include "internal.h"

/* Options structs may come from a caller built against another header:
 * bytes past what we know must be zero.
 */
static inline bool inspect_opts_valid(const void *opts, size_t sz, size_t known, const char *name)
{
	size_t i;

	if (!opts)
		return true;
	if (sz < sizeof(size_t)) {
		pr_warn("%s: sz %zu is too small; use LIBBPF_OPTS()\n", name, sz);
		return false;
	}
	for (i = known; i < sz; i++) {
		if (((const char *)opts)[i]) {
			pr_warn("%s: unknown non-zero fields (this library is older than the "
				"header you built with)\n",
				name);
			return false;
		}
	}
	return true;
}

#define INSPECT_OPTS_VALID(opts, type)                                             \
	inspect_opts_valid(opts, (opts) ? (opts)->sz : 0,                          \
			   offsetof(struct type, type##__last_field) +             \
				   sizeof(((struct type *)0)->type##__last_field), \
			   #type)
#define INSPECT_OPT(opts, type, field, dflt)                                          \
	((opts) && (opts)->sz >= offsetof(struct type, field) + sizeof((opts)->field) \
		 ? (opts)->field                                                      \
		 : (dflt))

/* Open map @id and read its info; the fd (>= 0) or -errno, with a message
 * that names the id. -EINVAL when it is not an arena.
 */
int arena_inspect_open_arena(__u32 id, struct bpf_map_info *info);

/* The arena's user address as the kernel's cast gives it: the upper 32 bits
 * of user_vm_start, through a BPF program bound to @map_fd. 0 or -errno.
 */
int arena_inspect_user_hi32(int map_fd, __u32 *hi);

/* Load a sleepable SEC("syscall") program, with its log on failure. */
int arena_inspect_load_prog(const char *name, const struct bpf_insn *insns, size_t cnt,
			    __u32 map_id);

/* The first 16 bytes of each of @cnt pages from page @first, two words a
 * page into @out.
 */
int arena_inspect_scan_headers(struct bpf_arena_reader *r, __u32 first, __u32 cnt, __u64 *out);

#endif

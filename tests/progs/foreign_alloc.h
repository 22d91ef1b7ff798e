/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The interface of foreign_alloc_lib.bpf.c, and the arena map both halves
 * of the linked object agree on.
 */
#ifndef __FOREIGN_ALLOC_H
#define __FOREIGN_ALLOC_H

struct foreign_arena_map {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
};

extern __u64 arena_get_base(void);
/* the new block's address (user form), 0 if none */
extern __u64 lib_alloc(__u64 size);

#endif

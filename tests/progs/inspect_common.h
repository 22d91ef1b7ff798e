/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the inspect test's BPF program and its user-space halves share: the
 * globals the program fills and what it puts on its heap.
 */
#ifndef __INSPECT_COMMON_H
#define __INSPECT_COMMON_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_list.h>

#define INSPECT_PAGES 1024 /* 4 MiB */
#define INSPECT_MAGIC 0x1a5bec7ed0c0ffeeULL
#define INSPECT_ITEMS 100 /* 32-byte items, 48 with the header: class 64 B */
#define INSPECT_FREED 30 /* of them, freed again */
#define INSPECT_BIG 5 /* 3000-byte blocks: class 4 KiB */
#define INSPECT_LARGE_SZ (1200 * 1024) /* one page-run block of 294 pages */

struct inspect_item {
	struct arena_list_node node;
	__u64 value;
	__u64 pad;
};

struct inspect_globals {
	struct arena_heap heap;
	struct arena_list_head list;
	__u64 magic;
	__u64 list_len;
	char label[16];
	__u32 values[4];
	void __arena *large;
};

#endif

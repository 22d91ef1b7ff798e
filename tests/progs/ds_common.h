/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the data-structure tests' BPF programs and their user-space halves
 * share: the layout of each program's one __arena global, and CHECK().
 */
#ifndef __DS_COMMON_H
#define __DS_COMMON_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_bitmap.h>
#include <bpf_arena/arena_htab.h>
#include <bpf_arena/arena_list.h>
#include <bpf_arena/arena_queue.h>
#include <bpf_arena/arena_rbtree.h>

/* A failed check returns its line, so the test names the exact check. */
#define CHECK(cond)                      \
	do {                             \
		if (!(cond))             \
			return __LINE__; \
	} while (0)

/* ds_alloc */
#define DS_ALLOC_NSIZES 16
#define DS_ALLOC_MAX_PTRS 256
struct ds_alloc_globals {
	struct arena_heap heap;
	__u64 sizes[DS_ALLOC_NSIZES];
	void __arena *ptrs[DS_ALLOC_MAX_PTRS];
	__u64 nptrs;
	__u64 free_pages; /* count_free_pages: what the kernel still has */
	__u64 big_blocks; /* exhaust: 1 MiB blocks before NULL */
	__u64 small_blocks; /* exhaust: then small blocks before NULL */
	__u64 tc_allocs; /* tc program: allocations served by the pool */
	__u64 first_bpf_page; /* donation: where BPF's pages went */
};

/* ds_list: elements of a list of numbered items */
struct ds_item {
	struct arena_list_node node;
	__u64 value;
};

struct ds_containers_globals {
	struct arena_heap heap;
	struct arena_list_head list;
	struct arena_bitmap bitmap;
	struct arena_queue queue;
	/* A loop counter that the verifier doesn't track (see arena_util.h) */
	__u64 n;
};

#define DS_LIST_BPF_ITEMS 100
#define DS_BITMAP_BITS 1000
#define DS_QUEUE_CAP 64

/* ds_htab / ds_rbtree: user space gives BPF a batch of operations and reads
 * back their results, to compare with its reference model.
 */
struct ds_key {
	__u64 id;
	char name[20]; /* keys need not be a multiple of 8 bytes: 28 here */
} __attribute__((packed));

struct ds_val {
	__u64 a, b;
};

/* The 28-byte key of number @k: an id and a name that both depend on k. */
static inline void ds_make_key(__u64 k, struct ds_key *key)
{
	int j;

	key->id = k * 0x9e3779b97f4a7c15ULL;
	for (j = 0; j < (int)sizeof(key->name); j++)
		key->name[j] = (char)(k + j * 13);
}

enum { DS_OP_INSERT, DS_OP_LOOKUP, DS_OP_DELETE, DS_OP_UPDATE, DS_OP_NEXT };

struct ds_op {
	__u64 op;
	__u64 key;
	__u64 value;
	__s64 ret; /* result, filled by BPF */
	__u64 out; /* value found, filled by BPF */
};

#define DS_BATCH 512
#define DS_HTAB_MAX 4096

struct ds_htab_globals {
	struct arena_heap heap;
	struct arena_htab htab;
	__u64 nops;
	struct ds_op ops[DS_BATCH];
};

struct ds_rbtree_globals {
	struct arena_heap heap;
	struct arena_rbtree tree;
	__u64 nops;
	struct ds_op ops[DS_BATCH];
};

/* ds_conc: three parties on one hash table and one queue */
#define DS_CONC_ACTORS 3
#define DS_CONC_WINDOW 32 /* keys each actor keeps live */
#define DS_CONC_MAX_PUSH (1 << 20) /* values each actor may push */
#define DS_CONC_HTAB_MAX 1024
#define DS_CONC_QUEUE_CAP 256

struct ds_conc_actor {
	__u64 del_key; /* keys [del_key, next_key) are live */
	__u64 next_key;
	__u64 pushed; /* values (actor << 32 | n) for n < pushed were pushed */
	__u64 popped;
	__u64 errors; /* a lost or duplicated element: must stay 0 */
	__u64 timeouts; /* -ETIMEDOUT or -EAGAIN: allowed, retried */
	__u64 nomem;
	__u64 last_err_line;
};

struct ds_conc_globals {
	struct arena_heap heap;
	struct arena_htab htab;
	struct arena_queue queue;
	struct arena_bitmap popped[DS_CONC_ACTORS]; /* pops seen, per producer */
	struct ds_conc_actor actor[DS_CONC_ACTORS];
};

/* the context a ds_conc program run gets */
struct ds_conc_ctx {
	__u64 actor;
	__u64 rounds;
};

#endif /* __DS_COMMON_H */

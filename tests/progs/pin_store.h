/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The state pin_store.bpf.c keeps in a pinned arena, as BPF and the test's
 * processes (pin_helper.c) see it: a list with one node per run, a hash
 * table (run -> run * 7 and, for the concurrent writers, key -> ~key), a
 * counter, and the heap both allocate from. All of it lives in one __arena
 * global, so it survives every process that loads or reads the arena.
 */
#ifndef __PIN_STORE_H
#define __PIN_STORE_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_htab.h>
#include <bpf_arena/arena_list.h>

#define PIN_HTAB_MAX 8192
#define PIN_INSERT_MAX 256 /* keys per run of insert */

struct pin_node {
	struct arena_list_node node;
	__u64 run;
	__u64 pid;
};

struct pin_globals {
	struct arena_heap heap;
	struct arena_list_head list;
	struct arena_htab htab;
	__u64 ready; /* the first run set the structures up */
	__u64 runs; /* nodes appended */
	__u64 counter; /* atomically bumped by the concurrent writers */
	__u64 init_marker; /* 1 in the object's image: set once, at creation */
};

/* pin_other.bpf.c's globals: not what pin_store's arena holds. */
struct other_globals {
	__u64 a, b;
};

/* The context of every program: in from user space, out from BPF. */
struct pin_args {
	__u64 run; /* append: the node's number; insert: the first key */
	__u64 pid;
	__u64 n; /* insert: how many keys */
	__s64 ret; /* 0 or the line that failed */
};

#if !BPF_ARENA_IN_BPF
/* A lookup that writes nothing (the table's own takes the bucket lock), for
 * readers that map the arena read-only: a plain walk of the key's chain.
 */
static inline int pin_table_peek(struct arena_htab *htab, __u64 key, __u64 *val)
{
	__u64 hash = arena_hash_bytes(&key, sizeof(key));
	struct arena_htab_elem *e = arena_htab_bucket_of(htab, hash)->first;
	int i;

	for (i = 0; e && i < ARENA_HTAB_MAX_CHAIN; e = e->next, i++) {
		if (e->hash == hash && e->data[0] == key) {
			*val = *(__u64 *)arena_htab_elem_value(htab, e);
			return 0;
		}
	}
	return -ENOENT;
}
#endif

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * All the arena data structures in one include, for BPF C (after
 * <linux/bpf.h> or vmlinux.h, and <bpf/bpf_helpers.h>) and for user-space C
 * and C++:
 *
 *	arena_alloc.h   arena_malloc/calloc/free on a heap in the arena
 *	arena_lock.h    arena_spin_lock between BPF on every CPU and user space
 *	arena_list.h    doubly linked list
 *	arena_htab.h    hash table, keys and values of any fixed size
 *	arena_fhtab.h   flat hash table: entries inline, lock-free lookups, walks in order
 *	arena_queue.h   bounded lock-free FIFO for many producers and consumers
 *	arena_rbtree.h  ordered map of u64 keys (red-black tree)
 *	arena_bitmap.h  bitmap with atomic bit operations
 *	arena_util.h    arena_for() bounded loops, atomics, what the verifier needs
 */
#ifndef __BPF_ARENA_DS_H
#define __BPF_ARENA_DS_H

#include <bpf_arena/arena_alloc.h>
#include <bpf_arena/arena_bitmap.h>
#include <bpf_arena/arena_fhtab.h>
#include <bpf_arena/arena_htab.h>
#include <bpf_arena/arena_list.h>
#include <bpf_arena/arena_lock.h>
#include <bpf_arena/arena_queue.h>
#include <bpf_arena/arena_rbtree.h>

#endif /* __BPF_ARENA_DS_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A doubly linked list in arena memory, intrusive like the kernel's: embed a
 * struct arena_list_node in your element, link it into a struct
 * arena_list_head, get the element back with arena_container_of().
 *
 * Promises: O(1) add at either end, insert after a node, delete; walks in
 * both directions; a zeroed head is an empty list (no init needed for an
 * __arena global); pointers are the ones user space follows, so BPF and
 * user space walk and edit the same list.
 * Gives up: locking (take an arena_spinlock around it when several parties
 * edit it), and lists longer than ARENA_LIST_MAX_WALK for
 * arena_list_for_each() and arena_list_len(), which stop there. The list is
 * NULL-terminated rather than circular, so a zeroed head is valid, and
 * arena_list_del() needs the head.
 */
#ifndef __BPF_ARENA_LIST_H
#define __BPF_ARENA_LIST_H

#include <bpf_arena/arena_util.h>

#ifndef ARENA_LIST_MAX_WALK
#define ARENA_LIST_MAX_WALK ARENA_MAX_LOOPS
#endif

struct arena_list_node {
	struct arena_list_node __arena *next;
	struct arena_list_node __arena *prev;
};

struct arena_list_head {
	struct arena_list_node __arena *first;
	struct arena_list_node __arena *last;
};

static inline void arena_list_init(struct arena_list_head __arena *head)
{
	/* volatile: see "memset" in arena_util.h */
	arena_write_once(arena_deref(head)->first, NULL);
	arena_write_once(arena_deref(head)->last, NULL);
}

static inline int arena_list_empty(struct arena_list_head __arena *head)
{
	return arena_deref(head)->first == NULL;
}

static inline struct arena_list_node __arena *arena_list_first(struct arena_list_head __arena *head)
{
	return arena_deref(head)->first;
}

static inline struct arena_list_node __arena *arena_list_last(struct arena_list_head __arena *head)
{
	return arena_deref(head)->last;
}

static inline struct arena_list_node __arena *arena_list_next(struct arena_list_node __arena *node)
{
	return arena_deref(node)->next;
}

static inline struct arena_list_node __arena *arena_list_prev(struct arena_list_node __arena *node)
{
	return arena_deref(node)->prev;
}

/* Add @node at the front of the list. */
static inline void arena_list_add(struct arena_list_node __arena *node,
				  struct arena_list_head __arena *head)
{
	struct arena_list_head __arena *h = arena_deref(head);
	struct arena_list_node __arena *n = arena_deref(node);

	n->prev = NULL;
	n->next = h->first;
	if (h->first)
		arena_deref(h->first)->prev = node;
	else
		h->last = node;
	h->first = node;
}

/* Add @node at the end of the list. */
static inline void arena_list_add_tail(struct arena_list_node __arena *node,
				       struct arena_list_head __arena *head)
{
	struct arena_list_head __arena *h = arena_deref(head);
	struct arena_list_node __arena *n = arena_deref(node);

	n->next = NULL;
	n->prev = h->last;
	if (h->last)
		arena_deref(h->last)->next = node;
	else
		h->first = node;
	h->last = node;
}

/* Insert @node right after @pos, which is on the list. */
static inline void arena_list_insert_after(struct arena_list_node __arena *node,
					   struct arena_list_node __arena *pos,
					   struct arena_list_head __arena *head)
{
	struct arena_list_node __arena *n = arena_deref(node);
	struct arena_list_node __arena *p = arena_deref(pos);

	n->prev = pos;
	n->next = p->next;
	if (p->next)
		arena_deref(p->next)->prev = node;
	else
		arena_deref(head)->last = node;
	p->next = node;
}

/* Unlink @node from the list; its links are cleared. */
static inline void arena_list_del(struct arena_list_node __arena *node,
				  struct arena_list_head __arena *head)
{
	struct arena_list_head __arena *h = arena_deref(head);
	struct arena_list_node __arena *n = arena_deref(node);

	if (n->prev)
		arena_deref(n->prev)->next = n->next;
	else
		h->first = n->next;
	if (n->next)
		arena_deref(n->next)->prev = n->prev;
	else
		h->last = n->prev;
	arena_write_once(n->next, NULL);
	arena_write_once(n->prev, NULL);
}

/* Unlink and return the first node, NULL if the list is empty. */
static inline struct arena_list_node __arena *arena_list_pop(struct arena_list_head __arena *head)
{
	struct arena_list_node __arena *node = arena_list_first(head);

	if (node)
		arena_list_del(node, head);
	return node;
}

/* for (pos = first; pos; pos = pos->next), at most ARENA_LIST_MAX_WALK
 * times. break and continue work; don't delete @pos inside (use
 * arena_list_for_each_safe()).
 */
/* clang-format off */
#define arena_list_for_each(pos, head)                                                             \
	for (int ___arena_li = ((pos) = arena_list_first(head), 0); (pos); (pos) = NULL)             \
		arena_for(___arena_li, 0, ARENA_LIST_MAX_WALK)                                     \
			if (___arena_li && !((pos) = arena_list_next(pos)))                          \
				break;                                                               \
			else

/* The same, where the body may delete @pos: @tmp holds the next node. */
#define arena_list_for_each_safe(pos, tmp, head)                                                   \
	for (int ___arena_li = ((pos) = arena_list_first(head), (tmp) = NULL, 0); (pos);             \
	     (pos) = NULL)                                                                         \
		arena_for(___arena_li, 0, ARENA_LIST_MAX_WALK)                                     \
			if (___arena_li && !((pos) = (tmp)))                                         \
				break;                                                               \
			else if (((tmp) = arena_list_next(pos)), 0) {                                 \
			} else
/* clang-format on */

/* Number of nodes, counting at most ARENA_LIST_MAX_WALK. */
static inline __u64 arena_list_len(struct arena_list_head __arena *head)
{
	struct arena_list_node __arena *pos;
	__u64 n = 0;

	arena_list_for_each(pos, head)
		n++;
	return n;
}

#endif /* __BPF_ARENA_LIST_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * An ordered map from 64-bit keys to 64-bit values in arena memory: a
 * red-black tree with parent pointers, nodes from an arena_heap.
 *
 *	arena_rbtree_insert(tree, key, value);     0, -EEXIST, -ENOMEM
 *	node = arena_rbtree_find(tree, key);       arena_deref(node)->value
 *	arena_rbtree_delete(tree, key);            0, -ENOENT
 *	for (n = arena_rbtree_min(tree); n; n = arena_rbtree_next(n)) ...
 *
 * Promises: O(log n) insert, delete, find, lower bound, min, max, next and
 * prev; keys unique, ordered as unsigned numbers; nodes freed on delete and
 * reused by the heap; BPF and user space walk and edit the same tree. A
 * zeroed struct arena_rbtree with its heap set is an empty tree.
 * Gives up: locking (one writer at a time: wrap calls in an arena_spinlock
 * when several parties edit it), and comparators: keys are __u64 (map a
 * bigger key to a u64 and keep the rest in a value that points to it).
 * Every walk is bounded by ARENA_RBTREE_MAX_DEPTH, far above the 2*log2(n)
 * height a red-black tree can reach in 4 GiB.
 */
#ifndef __BPF_ARENA_RBTREE_H
#define __BPF_ARENA_RBTREE_H

#include <bpf_arena/arena_alloc.h>

#define ARENA_RBTREE_MAX_DEPTH 128
#define ARENA_RB_RED 0
#define ARENA_RB_BLACK 1

struct arena_rb_node {
	struct arena_rb_node __arena *left;
	struct arena_rb_node __arena *right;
	struct arena_rb_node __arena *parent;
	__u64 color;
	__u64 key;
	__u64 value;
};

struct arena_rbtree {
	struct arena_rb_node __arena *root;
	struct arena_heap __arena *heap;
	__u64 count;
};

typedef struct arena_rb_node __arena *arena_rb_ptr;

static inline void arena_rbtree_init(struct arena_rbtree __arena *tree,
				     struct arena_heap __arena *heap)
{
	struct arena_rbtree __arena *t = arena_deref(tree);

	t->root = NULL;
	t->heap = heap;
	t->count = 0;
}

static inline __u64 arena_rbtree_count(struct arena_rbtree __arena *tree)
{
	return arena_deref(tree)->count;
}

/* Accessors: every read and write of a node goes through a cast copy. */
static inline arena_rb_ptr arena_rb_left(arena_rb_ptr n)
{
	return arena_deref(n)->left;
}

static inline arena_rb_ptr arena_rb_right(arena_rb_ptr n)
{
	return arena_deref(n)->right;
}

static inline arena_rb_ptr arena_rb_parent(arena_rb_ptr n)
{
	return arena_deref(n)->parent;
}

/* NULL leaves are black. */
static inline __u64 arena_rb_color(arena_rb_ptr n)
{
	return n ? arena_deref(n)->color : ARENA_RB_BLACK;
}

static inline void arena_rb_set_color(arena_rb_ptr n, __u64 color)
{
	if (n)
		arena_deref(n)->color = color;
}

static inline void arena_rb_set_parent(arena_rb_ptr n, arena_rb_ptr parent)
{
	if (n)
		arena_deref(n)->parent = parent;
}

/* Put @v where @u hangs (u's parent's child, or the root). */
static inline void arena_rb_replace_child(struct arena_rbtree __arena *tree, arena_rb_ptr u,
					  arena_rb_ptr v)
{
	arena_rb_ptr p = arena_rb_parent(u);

	if (!p)
		arena_deref(tree)->root = v;
	else if (arena_rb_left(p) == u)
		arena_deref(p)->left = v;
	else
		arena_deref(p)->right = v;
	arena_rb_set_parent(v, p);
}

static inline void arena_rb_rotate_left(struct arena_rbtree __arena *tree, arena_rb_ptr x)
{
	arena_rb_ptr y = arena_rb_right(x);

	arena_deref(x)->right = arena_rb_left(y);
	arena_rb_set_parent(arena_rb_left(y), x);
	arena_rb_replace_child(tree, x, y);
	arena_deref(y)->left = x;
	arena_deref(x)->parent = y;
}

static inline void arena_rb_rotate_right(struct arena_rbtree __arena *tree, arena_rb_ptr x)
{
	arena_rb_ptr y = arena_rb_left(x);

	arena_deref(x)->left = arena_rb_right(y);
	arena_rb_set_parent(arena_rb_right(y), x);
	arena_rb_replace_child(tree, x, y);
	arena_deref(y)->right = x;
	arena_deref(x)->parent = y;
}

/* The node with @key, or NULL. */
static inline arena_rb_ptr arena_rbtree_find(struct arena_rbtree __arena *tree, __u64 key)
{
	arena_rb_ptr n = arena_deref(tree)->root;
	__u64 k;
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (!n)
			break;
		k = arena_deref(n)->key;
		if (key == k)
			return n;
		n = key < k ? arena_rb_left(n) : arena_rb_right(n);
	}
	return NULL;
}

/* The node with the smallest key >= @key, or NULL. */
static inline arena_rb_ptr arena_rbtree_lower_bound(struct arena_rbtree __arena *tree, __u64 key)
{
	arena_rb_ptr n = arena_deref(tree)->root, best = NULL;
	__u64 k;
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (!n)
			break;
		k = arena_deref(n)->key;
		if (k == key)
			return n;
		if (k > key) {
			best = n;
			n = arena_rb_left(n);
		} else {
			n = arena_rb_right(n);
		}
	}
	return best;
}

/* The leftmost node under @n. */
static inline arena_rb_ptr arena_rb_leftmost(arena_rb_ptr n)
{
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (!n || !arena_rb_left(n))
			break;
		n = arena_rb_left(n);
	}
	return n;
}

static inline arena_rb_ptr arena_rb_rightmost(arena_rb_ptr n)
{
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (!n || !arena_rb_right(n))
			break;
		n = arena_rb_right(n);
	}
	return n;
}

static inline arena_rb_ptr arena_rbtree_min(struct arena_rbtree __arena *tree)
{
	return arena_rb_leftmost(arena_deref(tree)->root);
}

static inline arena_rb_ptr arena_rbtree_max(struct arena_rbtree __arena *tree)
{
	return arena_rb_rightmost(arena_deref(tree)->root);
}

/* In-order successor of @n, or NULL. */
static inline arena_rb_ptr arena_rbtree_next(arena_rb_ptr n)
{
	arena_rb_ptr p;
	int i;

	if (!n)
		return NULL;
	if (arena_rb_right(n))
		return arena_rb_leftmost(arena_rb_right(n));
	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		p = arena_rb_parent(n);
		if (!p || arena_rb_left(p) == n)
			return p;
		n = p;
	}
	return NULL;
}

static inline arena_rb_ptr arena_rbtree_prev(arena_rb_ptr n)
{
	arena_rb_ptr p;
	int i;

	if (!n)
		return NULL;
	if (arena_rb_left(n))
		return arena_rb_rightmost(arena_rb_left(n));
	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		p = arena_rb_parent(n);
		if (!p || arena_rb_right(p) == n)
			return p;
		n = p;
	}
	return NULL;
}

static inline void arena_rb_insert_fixup(struct arena_rbtree __arena *tree, arena_rb_ptr z)
{
	arena_rb_ptr p, g, u;
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		p = arena_rb_parent(z);
		if (arena_rb_color(p) != ARENA_RB_RED)
			break;
		g = arena_rb_parent(p); /* a red node is never the root */
		if (p == arena_rb_left(g)) {
			u = arena_rb_right(g);
			if (arena_rb_color(u) == ARENA_RB_RED) {
				arena_rb_set_color(p, ARENA_RB_BLACK);
				arena_rb_set_color(u, ARENA_RB_BLACK);
				arena_rb_set_color(g, ARENA_RB_RED);
				z = g;
				continue;
			}
			if (z == arena_rb_right(p)) {
				z = p;
				arena_rb_rotate_left(tree, z);
				p = arena_rb_parent(z);
			}
			arena_rb_set_color(p, ARENA_RB_BLACK);
			arena_rb_set_color(g, ARENA_RB_RED);
			arena_rb_rotate_right(tree, g);
		} else {
			u = arena_rb_left(g);
			if (arena_rb_color(u) == ARENA_RB_RED) {
				arena_rb_set_color(p, ARENA_RB_BLACK);
				arena_rb_set_color(u, ARENA_RB_BLACK);
				arena_rb_set_color(g, ARENA_RB_RED);
				z = g;
				continue;
			}
			if (z == arena_rb_left(p)) {
				z = p;
				arena_rb_rotate_right(tree, z);
				p = arena_rb_parent(z);
			}
			arena_rb_set_color(p, ARENA_RB_BLACK);
			arena_rb_set_color(g, ARENA_RB_RED);
			arena_rb_rotate_left(tree, g);
		}
		break;
	}
	arena_rb_set_color(arena_deref(tree)->root, ARENA_RB_BLACK);
}

/* Link a new node for @key. 0, -EEXIST (the value is left alone), -ENOMEM,
 * -E2BIG if the tree is deeper than it can be (a corrupted tree).
 */
static inline int arena_rbtree_insert(struct arena_rbtree __arena *tree, __u64 key, __u64 value)
{
	struct arena_rbtree __arena *t = arena_deref(tree);
	arena_rb_ptr n = t->root, parent = NULL, z;
	struct arena_rb_node __arena *zk;
	int i, left = 0, found_slot = 0;
	__u64 k;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (!n) {
			found_slot = 1;
			break;
		}
		k = arena_deref(n)->key;
		if (key == k)
			return -EEXIST;
		parent = n;
		left = key < k;
		n = left ? arena_rb_left(n) : arena_rb_right(n);
	}
	if (!found_slot)
		return -E2BIG;
	z = (arena_rb_ptr)arena_malloc(t->heap, sizeof(struct arena_rb_node));
	if (!z)
		return -ENOMEM;
	zk = arena_deref(z);
	/* volatile: see "memset" in arena_util.h */
	arena_write_once(zk->left, NULL);
	arena_write_once(zk->right, NULL);
	zk->parent = parent;
	zk->color = ARENA_RB_RED;
	zk->key = key;
	zk->value = value;
	if (!parent)
		t->root = z;
	else if (left)
		arena_deref(parent)->left = z;
	else
		arena_deref(parent)->right = z;
	t->count++;
	arena_rb_insert_fixup(tree, z);
	return 0;
}

/* Restore the black heights after a black node left @xp's side where @x
 * (maybe NULL) now hangs.
 */
static inline void arena_rb_erase_fixup(struct arena_rbtree __arena *tree, arena_rb_ptr x,
					arena_rb_ptr xp)
{
	arena_rb_ptr w;
	int i;

	arena_for(i, 0, ARENA_RBTREE_MAX_DEPTH) {
		if (x == arena_deref(tree)->root || arena_rb_color(x) != ARENA_RB_BLACK || !xp)
			break;
		if (x == arena_rb_left(xp)) {
			w = arena_rb_right(xp);
			if (arena_rb_color(w) == ARENA_RB_RED) {
				arena_rb_set_color(w, ARENA_RB_BLACK);
				arena_rb_set_color(xp, ARENA_RB_RED);
				arena_rb_rotate_left(tree, xp);
				w = arena_rb_right(xp);
			}
			if (!w)
				break; /* only in a corrupted tree */
			if (arena_rb_color(arena_rb_left(w)) == ARENA_RB_BLACK &&
			    arena_rb_color(arena_rb_right(w)) == ARENA_RB_BLACK) {
				arena_rb_set_color(w, ARENA_RB_RED);
				x = xp;
				xp = arena_rb_parent(x);
				continue;
			}
			if (arena_rb_color(arena_rb_right(w)) == ARENA_RB_BLACK) {
				arena_rb_set_color(arena_rb_left(w), ARENA_RB_BLACK);
				arena_rb_set_color(w, ARENA_RB_RED);
				arena_rb_rotate_right(tree, w);
				w = arena_rb_right(xp);
			}
			arena_rb_set_color(w, arena_rb_color(xp));
			arena_rb_set_color(xp, ARENA_RB_BLACK);
			arena_rb_set_color(arena_rb_right(w), ARENA_RB_BLACK);
			arena_rb_rotate_left(tree, xp);
		} else {
			w = arena_rb_left(xp);
			if (arena_rb_color(w) == ARENA_RB_RED) {
				arena_rb_set_color(w, ARENA_RB_BLACK);
				arena_rb_set_color(xp, ARENA_RB_RED);
				arena_rb_rotate_right(tree, xp);
				w = arena_rb_left(xp);
			}
			if (!w)
				break;
			if (arena_rb_color(arena_rb_left(w)) == ARENA_RB_BLACK &&
			    arena_rb_color(arena_rb_right(w)) == ARENA_RB_BLACK) {
				arena_rb_set_color(w, ARENA_RB_RED);
				x = xp;
				xp = arena_rb_parent(x);
				continue;
			}
			if (arena_rb_color(arena_rb_left(w)) == ARENA_RB_BLACK) {
				arena_rb_set_color(arena_rb_right(w), ARENA_RB_BLACK);
				arena_rb_set_color(w, ARENA_RB_RED);
				arena_rb_rotate_left(tree, w);
				w = arena_rb_left(xp);
			}
			arena_rb_set_color(w, arena_rb_color(xp));
			arena_rb_set_color(xp, ARENA_RB_BLACK);
			arena_rb_set_color(arena_rb_left(w), ARENA_RB_BLACK);
			arena_rb_rotate_right(tree, xp);
		}
		x = arena_deref(tree)->root;
		break;
	}
	arena_rb_set_color(x, ARENA_RB_BLACK);
}

/* Unlink @z from the tree and free it. */
static inline void arena_rbtree_erase(struct arena_rbtree __arena *tree, arena_rb_ptr z)
{
	arena_rb_ptr x, xp, y;
	__u64 removed_color;

	if (!arena_rb_left(z) || !arena_rb_right(z)) {
		/* At most one child: it takes z's place. */
		x = arena_rb_left(z) ? arena_rb_left(z) : arena_rb_right(z);
		xp = arena_rb_parent(z);
		removed_color = arena_rb_color(z);
		arena_rb_replace_child(tree, z, x);
	} else {
		/* Two children: z's successor y takes z's place and color. */
		y = arena_rb_leftmost(arena_rb_right(z));
		removed_color = arena_rb_color(y);
		x = arena_rb_right(y);
		if (arena_rb_parent(y) == z) {
			xp = y;
		} else {
			xp = arena_rb_parent(y);
			arena_rb_replace_child(tree, y, x);
			arena_deref(y)->right = arena_rb_right(z);
			arena_rb_set_parent(arena_rb_right(y), y);
		}
		arena_rb_replace_child(tree, z, y);
		arena_deref(y)->left = arena_rb_left(z);
		arena_rb_set_parent(arena_rb_left(y), y);
		arena_rb_set_color(y, arena_rb_color(z));
	}
	if (removed_color == ARENA_RB_BLACK)
		arena_rb_erase_fixup(tree, x, xp);
	arena_deref(tree)->count--;
	arena_free_retry(arena_deref(tree)->heap, z);
}

/* 0, or -ENOENT. */
static inline int arena_rbtree_delete(struct arena_rbtree __arena *tree, __u64 key)
{
	arena_rb_ptr z = arena_rbtree_find(tree, key);

	if (!z)
		return -ENOENT;
	arena_rbtree_erase(tree, z);
	return 0;
}

#endif /* __BPF_ARENA_RBTREE_H */

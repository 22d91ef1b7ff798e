/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A hash table in arena memory: fixed-size keys and values of any size,
 * chained buckets, one lock per bucket, elements from an arena_heap.
 *
 * Use it like a BPF hash map:
 *	arena_htab_init(htab, heap, sizeof(key), sizeof(value), max_entries);
 *	arena_htab_update(htab, &key, &value, ARENA_HTAB_ANY);
 *	struct val __arena *v = arena_htab_lookup(htab, &key);
 *	arena_htab_delete(htab, &key);
 * @key and @value are pointers to ordinary memory (the BPF stack, a user
 * variable) of exactly the table's key and value sizes: the macros pass
 * sizeof(*key), so the copy and compare loops have constant bounds, and a
 * size that doesn't match the table fails with -EINVAL.
 *
 * Promises: BPF programs on every CPU and user-space threads can update,
 * delete and look up concurrently (bucket locks); delete frees the element,
 * whose memory the heap hands out again; counts are exact.
 * Gives up: growth. The capacity is max_entries, fixed at init, with at
 * least as many buckets (rounded up to a power of two); an insert into a
 * full table fails with -E2BIG, and one into a bucket that already holds
 * ARENA_HTAB_MAX_CHAIN elements (only with keys crafted to collide) fails
 * with -ENOSPC, so lookups never need to walk further. A pointer from
 * arena_htab_lookup() is valid until somebody deletes that key:
 * arena_htab_lookup_copy() copies under the bucket lock instead.
 *
 * Speed in BPF: an uncontended bucket lock is one compare-and-swap, and the
 * chain walk is a may_goto loop (see arena_can_loop) that moves keys a
 * word at a time; when the kernel cuts that loop short the walk is done
 * again with arena_for(), so "not found" always comes from a whole walk.
 * Lookups still take the bucket lock (a lock-free read would have to
 * survive elements freed and reused under it, and in user space pages
 * given back to the kernel).
 */
#ifndef __BPF_ARENA_HTAB_H
#define __BPF_ARENA_HTAB_H

#include <bpf_arena/arena_alloc.h>

#ifndef ARENA_HTAB_MAX_CHAIN
#define ARENA_HTAB_MAX_CHAIN 64
#endif
#define ARENA_HTAB_MAX_BUCKETS ARENA_MAX_LOOPS

/* update flags, as BPF_ANY, BPF_NOEXIST, BPF_EXIST */
#define ARENA_HTAB_ANY 0
#define ARENA_HTAB_NOEXIST 1
#define ARENA_HTAB_EXIST 2

struct arena_htab_elem {
	struct arena_htab_elem __arena *next;
	__u64 hash;
	/* key, padded to 8 bytes, then value */
	__u64 data[];
};

struct arena_htab_bucket {
	struct arena_spinlock lock;
	struct arena_htab_elem __arena *first;
	/* Kept here rather than counted during the walk: a register counter
	 * compared with ARENA_HTAB_MAX_CHAIN would stop the verifier's loop
	 * convergence (see arena_util.h).
	 */
	__u64 len;
};

struct arena_htab {
	struct arena_heap __arena *heap;
	struct arena_htab_bucket __arena *buckets;
	__u64 nbuckets; /* a power of two */
	__u64 key_size;
	__u64 value_size;
	__u64 max_entries;
	__u64 count;
};

static inline __u64 arena_htab_key_room(__u64 key_size)
{
	return (key_size + 7) & ~7ULL;
}

static inline __u64 arena_htab_elem_size(__u64 key_size, __u64 value_size)
{
	return sizeof(struct arena_htab_elem) + arena_htab_key_room(key_size) + value_size;
}

/* The key and the value of an element. */
static inline void __arena *arena_htab_elem_key(struct arena_htab_elem __arena *e)
{
	return (char __arena *)e + sizeof(struct arena_htab_elem);
}

static inline void __arena *arena_htab_elem_value(struct arena_htab __arena *htab,
						  struct arena_htab_elem __arena *e)
{
	return (char __arena *)e + sizeof(struct arena_htab_elem) +
	       arena_htab_key_room(arena_deref(htab)->key_size);
}

/* 0, -EINVAL, -ENOMEM (the heap's pool can't hold the buckets: refill it
 * first). The table's memory must be zeroed or unused.
 */
static inline int arena_htab_init(struct arena_htab __arena *htab, struct arena_heap __arena *heap,
				  __u64 key_size, __u64 value_size, __u64 max_entries)
{
	struct arena_htab __arena *t = arena_deref(htab);
	__u64 n = 1;
	int i;

	if (!key_size || !max_entries || max_entries > ARENA_HTAB_MAX_BUCKETS ||
	    key_size > 0xffffffff || value_size > 0xffffffff)
		return -EINVAL;
	for (i = 0; i < 32; i++)
		if (n < max_entries)
			n <<= 1;
	t->buckets = (struct arena_htab_bucket __arena *)arena_calloc(
		heap, n, sizeof(struct arena_htab_bucket));
	if (!t->buckets)
		return -ENOMEM;
	t->heap = heap;
	t->nbuckets = n;
	t->key_size = key_size;
	t->value_size = value_size;
	t->max_entries = max_entries;
	t->count = 0;
	return 0;
}

/* A 64-bit hash of @size bytes at @key (ordinary memory). */
ARENA_ALWAYS_INLINE __u64 arena_hash_bytes(const void *key, __u64 size)
{
	const unsigned char *b = (const unsigned char *)key;
	__u64 h = 0x9e3779b97f4a7c15ULL ^ size;
	__u64 i, w;
	int j;

	for (i = 0; i + 8 <= size; i += 8) {
		w = 0;
		for (j = 0; j < 8; j++)
			w |= (__u64)b[i + j] << (8 * j);
		h ^= w;
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < size) {
		w = 0;
		for (j = 0; i + j < size; j++)
			w |= (__u64)b[i + j] << (8 * j);
		h ^= w;
		h *= 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Whether arena bytes @a equal ordinary bytes @b. */
ARENA_ALWAYS_INLINE int arena_htab_key_eq(const void __arena *a, const void *b, __u64 size)
{
	const unsigned char __arena *x = (const unsigned char __arena *)arena_deref(a);
	const unsigned char *y = (const unsigned char *)b;
	__u64 i;

	for (i = 0; i < size; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

static inline struct arena_htab_bucket __arena *
arena_htab_bucket_of(struct arena_htab __arena *htab, __u64 hash)
{
	struct arena_htab __arena *t = arena_deref(htab);

	return t->buckets + (hash & (t->nbuckets - 1));
}

/* The element's key and value start 8-byte aligned (blocks are 16-byte
 * aligned, the header and the key's room are multiples of 8), so the table
 * moves them a word at a time: an 8-byte key is one load and one compare.
 * The ordinary side may be unaligned: __builtin_memcpy() reads it in the
 * machine's byte order, as one load where clang knows it is aligned.
 */
ARENA_ALWAYS_INLINE int __arena_htab_key_eq(const void __arena *a, const void *b, __u64 size)
{
	const __u64 __arena *x = (const __u64 __arena *)arena_deref(a);
	const unsigned char __arena *xb = (const unsigned char __arena *)x;
	const unsigned char *y = (const unsigned char *)b;
	__u64 i, w;

	for (i = 0; i + 8 <= size; i += 8) {
		__builtin_memcpy(&w, y + i, 8);
		if (arena_read_once(x[i / 8]) != w)
			return 0;
	}
	for (; i < size; i++)
		if (arena_read_once(xb[i]) != y[i])
			return 0;
	return 1;
}

/* Bucket locked: the element with @key, and the one before it (NULL if it
 * is first), or NULL. An arena_for() walk of at most ARENA_HTAB_MAX_CHAIN
 * elements: exact whatever the loop budget says.
 */
ARENA_ALWAYS_INLINE struct arena_htab_elem __arena *
__arena_htab_find_slow(struct arena_htab_bucket __arena *bucket, __u64 hash, const void *key,
		       __u64 key_size, struct arena_htab_elem __arena **prevp)
{
	struct arena_htab_elem __arena *e = arena_deref(bucket)->first, *prev = NULL;
	int i;

	arena_for(i, 0, ARENA_HTAB_MAX_CHAIN) {
		if (!e)
			break;
		if (arena_deref(e)->hash == hash &&
		    __arena_htab_key_eq(arena_htab_elem_key(e), key, key_size)) {
			if (prevp)
				*prevp = prev;
			return e;
		}
		prev = e;
		e = arena_deref(e)->next;
	}
	return NULL;
}

/* The fast walk, a may_goto loop (see arena_can_loop): 1 with *@ep (and
 * *@prevp) set if @key is in the chain, 0 if the walk reached its end
 * without it, -EAGAIN if it could not tell: the loop budget ran out, or the
 * chain disagrees with the bucket's count (which never exceeds
 * ARENA_HTAB_MAX_CHAIN). It walks at most len elements: counting down from
 * the count read in arena memory, the verifier knows only a range and
 * checks the body once or twice whatever the chain's length.
 */
ARENA_ALWAYS_INLINE int __arena_htab_walk(struct arena_htab_bucket __arena *bucket, __u64 hash,
					  const void *key, __u64 key_size,
					  struct arena_htab_elem __arena **ep,
					  struct arena_htab_elem __arena **prevp)
{
	struct arena_htab_bucket __arena *b = arena_deref(bucket);
	struct arena_htab_elem __arena *e = arena_read_once(b->first), *prev = NULL, *x;
	__u64 left = arena_read_once(b->len);

	/* Not clamped: a constant there would make the verifier walk every
	 * iteration down from it.
	 */
	if (left > ARENA_HTAB_MAX_CHAIN)
		return -EAGAIN;
	while (arena_can_loop) {
		if (!e)
			return 0;
		if (!left)
			return -EAGAIN;
		x = arena_deref(e);
		if (arena_read_once(x->hash) == hash &&
		    __arena_htab_key_eq(arena_htab_elem_key(e), key, key_size)) {
			*ep = e;
			if (prevp)
				*prevp = prev;
			return 1;
		}
		prev = e;
		e = arena_read_once(x->next);
		left--;
	}
	return -EAGAIN;
}

/* Bucket locked: the element with @key, and the one before it (NULL if it
 * is first), or NULL. The fast walk, and the exact one when the fast one
 * could not tell: "not found" is only ever the answer of a whole walk.
 */
ARENA_ALWAYS_INLINE struct arena_htab_elem __arena *
__arena_htab_find(struct arena_htab_bucket __arena *bucket, __u64 hash, const void *key,
		  __u64 key_size, struct arena_htab_elem __arena **prevp)
{
	struct arena_htab_elem __arena *e = NULL;
	int ret;

	ret = __arena_htab_walk(bucket, hash, key, key_size, &e, prevp);
	if (ret < 0)
		return __arena_htab_find_slow(bucket, hash, key, key_size, prevp);
	return ret ? e : NULL;
}

ARENA_ALWAYS_INLINE void __arena *__arena_htab_lookup(struct arena_htab __arena *htab,
						      const void *key, __u64 key_size)
{
	struct arena_htab_bucket __arena *bucket;
	struct arena_htab_elem __arena *e;
	__u64 hash;

	if (key_size != arena_deref(htab)->key_size)
		return NULL;
	hash = arena_hash_bytes(key, key_size);
	bucket = arena_htab_bucket_of(htab, hash);
	if (arena_spin_lock(&bucket->lock))
		return NULL;
	e = __arena_htab_find(bucket, hash, key, key_size, NULL);
	arena_spin_unlock(&bucket->lock);
	return e ? arena_htab_elem_value(htab, e) : NULL;
}

ARENA_ALWAYS_INLINE int __arena_htab_lookup_copy(struct arena_htab __arena *htab, const void *key,
						 __u64 key_size, void *value, __u64 value_size)
{
	struct arena_htab_bucket __arena *bucket;
	struct arena_htab_elem __arena *e;
	__u64 hash;
	int err;

	if (key_size != arena_deref(htab)->key_size || value_size != arena_deref(htab)->value_size)
		return -EINVAL;
	hash = arena_hash_bytes(key, key_size);
	bucket = arena_htab_bucket_of(htab, hash);
	err = arena_spin_lock(&bucket->lock);
	if (err)
		return err;
	e = __arena_htab_find(bucket, hash, key, key_size, NULL);
	if (e)
		arena_copy_from_arena(value, arena_htab_elem_value(htab, e), value_size);
	arena_spin_unlock(&bucket->lock);
	return e ? 0 : -ENOENT;
}

ARENA_ALWAYS_INLINE int __arena_htab_update(struct arena_htab __arena *htab, const void *key,
					    __u64 key_size, const void *value, __u64 value_size,
					    __u64 flags)
{
	struct arena_htab __arena *t = arena_deref(htab);
	struct arena_htab_bucket __arena *bucket;
	struct arena_htab_elem __arena *e;
	__u64 hash;
	int err;

	if (key_size != t->key_size || value_size != t->value_size || flags > ARENA_HTAB_EXIST)
		return -EINVAL;
	hash = arena_hash_bytes(key, key_size);
	bucket = arena_htab_bucket_of(htab, hash);
	err = arena_spin_lock(&bucket->lock);
	if (err)
		return err;
	e = __arena_htab_find(bucket, hash, key, key_size, NULL);
	if (e) {
		if (flags == ARENA_HTAB_NOEXIST) {
			err = -EEXIST;
		} else {
			arena_copy_to_arena(arena_htab_elem_value(htab, e), value, value_size);
			err = 0;
		}
		goto out;
	}
	if (flags == ARENA_HTAB_EXIST) {
		err = -ENOENT;
		goto out;
	}
	if (arena_deref(bucket)->len >= ARENA_HTAB_MAX_CHAIN) {
		err = -ENOSPC;
		goto out;
	}
	if (arena_atomic_add(&t->count, 1) >= t->max_entries) {
		arena_atomic_add(&t->count, -1ULL);
		err = -E2BIG;
		goto out;
	}
	e = (struct arena_htab_elem __arena *)arena_malloc(
		t->heap, arena_htab_elem_size(key_size, value_size));
	if (!e) {
		arena_atomic_add(&t->count, -1ULL);
		err = -ENOMEM;
		goto out;
	}
	arena_deref(e)->hash = hash;
	arena_copy_to_arena(arena_htab_elem_key(e), key, key_size);
	arena_copy_to_arena(arena_htab_elem_value(htab, e), value, value_size);
	arena_deref(e)->next = arena_deref(bucket)->first;
	arena_deref(bucket)->first = e;
	arena_deref(bucket)->len++;
	err = 0;
out:
	arena_spin_unlock(&bucket->lock);
	return err;
}

ARENA_ALWAYS_INLINE int __arena_htab_delete(struct arena_htab __arena *htab, const void *key,
					    __u64 key_size)
{
	struct arena_htab __arena *t = arena_deref(htab);
	struct arena_htab_bucket __arena *bucket;
	struct arena_htab_elem __arena *e, *prev = NULL;
	__u64 hash;
	int err;

	if (key_size != t->key_size)
		return -EINVAL;
	hash = arena_hash_bytes(key, key_size);
	bucket = arena_htab_bucket_of(htab, hash);
	err = arena_spin_lock(&bucket->lock);
	if (err)
		return err;
	e = __arena_htab_find(bucket, hash, key, key_size, &prev);
	if (e) {
		if (prev)
			arena_deref(prev)->next = arena_deref(e)->next;
		else
			arena_deref(bucket)->first = arena_deref(e)->next;
		arena_deref(bucket)->len--;
	}
	arena_spin_unlock(&bucket->lock);
	if (!e)
		return -ENOENT;
	arena_atomic_add(&t->count, -1ULL);
	arena_free_retry(t->heap, e);
	return 0;
}

/* The typed front: @key and @value point to ordinary memory. */
#define arena_htab_lookup(htab, key) __arena_htab_lookup(htab, key, sizeof(*(key)))
#define arena_htab_lookup_copy(htab, key, value) \
	__arena_htab_lookup_copy(htab, key, sizeof(*(key)), value, sizeof(*(value)))
#define arena_htab_update(htab, key, value, flags) \
	__arena_htab_update(htab, key, sizeof(*(key)), value, sizeof(*(value)), flags)
#define arena_htab_delete(htab, key) __arena_htab_delete(htab, key, sizeof(*(key)))

static inline __u64 arena_htab_count(struct arena_htab __arena *htab)
{
	return arena_read_once(arena_deref(htab)->count);
}

/* Walk every element, bucket by bucket, without locks: for a table nobody
 * is changing (tests, a quiescent reader). @e is the element,
 * @b an int bucket index.
 */
#define arena_htab_for_each_unlocked(e, b, htab)                                              \
	arena_for(b, 0, (int)arena_deref(htab)->nbuckets)                                     \
		for (int ___arena_hi =                                                        \
			     ((e) = arena_deref(arena_deref(htab)->buckets + (b))->first, 0); \
		     (e) && ___arena_hi < ARENA_HTAB_MAX_CHAIN;                               \
		     (e) = arena_deref(e)->next, ___arena_hi++)

#endif /* __BPF_ARENA_HTAB_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bitmap of a fixed number of bits in arena memory, with atomic bit
 * operations, shared by BPF programs on every CPU and user space.
 *
 * Promises: set, clear, test_and_set and test_and_clear of one bit are
 * atomic (or/and, or a compare-and-swap loop, on its 64-bit word), so
 * several parties can claim bits without a lock; find and weight walk at most
 * ARENA_BITMAP_MAX_BITS bits. Bits past nbits stay 0.
 * Gives up: atomicity across words: arena_bitmap_find_first_zero() then
 * arena_bitmap_test_and_set() is the way to claim a free bit, retrying when
 * somebody else took it; weight and find see a moment that may already
 * have passed. No growth.
 */
#ifndef __BPF_ARENA_BITMAP_H
#define __BPF_ARENA_BITMAP_H

#include <bpf_arena/arena_alloc.h>

/* 64 bits a word, ARENA_MAX_LOOPS words */
#define ARENA_BITMAP_MAX_BITS (64ULL * ARENA_MAX_LOOPS)

struct arena_bitmap {
	__u64 nbits;
	__u64 __arena *words;
	struct arena_heap __arena *heap;
};

/* No popcount or count-trailing-zeros instruction in BPF, and clang would
 * use a lookup table in .rodata for the latter: do it by arithmetic.
 */
static inline __u64 arena_popcount64(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Index of the lowest set bit; 64 for 0. */
static inline __u64 arena_ctz64(__u64 x)
{
	if (!x)
		return 64;
	return arena_popcount64((x & -x) - 1);
}

static inline __u64 arena_bitmap_words(__u64 nbits)
{
	return (nbits + 63) / 64;
}

/* 0, -EINVAL, -ENOMEM. All bits clear. */
static inline int arena_bitmap_init(struct arena_bitmap __arena *bitmap,
				    struct arena_heap __arena *heap, __u64 nbits)
{
	struct arena_bitmap __arena *b = arena_deref(bitmap);

	if (!nbits || nbits > ARENA_BITMAP_MAX_BITS)
		return -EINVAL;
	b->words = (__u64 __arena *)arena_calloc(heap, arena_bitmap_words(nbits), sizeof(__u64));
	if (!b->words)
		return -ENOMEM;
	b->nbits = nbits;
	b->heap = heap;
	return 0;
}

static inline __u64 __arena *arena_bitmap_word(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	return arena_deref(arena_deref(bitmap)->words + bit / 64);
}

/* Each returns -EINVAL for a bit out of range. */
static inline int arena_bitmap_set(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	if (bit >= arena_deref(bitmap)->nbits)
		return -EINVAL;
	arena_atomic_or(arena_bitmap_word(bitmap, bit), 1ULL << (bit % 64));
	return 0;
}

static inline int arena_bitmap_clear(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	if (bit >= arena_deref(bitmap)->nbits)
		return -EINVAL;
	arena_atomic_and(arena_bitmap_word(bitmap, bit), ~(1ULL << (bit % 64)));
	return 0;
}

/* 1 if set, 0 if clear. */
static inline int arena_bitmap_test(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	if (bit >= arena_deref(bitmap)->nbits)
		return -EINVAL;
	return (arena_read_once(*arena_bitmap_word(bitmap, bit)) >> (bit % 64)) & 1;
}

/* The bit's old value (1 or 0); it is set now. -EAGAIN if its word kept
 * changing for ARENA_CAS_TRIES attempts (nothing changed then).
 */
static inline int arena_bitmap_test_and_set(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	int fail = 0;
	__u64 old;

	if (bit >= arena_deref(bitmap)->nbits)
		return -EINVAL;
	old = arena_atomic_fetch_or(arena_bitmap_word(bitmap, bit), 1ULL << (bit % 64), &fail);
	return fail ? -EAGAIN : (int)((old >> (bit % 64)) & 1);
}

static inline int arena_bitmap_test_and_clear(struct arena_bitmap __arena *bitmap, __u64 bit)
{
	int fail = 0;
	__u64 old;

	if (bit >= arena_deref(bitmap)->nbits)
		return -EINVAL;
	old = arena_atomic_fetch_and(arena_bitmap_word(bitmap, bit), ~(1ULL << (bit % 64)), &fail);
	return fail ? -EAGAIN : (int)((old >> (bit % 64)) & 1);
}

/* The first bit >= @from whose value is @value (0 or 1), or nbits. */
static inline __u64 arena_bitmap_find_next(struct arena_bitmap __arena *bitmap, __u64 from,
					   int value)
{
	struct arena_bitmap __arena *b = arena_deref(bitmap);
	__u64 nbits = b->nbits, nwords = arena_bitmap_words(nbits), w, bit;
	__u64 __arena *words = arena_deref(b->words);
	int i;

	if (from >= nbits)
		return nbits;
	arena_for(i, (int)(from / 64), (int)nwords) {
		w = arena_read_once(words[i]);
		if (!value)
			w = ~w;
		if ((__u64)i == from / 64)
			w &= ~0ULL << (from % 64);
		if (w) {
			bit = (__u64)i * 64 + arena_ctz64(w);
			return bit < nbits ? bit : nbits;
		}
	}
	return nbits;
}

#define arena_bitmap_find_first_set(bitmap) arena_bitmap_find_next(bitmap, 0, 1)
#define arena_bitmap_find_first_zero(bitmap) arena_bitmap_find_next(bitmap, 0, 0)
#define arena_bitmap_find_next_set(bitmap, from) arena_bitmap_find_next(bitmap, from, 1)
#define arena_bitmap_find_next_zero(bitmap, from) arena_bitmap_find_next(bitmap, from, 0)

/* Number of set bits. */
static inline __u64 arena_bitmap_weight(struct arena_bitmap __arena *bitmap)
{
	struct arena_bitmap __arena *b = arena_deref(bitmap);
	__u64 nwords = arena_bitmap_words(b->nbits), n = 0;
	__u64 __arena *words = arena_deref(b->words);
	int i;

	arena_for(i, 0, (int)nwords)
		n += arena_popcount64(arena_read_once(words[i]));
	return n;
}

/* Clear every bit (not atomic as a whole). */
static inline void arena_bitmap_zero(struct arena_bitmap __arena *bitmap)
{
	struct arena_bitmap __arena *b = arena_deref(bitmap);
	__u64 nwords = arena_bitmap_words(b->nbits);
	__u64 __arena *words = arena_deref(b->words);
	int i;

	arena_for(i, 0, (int)nwords)
		arena_atomic_xchg(&words[i], 0);
}

#endif /* __BPF_ARENA_BITMAP_H */

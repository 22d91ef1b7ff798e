/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A flat hash table in arena memory: fixed-size keys and values stored
 * inline in one array of buckets, lookups without locks, and a layout that
 * user space reads from start to end.
 *
 * Use it like a BPF hash map (keys and values in ordinary memory of exactly
 * the table's sizes: the macros pass sizeof(*key), sizeof(*value)):
 *	arena_fhtab_init(t, heap, sizeof(key), sizeof(value), max_entries);
 *	arena_fhtab_update(t, &key, &value, ARENA_FHTAB_ANY);
 *	arena_fhtab_lookup(t, &key, &value);	copies the value out, no lock
 *	arena_fhtab_delete(t, &key);
 *
 * How it works. The table is one array of buckets (open addressing, no
 * pointers, nothing allocated per element). A bucket is a sequence word, a
 * meta word and up to 6 slots of key + value (8-byte aligned each): with
 * 8-byte keys and values a bucket is 64 bytes, one cache line, 3 slots. The
 * meta word holds a 7-bit tag of each slot's key hash (0: the slot is free)
 * in its low bytes and, in its top 16 bits, how many entries whose home
 * bucket is this one or an earlier one live after it. A key lives in its
 * home bucket or one of the next ARENA_FHTAB_MAX_PROBE - 1 (the array has
 * that many spare buckets at its end, so a path never wraps), and a lookup
 * walks on only while the count says something passed: usually it reads
 * one cache line. Entries never move once placed.
 *
 * Readers take no lock: they read a bucket's sequence word, the meta word
 * and the slot, then the sequence word again; a writer makes the word odd
 * (that is its lock, taken by compare-and-swap) and even again when it is
 * done, so a reader that saw it odd or changed knows it may have read a
 * torn or reused slot and reads again under the bucket's lock (never in a
 * loop that could be cut short: see arena_can_loop). The counts are raised
 * before an entry is placed past its home and lowered after it is removed,
 * so a reader that stops early never misses an entry that is there.
 * Writers take the key's home bucket (which orders every writer of one
 * key), and one further bucket at a time, always in increasing order, so
 * two writers can't deadlock. Bucket memory is never freed while the table
 * lives, so a reader never follows anything that was given back.
 *
 * Promises: BPF programs on every CPU and user-space threads can look up,
 * insert, update and delete at once; a lookup copies a value that was
 * whole at one moment (never torn, never another key's); "absent" is only
 * ever the answer of a whole walk. The entry count is kept per CPU (no
 * shared counter word). A walk over the bucket array (arena_fhtab_for_each,
 * or arena_fhtab_bucket_read() while others write) reads every entry in
 * memory order: 28.5 bytes an entry at 8 + 8 bytes when the table holds
 * max_entries.
 * Gives up: growth (the size is fixed at init from max_entries, with room
 * so the table is then at most 3/4 full: 2/3 with 2 slots a bucket, 1/2
 * with 1), an exact capacity (an insert fails
 * with -ENOSPC only when the key's ARENA_FHTAB_MAX_PROBE buckets are full,
 * which random keys don't do below max_entries but keys crafted to
 * collide can; there is no -E2BIG), and waiting: a lock that stays taken
 * makes the call fail with -ETIMEDOUT. arena_fhtab_lookup_elem() returns a
 * pointer into the table, like bpf_map_lookup_elem(): the slot may be
 * changed or reused by another key once somebody deletes the key, as with
 * a preallocated BPF hash map. Memory order: readers rely on loads not
 * being reordered with loads, which x86-64 (the JIT this project runs on)
 * guarantees; user space uses acquire fences.
 */
#ifndef __BPF_ARENA_FHTAB_H
#define __BPF_ARENA_FHTAB_H

#include <bpf_arena/arena_alloc.h>

/* Buckets one key may be in: its home and the next ones. */
#ifndef ARENA_FHTAB_MAX_PROBE
#define ARENA_FHTAB_MAX_PROBE 128
#endif
#define ARENA_FHTAB_MAX_SLOTS 6
/* Per-CPU entry counts, each on a cache line of its own. */
#ifndef ARENA_FHTAB_MAX_CPUS
#define ARENA_FHTAB_MAX_CPUS 64
#endif

/* update flags, as BPF_ANY, BPF_NOEXIST, BPF_EXIST */
#define ARENA_FHTAB_ANY 0
#define ARENA_FHTAB_NOEXIST 1
#define ARENA_FHTAB_EXIST 2

#define ARENA_FHTAB_HDR 16
#define ARENA_FHTAB_PASSED (1ULL << 48) /* one entry counted in meta's top 16 bits */

struct arena_fhtab_bucket {
	__u64 seq; /* odd: a writer holds the bucket */
	__u64 meta; /* bytes 0-5: slot tags (0: free); bits 48-63: entries that passed */
	/* then the slots: key (padded to 8 bytes), value (padded to 8 bytes) */
};

struct arena_fhtab_count {
	__u64 n; /* entries this CPU added minus those it deleted */
	__u64 __pad[7];
};

struct arena_fhtab {
	char __arena *buckets; /* 64-byte aligned */
	void __arena *mem; /* the heap block they are in */
	struct arena_heap __arena *heap;
	__u64 nbuckets; /* home buckets; ARENA_FHTAB_MAX_PROBE - 1 more follow */
	__u64 key_size;
	__u64 value_size;
	__u64 key_room; /* key_size rounded up to 8 */
	__u64 slot_size;
	__u64 slots; /* per bucket, 1..ARENA_FHTAB_MAX_SLOTS */
	__u64 bucket_size;
	__u64 max_probe; /* ARENA_FHTAB_MAX_PROBE, read from memory (see arena_can_loop) */
	__u64 max_entries;
	__u64 slot_mask; /* 0x80 in the meta byte of every slot */
	__u64 __pad[3];
	struct arena_fhtab_count count[ARENA_FHTAB_MAX_CPUS];
};

/* Ordering of a reader's loads: the JIT keeps x86-64 loads in order, so
 * BPF only needs the compiler to; user space asks for acquire.
 */
#if BPF_ARENA_IN_BPF
#define arena_fhtab_rmb() asm volatile("" ::: "memory")
#else
#define arena_fhtab_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif

static inline __u64 arena_fhtab_round8(__u64 n)
{
	return (n + 7) & ~7ULL;
}

/* All buckets in the array: the homes and the spare ones at the end. */
static inline __u64 arena_fhtab_nr_buckets(struct arena_fhtab __arena *htab)
{
	return arena_deref(htab)->nbuckets + ARENA_FHTAB_MAX_PROBE - 1;
}

/* Bytes of arena memory a table of @max_entries such keys and values takes
 * (what arena_fhtab_init() asks the heap for), 0 if it can't be made.
 */
static inline __u64 arena_fhtab_mem_size(__u64 key_size, __u64 value_size, __u64 max_entries)
{
	__u64 slot = arena_fhtab_round8(key_size) + arena_fhtab_round8(value_size);
	__u64 slots, want, nb;

	if (!key_size || !max_entries || key_size > 0xffff || value_size > 0xffff ||
	    max_entries > 0xffffffffULL)
		return 0;
	/* As many slots as fit a 64-byte bucket; fewer slots per bucket
	 * cluster more, so they get more room.
	 */
	slots = slot <= 64 - ARENA_FHTAB_HDR ? (64 - ARENA_FHTAB_HDR) / slot : 1;
	if (slots > ARENA_FHTAB_MAX_SLOTS)
		slots = ARENA_FHTAB_MAX_SLOTS;
	if (slots >= 3)
		want = max_entries + max_entries / 3; /* at most 3/4 full */
	else if (slots == 2)
		want = max_entries + max_entries / 2;
	else
		want = max_entries * 2;
	nb = (want + slots - 1) / slots;
	return (nb + ARENA_FHTAB_MAX_PROBE - 1) * (ARENA_FHTAB_HDR + slots * slot) + 64;
}

/* 0, -EINVAL, -ENOMEM (the heap's pool can't hold the buckets: refill it
 * first). The table's memory must be zeroed or unused. In BPF the buckets
 * are zeroed by an arena_for() loop: init from a sleepable program, once.
 */
static inline int arena_fhtab_init(struct arena_fhtab __arena *htab,
				   struct arena_heap __arena *heap, __u64 key_size,
				   __u64 value_size, __u64 max_entries)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	__u64 size = arena_fhtab_mem_size(key_size, value_size, max_entries);
	__u64 slot, slots, bsize, base;
	void __arena *mem;

	if (!size || size > 0xffffffffULL)
		return -EINVAL;
	slot = arena_fhtab_round8(key_size) + arena_fhtab_round8(value_size);
	slots = slot <= 64 - ARENA_FHTAB_HDR ? (64 - ARENA_FHTAB_HDR) / slot : 1;
	if (slots > ARENA_FHTAB_MAX_SLOTS)
		slots = ARENA_FHTAB_MAX_SLOTS;
	bsize = ARENA_FHTAB_HDR + slots * slot;
	mem = arena_calloc(heap, 1, size);
	if (!mem)
		return -ENOMEM;
	base = (arena_ptr_to_u64(mem) + 63) & ~63ULL;
	t->mem = mem;
	t->buckets = arena_u64_to_ptr(char, base);
	t->heap = heap;
	t->nbuckets = (size - 64) / bsize - (ARENA_FHTAB_MAX_PROBE - 1);
	t->key_size = key_size;
	t->value_size = value_size;
	t->key_room = arena_fhtab_round8(key_size);
	t->slot_size = slot;
	t->slots = slots;
	t->bucket_size = bsize;
	t->max_probe = ARENA_FHTAB_MAX_PROBE;
	t->max_entries = max_entries;
	t->slot_mask = 0x8080808080808080ULL & ((1ULL << (8 * slots)) - 1);
	return 0;
}

/* Give the buckets back to the heap; nobody may use the table any more. */
static inline int arena_fhtab_destroy(struct arena_fhtab __arena *htab)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	void __arena *mem = t->mem;

	t->mem = NULL;
	t->buckets = NULL;
	return arena_free_retry(t->heap, mem);
}

/* A 64-bit hash of @size bytes of ordinary memory, a word at a time. */
ARENA_ALWAYS_INLINE __u64 arena_fhtab_hash(const void *key, __u64 size)
{
	const unsigned char *b = (const unsigned char *)key;
	__u64 h = 0x9e3779b97f4a7c15ULL ^ size, w, i;
	int j;

	for (i = 0; i + 8 <= size; i += 8) {
		__builtin_memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < size) {
		w = 0;
		for (j = 0; i + j < size; j++)
			w |= (__u64)b[i + j] << (8 * j);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* The home bucket: the hash's top half scaled to nbuckets (no power of
 * two needed), and the tag: 7 other bits, with the top bit set so no tag
 * is 0.
 */
#define arena_fhtab_home(h, nbuckets) ((((h) >> 32) * (nbuckets)) >> 32)
#define arena_fhtab_tag(h) (((h)&0x7f) | 0x80)

static inline struct arena_fhtab_bucket __arena *
arena_fhtab_bucket_at(struct arena_fhtab __arena *htab, __u64 b)
{
	struct arena_fhtab __arena *t = arena_deref(htab);

	return (struct arena_fhtab_bucket __arena *)(t->buckets + b * t->bucket_size);
}

/* The key and value of slot @i of a bucket. */
#define arena_fhtab_slot_key(htab, bk, i)                          \
	((void __arena *)((char __arena *)(bk) + ARENA_FHTAB_HDR + \
			  (i)*arena_deref(htab)->slot_size))
#define arena_fhtab_slot_value(htab, bk, i)                        \
	((void __arena *)((char __arena *)(bk) + ARENA_FHTAB_HDR + \
			  (i)*arena_deref(htab)->slot_size + arena_deref(htab)->key_room))

/* Whether the arena key at @a (8-byte aligned) equals @b (ordinary). The
 * differences are or-ed together and tested once: one branch, for the CPU
 * and for the verifier, whatever the key's size.
 */
ARENA_ALWAYS_INLINE int __arena_fhtab_key_eq(const void __arena *a, const void *b, __u64 size)
{
	const __u64 __arena *x = (const __u64 __arena *)arena_deref(a);
	const unsigned char __arena *xb = (const unsigned char __arena *)x;
	const unsigned char *y = (const unsigned char *)b;
	__u64 i, w, diff = 0;

	for (i = 0; i + 8 <= size; i += 8) {
		__builtin_memcpy(&w, y + i, 8);
		diff |= arena_read_once(x[i / 8]) ^ w;
	}
	for (; i < size; i++)
		diff |= arena_read_once(xb[i]) ^ y[i];
	return diff == 0;
}

/* Waiting for a bucket, after a first attempt failed: an arena_for() loop,
 * as in arena_spin_lock().
 */
ARENA_SLOW int __arena_fhtab_lock_slow(struct arena_fhtab_bucket __arena *bucket)
{
	struct arena_fhtab_bucket __arena *bk = arena_deref(bucket);
	__u64 s;
	int i;

	arena_for(i, 1, ARENA_SPIN_TRIES) {
		s = arena_read_once(bk->seq);
		if (!(s & 1) && arena_atomic_cmpxchg(&bk->seq, s, s + 1) == s)
			return 0;
		arena_cpu_relax(i);
	}
	return -ETIMEDOUT;
}

/* Take a bucket: its sequence word goes from even to odd. 0 or -ETIMEDOUT. */
ARENA_FAST int arena_fhtab_lock(struct arena_fhtab_bucket __arena *bucket)
{
	struct arena_fhtab_bucket __arena *bk = arena_deref(bucket);
	__u64 s = arena_read_once(bk->seq);

	if (!(s & 1) && arena_atomic_cmpxchg(&bk->seq, s, s + 1) == s)
		return 0;
	return __arena_fhtab_lock_slow(bucket);
}

/* Release it: even again, and a value readers haven't seen. Fully ordered,
 * so every store made under the lock is visible first.
 */
ARENA_FAST void arena_fhtab_unlock(struct arena_fhtab_bucket __arena *bucket)
{
	arena_atomic_add(&arena_deref(bucket)->seq, 1);
}

#define ARENA_FHTAB_LOW7 0x7f7f7f7f7f7f7f7fULL

/* The slots whose tag byte in @meta is @tag (0: the free slots), as the top
 * bit of each such byte: exact, without a branch (a byte's top bit in
 * ((b & 0x7f) + 0x7f) | b is set iff b != 0, and no carry leaves a byte).
 */
ARENA_FAST __u64 __arena_fhtab_match(__u64 meta, __u64 tag, __u64 slot_mask)
{
	__u64 x = meta ^ (tag * 0x0101010101010101ULL);

	return ~(((x & ARENA_FHTAB_LOW7) + ARENA_FHTAB_LOW7) | x) & slot_mask;
}

/* The slot of the lowest bit of a match: multiplying 1 << 8k by this
 * constant puts k in the top byte. No loop, no branch.
 */
ARENA_FAST int __arena_fhtab_first(__u64 m)
{
	return (int)((((m & (~m + 1)) >> 7) * 0x0001020304050607ULL) >> 56);
}

/* The first slot whose tag matches, compared inline: its index if it
 * holds @key, -1 if no tag matches, -2 if another candidate is left (a tag
 * that matched for another key, 1 in 128 a slot): the caller then walks.
 */
ARENA_ALWAYS_INLINE int __arena_fhtab_find_first(struct arena_fhtab __arena *htab,
						 struct arena_fhtab_bucket __arena *bk, __u64 meta,
						 __u64 tag, const void *key, __u64 key_size)
{
	__u64 m = __arena_fhtab_match(meta, tag, arena_deref(htab)->slot_mask);
	int s;

	if (!m)
		return -1;
	s = __arena_fhtab_first(m);
	if (__arena_fhtab_key_eq(arena_fhtab_slot_key(htab, bk, s), key, key_size))
		return s;
	return m & (m - 1) ? -2 : -1;
}

/* A free slot of a held bucket, or -1. */
ARENA_ALWAYS_INLINE int __arena_fhtab_free_slot(struct arena_fhtab __arena *htab, __u64 meta)
{
	__u64 m = __arena_fhtab_match(meta, 0, arena_deref(htab)->slot_mask);

	return m ? __arena_fhtab_first(m) : -1;
}

/*
 * The walks below are flat: one loop whose every step either opens the
 * next bucket of the path or looks at one candidate slot of the open one,
 * so the verifier checks one small body a few times, where a loop over
 * candidates inside a loop over buckets multiplied its states at every
 * call site (and nested arena_for() loops trip a 6.18 verifier bug on
 * clang 14's code: "backtracking call unexpected regs").
 */

/* The locked walk: @key's bucket and slot (and its value copied into
 * @value when given), each bucket of its path taken in turn (the home one
 * only if @home_held is 0). 1 with *@bp and *@sp set, 0 if absent, or
 * -ETIMEDOUT. Exact whatever the loop budget: arena_for().
 */
ARENA_ALWAYS_INLINE int __arena_fhtab_find_locked(struct arena_fhtab __arena *htab, __u64 home,
						  __u64 tag, const void *key, __u64 key_size,
						  int home_held, void *value, __u64 value_size,
						  __u64 *bp, int *sp)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *bk = NULL;
	__u64 b = home, meta = 0, m = 0;
	int i, s, open = 0, mine = 0;

	arena_for(i, 0, ARENA_FHTAB_MAX_PROBE * (ARENA_FHTAB_MAX_SLOTS + 1)) {
		if (!open) {
			if (b >= home + ARENA_FHTAB_MAX_PROBE)
				return 0;
			bk = arena_fhtab_bucket_at(htab, b);
			mine = b != home || !home_held;
			if (mine && arena_fhtab_lock(bk))
				return -ETIMEDOUT;
			meta = arena_read_once(arena_deref(bk)->meta);
			m = __arena_fhtab_match(meta, tag, t->slot_mask);
			open = 1;
			continue;
		}
		if (m) {
			s = __arena_fhtab_first(m);
			if (__arena_fhtab_key_eq(arena_fhtab_slot_key(htab, bk, s), key,
						 key_size)) {
				if (value)
					arena_copy_from_arena(value,
							      arena_fhtab_slot_value(htab, bk, s),
							      value_size);
				if (mine)
					arena_fhtab_unlock(bk);
				*bp = b;
				*sp = s;
				return 1;
			}
			m &= m - 1;
			continue;
		}
		if (mine)
			arena_fhtab_unlock(bk);
		if (!(meta >> 48))
			return 0;
		b++;
		open = 0;
	}
	return 0;
}

/* The lock-free walk: 1 with the bucket and slot of @key (and its value
 * copied when @value is given), 0 if absent, -EAGAIN if it could not tell
 * (a bucket was held or changed while it read it, or the loop budget ran
 * out): the caller then takes the locked walk. It counts the buckets down
 * from max_probe read in arena memory, so the verifier knows only a range
 * (see arena_can_loop).
 */
ARENA_ALWAYS_INLINE int __arena_fhtab_walk(struct arena_fhtab __arena *htab, __u64 home, __u64 tag,
					   const void *key, __u64 key_size, void *value,
					   __u64 value_size,
					   struct arena_fhtab_bucket __arena **bkp, int *sp)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *bk = arena_fhtab_bucket_at(htab, home), *b;
	__u64 left = arena_read_once(t->max_probe), bsize = t->bucket_size, s1 = 0, meta = 0, m = 0;
	int s, open = 0;

	if (left > ARENA_FHTAB_MAX_PROBE)
		return -EAGAIN;
	while (arena_can_loop) {
		b = arena_deref(bk);
		if (!open) {
			if (!left)
				return 0;
			s1 = arena_read_once(b->seq);
			if (s1 & 1)
				return -EAGAIN;
			arena_fhtab_rmb();
			meta = arena_read_once(b->meta);
			m = __arena_fhtab_match(meta, tag, t->slot_mask);
			open = 1;
		}
		if (m) {
			s = __arena_fhtab_first(m);
			if (__arena_fhtab_key_eq(arena_fhtab_slot_key(htab, bk, s), key,
						 key_size)) {
				if (value)
					arena_copy_from_arena(value,
							      arena_fhtab_slot_value(htab, bk, s),
							      value_size);
				arena_fhtab_rmb();
				if (arena_read_once(b->seq) != s1)
					return -EAGAIN;
				*bkp = bk;
				*sp = s;
				return 1;
			}
			m &= m - 1;
			continue;
		}
		arena_fhtab_rmb();
		if (arena_read_once(b->seq) != s1)
			return -EAGAIN;
		if (!(meta >> 48))
			return 0;
		bk = (struct arena_fhtab_bucket __arena *)((char __arena *)bk + bsize);
		left--;
		open = 0;
	}
	return -EAGAIN;
}

/* Copy @key's value into @value: 0, -ENOENT, -EINVAL (sizes), -ETIMEDOUT. */
ARENA_ALWAYS_INLINE int __arena_fhtab_lookup(struct arena_fhtab __arena *htab, const void *key,
					     __u64 key_size, void *value, __u64 value_size)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *bk;
	__u64 h, home, tag, b;
	int ret, s;

	if (key_size != t->key_size || value_size != t->value_size)
		return -EINVAL;
	h = arena_fhtab_hash(key, key_size);
	home = arena_fhtab_home(h, t->nbuckets);
	tag = arena_fhtab_tag(h);
	ret = __arena_fhtab_walk(htab, home, tag, key, key_size, value, value_size, &bk, &s);
	if (ret > 0)
		return 0;
	if (ret == 0)
		return -ENOENT;
	ret = __arena_fhtab_find_locked(htab, home, tag, key, key_size, 0, value, value_size, &b,
					&s);
	return ret > 0 ? 0 : ret ? ret : -ENOENT;
}

/* A pointer to @key's value in the table, or NULL (see the top of the
 * file for how long it means that key).
 */
ARENA_ALWAYS_INLINE void __arena *__arena_fhtab_lookup_elem(struct arena_fhtab __arena *htab,
							    const void *key, __u64 key_size)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *bk;
	__u64 h, home, tag, b;
	int ret, s;

	if (key_size != t->key_size)
		return NULL;
	h = arena_fhtab_hash(key, key_size);
	home = arena_fhtab_home(h, t->nbuckets);
	tag = arena_fhtab_tag(h);
	ret = __arena_fhtab_walk(htab, home, tag, key, key_size, NULL, 0, &bk, &s);
	if (ret > 0)
		return arena_fhtab_slot_value(htab, bk, s);
	if (ret == 0)
		return NULL;
	if (__arena_fhtab_find_locked(htab, home, tag, key, key_size, 0, NULL, 0, &b, &s) <= 0)
		return NULL;
	return arena_fhtab_slot_value(htab, arena_fhtab_bucket_at(htab, b), s);
}

ARENA_FAST void __arena_fhtab_count_add(struct arena_fhtab __arena *htab, __u64 v)
{
	arena_atomic_add(&arena_deref(htab)->count[arena_cpu_id() % ARENA_FHTAB_MAX_CPUS].n, v);
}

/* Home bucket held, @key absent: place it in the first bucket of its path
 * with a free slot, raising the count of every bucket it passes first.
 * 0, -ENOSPC (the path is full), -ETIMEDOUT. A bucket that stays taken
 * leaves the counts raised so far high, which costs lookups a bucket more
 * and nothing else (undoing them would need the loop's count after the
 * loop, which arena_for() doesn't give).
 */
ARENA_ALWAYS_INLINE int __arena_fhtab_place(struct arena_fhtab __arena *htab, __u64 home, __u64 tag,
					    const void *key, __u64 key_size, const void *value,
					    __u64 value_size)
{
	struct arena_fhtab_bucket __arena *bk, *b;
	__u64 meta;
	int j, s;

	arena_for(j, 0, ARENA_FHTAB_MAX_PROBE) {
		bk = arena_fhtab_bucket_at(htab, home + j);
		b = arena_deref(bk);
		if (j && arena_fhtab_lock(bk))
			return -ETIMEDOUT;
		meta = b->meta;
		s = __arena_fhtab_free_slot(htab, meta);
		if (s >= 0) {
			arena_copy_to_arena(arena_fhtab_slot_key(htab, bk, s), key, key_size);
			arena_copy_to_arena(arena_fhtab_slot_value(htab, bk, s), value, value_size);
			arena_write_once(b->meta, meta | tag << (8 * s));
			if (j)
				arena_fhtab_unlock(bk);
			return 0;
		}
		/* Counted before the entry can be seen past this bucket. */
		arena_write_once(b->meta, meta + ARENA_FHTAB_PASSED);
		if (j)
			arena_fhtab_unlock(bk);
	}
	/* The whole path was full: take back every count raised. */
	arena_for(j, 0, ARENA_FHTAB_MAX_PROBE) {
		bk = arena_fhtab_bucket_at(htab, home + j);
		b = arena_deref(bk);
		if (j && arena_fhtab_lock(bk))
			break;
		arena_write_once(b->meta, b->meta - ARENA_FHTAB_PASSED);
		if (j)
			arena_fhtab_unlock(bk);
	}
	return -ENOSPC;
}

ARENA_ALWAYS_INLINE int __arena_fhtab_update(struct arena_fhtab __arena *htab, const void *key,
					     __u64 key_size, const void *value, __u64 value_size,
					     __u64 flags)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *hb, *bk;
	__u64 h, home, tag, meta, b;
	int err, s, ret;

	if (key_size != t->key_size || value_size != t->value_size || flags > ARENA_FHTAB_EXIST)
		return -EINVAL;
	h = arena_fhtab_hash(key, key_size);
	home = arena_fhtab_home(h, t->nbuckets);
	tag = arena_fhtab_tag(h);
	hb = arena_fhtab_bucket_at(htab, home);
	err = arena_fhtab_lock(hb);
	if (err)
		return err;
	/* The usual case, no loop: the key is in its home bucket, or nothing
	 * passed it and the home bucket has room.
	 */
	meta = arena_deref(hb)->meta;
	s = __arena_fhtab_find_first(htab, hb, meta, tag, key, key_size);
	if (s >= 0) {
		b = home;
		ret = 1;
	} else if (s == -1 && !(meta >> 48)) {
		ret = 0;
	} else {
		ret = __arena_fhtab_find_locked(htab, home, tag, key, key_size, 1, NULL, 0, &b, &s);
		if (ret < 0) {
			err = ret;
			goto out;
		}
	}
	if (ret) {
		if (flags == ARENA_FHTAB_NOEXIST) {
			err = -EEXIST;
			goto out;
		}
		bk = arena_fhtab_bucket_at(htab, b);
		if (b != home && arena_fhtab_lock(bk)) {
			err = -ETIMEDOUT;
			goto out;
		}
		arena_copy_to_arena(arena_fhtab_slot_value(htab, bk, s), value, value_size);
		if (b != home)
			arena_fhtab_unlock(bk);
		err = 0;
		goto out;
	}
	if (flags == ARENA_FHTAB_EXIST) {
		err = -ENOENT;
		goto out;
	}
	s = __arena_fhtab_free_slot(htab, meta);
	if (s >= 0) {
		arena_copy_to_arena(arena_fhtab_slot_key(htab, hb, s), key, key_size);
		arena_copy_to_arena(arena_fhtab_slot_value(htab, hb, s), value, value_size);
		arena_write_once(arena_deref(hb)->meta, meta | tag << (8 * s));
		err = 0;
	} else {
		err = __arena_fhtab_place(htab, home, tag, key, key_size, value, value_size);
	}
	if (!err)
		__arena_fhtab_count_add(htab, 1);
out:
	arena_fhtab_unlock(hb);
	return err;
}

ARENA_ALWAYS_INLINE int __arena_fhtab_delete(struct arena_fhtab __arena *htab, const void *key,
					     __u64 key_size)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	struct arena_fhtab_bucket __arena *hb, *bk;
	__u64 h, home, tag, meta, b = 0;
	int err, s, ret, k;

	if (key_size != t->key_size)
		return -EINVAL;
	h = arena_fhtab_hash(key, key_size);
	home = arena_fhtab_home(h, t->nbuckets);
	tag = arena_fhtab_tag(h);
	hb = arena_fhtab_bucket_at(htab, home);
	err = arena_fhtab_lock(hb);
	if (err)
		return err;
	meta = arena_deref(hb)->meta;
	s = __arena_fhtab_find_first(htab, hb, meta, tag, key, key_size);
	if (s >= 0) {
		arena_write_once(arena_deref(hb)->meta, meta & ~(0xffULL << (8 * s)));
		goto done;
	}
	if (s == -1 && !(meta >> 48)) {
		err = -ENOENT;
		goto out;
	}
	ret = __arena_fhtab_find_locked(htab, home, tag, key, key_size, 1, NULL, 0, &b, &s);
	if (ret <= 0) {
		err = ret ? ret : -ENOENT;
		goto out;
	}
	if (b == home) {
		arena_write_once(arena_deref(hb)->meta,
				 arena_deref(hb)->meta & ~(0xffULL << (8 * s)));
		goto done;
	}
	bk = arena_fhtab_bucket_at(htab, b);
	if (arena_fhtab_lock(bk)) {
		err = -ETIMEDOUT;
		goto out;
	}
	arena_write_once(arena_deref(bk)->meta, arena_deref(bk)->meta & ~(0xffULL << (8 * s)));
	arena_fhtab_unlock(bk);
	/* Gone from its slot: now the counts of the buckets it passed. A lock
	 * that stays taken leaves a count high, which costs lookups a bucket
	 * more and nothing else.
	 */
	arena_for(k, 0, ARENA_FHTAB_MAX_PROBE) {
		if ((__u64)k >= b - home)
			break;
		bk = arena_fhtab_bucket_at(htab, home + k);
		if (k && arena_fhtab_lock(bk))
			break;
		arena_write_once(arena_deref(bk)->meta, arena_deref(bk)->meta - ARENA_FHTAB_PASSED);
		if (k)
			arena_fhtab_unlock(bk);
	}
done:
	__arena_fhtab_count_add(htab, -1ULL);
	err = 0;
out:
	arena_fhtab_unlock(hb);
	return err;
}

/* The typed front: @key and @value point to ordinary memory. */
#define arena_fhtab_lookup(htab, key, value) \
	__arena_fhtab_lookup(htab, key, sizeof(*(key)), value, sizeof(*(value)))
#define arena_fhtab_lookup_elem(htab, key) __arena_fhtab_lookup_elem(htab, key, sizeof(*(key)))
#define arena_fhtab_update(htab, key, value, flags) \
	__arena_fhtab_update(htab, key, sizeof(*(key)), value, sizeof(*(value)), flags)
#define arena_fhtab_delete(htab, key) __arena_fhtab_delete(htab, key, sizeof(*(key)))

/* Entries in the table: the per-CPU counts summed (exact when nobody is
 * changing the table).
 */
static inline __u64 arena_fhtab_count(struct arena_fhtab __arena *htab)
{
	struct arena_fhtab __arena *t = arena_deref(htab);
	__u64 n = 0;
	int i;

	for (i = 0; i < ARENA_FHTAB_MAX_CPUS; i++)
		n += arena_read_once(t->count[i].n);
	return n;
}

#if !BPF_ARENA_IN_BPF
/* User space, while BPF and other threads change the table: copy the
 * entries of bucket @b (0 .. arena_fhtab_nr_buckets() - 1) into @keys and
 * @values, arrays of htab->slots keys and values of the table's sizes, as
 * they were at one moment (checked by the bucket's sequence word, or read
 * under its lock when writers keep changing it). Returns how many, or
 * -ETIMEDOUT. Walking b from 0 up reads the table in memory order; an
 * entry inserted or deleted during the walk may be seen or not.
 */
static inline int arena_fhtab_bucket_read(struct arena_fhtab *htab, __u64 b, void *keys,
					  void *values)
{
	struct arena_fhtab_bucket *bk = arena_fhtab_bucket_at(htab, b);
	__u64 ks = htab->key_size, vs = htab->value_size, s1, meta;
	int i, n, tries, locked = 0;

	for (tries = 0;; tries++) {
		if (tries == 64) {
			if (arena_fhtab_lock(bk))
				return -ETIMEDOUT;
			locked = 1;
		}
		s1 = __atomic_load_n(&bk->seq, __ATOMIC_ACQUIRE);
		if ((s1 & 1) && !locked) {
			arena_cpu_relax(tries);
			continue;
		}
		meta = __atomic_load_n(&bk->meta, __ATOMIC_RELAXED);
		for (i = 0, n = 0; i < (int)htab->slots; i++) {
			if (!((meta >> (8 * i)) & 0xff))
				continue;
			memcpy((char *)keys + n * ks, arena_fhtab_slot_key(htab, bk, i), ks);
			memcpy((char *)values + n * vs, arena_fhtab_slot_value(htab, bk, i), vs);
			n++;
		}
		if (locked) {
			arena_fhtab_unlock(bk);
			return n;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&bk->seq, __ATOMIC_RELAXED) == s1)
			return n;
	}
}
#endif

/* Every entry, in memory order, without locks: for a table nobody is
 * changing, or a reader that accepts entries changing under it. @bk is a
 * struct arena_fhtab_bucket pointer, @b a __u64 bucket index and @i an int
 * slot index; use arena_fhtab_slot_key(htab, bk, i) and
 * arena_fhtab_slot_value(htab, bk, i). In BPF, bound the walk yourself.
 */
#define arena_fhtab_for_each(bk, b, i, htab)                         \
	for ((b) = 0; (b) < arena_fhtab_nr_buckets(htab); (b)++)     \
		for ((bk) = arena_fhtab_bucket_at(htab, b), (i) = 0; \
		     (__u64)(i) < arena_deref(htab)->slots; (i)++)   \
			if ((arena_read_once(arena_deref(bk)->meta) >> (8 * (i))) & 0xff)

#endif /* __BPF_ARENA_FHTAB_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bounded FIFO queue of 64-bit values for many producers and many
 * consumers, in arena memory, without locks: BPF programs on every CPU and
 * user-space threads push and pop at the same time.
 *
 * How it works: a ring of capacity cells (a power of two), each with a
 * sequence number that says whose turn the cell is (D. Vyukov's bounded
 * MPMC queue). A producer claims the tail position by compare-and-swap,
 * writes its value and then publishes the cell by bumping its sequence; a
 * consumer does the same at the head. Nobody ever waits for another party
 * while holding anything, so a preempted user thread can't stall BPF.
 *
 * Promises: FIFO order per producer; every pushed value is popped exactly
 * once; push and pop are O(1) and fail instead of waiting: -ENOSPC when
 * full, -ENOENT when empty, -EAGAIN after ARENA_QUEUE_RETRIES lost races.
 * Gives up: growth (capacity fixed at init), and exact emptiness: while a
 * producer is between claiming a cell and publishing it, consumers see the
 * queue as empty at that cell (-ENOENT) even if later cells are full, and
 * get the value once it is published. Values are 64 bits: to queue objects,
 * push arena pointers (arena_ptr_to_u64()).
 */
#ifndef __BPF_ARENA_QUEUE_H
#define __BPF_ARENA_QUEUE_H

#include <bpf_arena/arena_alloc.h>

#ifndef ARENA_QUEUE_RETRIES
#define ARENA_QUEUE_RETRIES 4096
#endif
#define ARENA_QUEUE_MAX_CAPACITY ARENA_MAX_LOOPS

struct arena_queue_cell {
	__u64 seq;
	__u64 value;
};

struct arena_queue {
	/* head and tail on cache lines of their own: consumers and producers
	 * each hammer one.
	 */
	__u64 head;
	__u64 __pad0[7];
	__u64 tail;
	__u64 __pad1[7];
	struct arena_queue_cell __arena *cells;
	__u64 mask;
	struct arena_heap __arena *heap;
};

/* 0, -EINVAL (capacity 0 or too big), -ENOMEM. @capacity is rounded up to a
 * power of two.
 */
static inline int arena_queue_init(struct arena_queue __arena *queue,
				   struct arena_heap __arena *heap, __u64 capacity)
{
	struct arena_queue __arena *q = arena_deref(queue);
	struct arena_queue_cell __arena *cells, *c;
	__u64 n = 1;
	int i;

	if (!capacity || capacity > ARENA_QUEUE_MAX_CAPACITY)
		return -EINVAL;
	for (i = 0; i < 32; i++)
		if (n < capacity)
			n <<= 1;
	cells = (struct arena_queue_cell __arena *)arena_malloc(
		heap, n * sizeof(struct arena_queue_cell));
	if (!cells)
		return -ENOMEM;
	c = arena_deref(cells);
	arena_for(i, 0, (int)n) {
		c[i].seq = i;
		c[i].value = 0;
	}
	q->cells = cells;
	q->mask = n - 1;
	q->heap = heap;
	q->head = 0;
	q->tail = 0;
	return 0;
}

/* One attempt each, so that push and pop try once before any loop: an
 * uncontended call then pays no iterator kfuncs (see arena_util.h). 0,
 * -ENOSPC / -ENOENT, or -EAGAIN when another party took the position first.
 */
ARENA_ALWAYS_INLINE int __arena_queue_try_push(struct arena_queue __arena *q, __u64 value)
{
	struct arena_queue_cell __arena *cell;
	__u64 pos, seq;

	pos = arena_atomic_load(&q->tail);
	cell = arena_deref(q->cells + (pos & q->mask));
	seq = arena_atomic_load(&cell->seq);
	if (seq == pos) {
		if (arena_atomic_cmpxchg(&q->tail, pos, pos + 1) == pos) {
			cell->value = value;
			/* publish: the value is visible before the seq */
			arena_atomic_xchg(&cell->seq, pos + 1);
			return 0;
		}
	} else if ((__s64)(seq - pos) < 0) {
		return -ENOSPC;
	}
	/* another producer got there first: try the next tail */
	return -EAGAIN;
}

ARENA_ALWAYS_INLINE int __arena_queue_try_pop(struct arena_queue __arena *q, __u64 *value)
{
	struct arena_queue_cell __arena *cell;
	__u64 pos, seq;

	pos = arena_atomic_load(&q->head);
	cell = arena_deref(q->cells + (pos & q->mask));
	seq = arena_atomic_load(&cell->seq);
	if (seq == pos + 1) {
		if (arena_atomic_cmpxchg(&q->head, pos, pos + 1) == pos) {
			*value = cell->value;
			/* hand the cell to the producer one lap later */
			arena_atomic_xchg(&cell->seq, pos + q->mask + 1);
			return 0;
		}
	} else if ((__s64)(seq - (pos + 1)) < 0) {
		return -ENOENT;
	}
	return -EAGAIN;
}

static inline int arena_queue_push(struct arena_queue __arena *queue, __u64 value)
{
	struct arena_queue __arena *q = arena_deref(queue);
	int i, err;

	err = __arena_queue_try_push(q, value);
	if (err != -EAGAIN)
		return err;
	arena_for(i, 1, ARENA_QUEUE_RETRIES) {
		err = __arena_queue_try_push(q, value);
		if (err != -EAGAIN)
			return err;
	}
	return -EAGAIN;
}

static inline int arena_queue_pop(struct arena_queue __arena *queue, __u64 *value)
{
	struct arena_queue __arena *q = arena_deref(queue);
	int i, err;

	err = __arena_queue_try_pop(q, value);
	if (err != -EAGAIN)
		return err;
	arena_for(i, 1, ARENA_QUEUE_RETRIES) {
		err = __arena_queue_try_pop(q, value);
		if (err != -EAGAIN)
			return err;
	}
	return -EAGAIN;
}

/* Values in the queue, momentarily. */
static inline __u64 arena_queue_len(struct arena_queue __arena *queue)
{
	struct arena_queue __arena *q = arena_deref(queue);
	__u64 head = arena_atomic_load(&q->head);
	__u64 tail = arena_atomic_load(&q->tail);

	return tail > head ? tail - head : 0;
}

static inline __u64 arena_queue_capacity(struct arena_queue __arena *queue)
{
	return arena_deref(queue)->mask + 1;
}

#endif /* __BPF_ARENA_QUEUE_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A spin lock in arena memory, shared by BPF programs on every CPU and by
 * the threads of the process that maps the arena.
 *
 * Promises: mutual exclusion between all of them (one 64-bit word taken by
 * compare-and-swap, released by an exchange, both fully ordered); a waiter
 * gives up after ARENA_SPIN_TRIES attempts and gets -ETIMEDOUT, so a holder
 * that never releases (a crashed process, a bug) cannot hang a BPF program
 * and the verifier sees a bounded loop.
 *
 * Gives up: fairness (no queue, whoever's CAS lands first wins), sleeping
 * (a user-space waiter yields its CPU now and then but never blocks), and
 * recovery: a lock whose holder died stays taken. The caller must handle
 * -ETIMEDOUT, typically by failing its operation with that error.
 *
 * The kernel's resilient lock (bpf_res_spin_lock, 6.15+) lives in map
 * values, not in arena memory, and user space cannot take it, so it cannot
 * protect data that both sides edit.
 *
 * The zero value is an unlocked lock, so a lock in an __arena global or in
 * zeroed memory needs no initialisation.
 */
#ifndef __BPF_ARENA_LOCK_H
#define __BPF_ARENA_LOCK_H

#include <bpf_arena/arena_util.h>

/* Attempts before -ETIMEDOUT. A BPF program can't yield, and on a kernel
 * without full preemption it keeps a user-space holder that was preempted
 * on the same CPU from running until it gives up: so BPF gives up after
 * about 0.1-1 ms, while user space, which yields every 1024 attempts, waits
 * much longer. Holders keep the lock for microseconds.
 */
#ifndef ARENA_SPIN_TRIES
#if BPF_ARENA_IN_BPF
#define ARENA_SPIN_TRIES (1 << 16)
#else
#define ARENA_SPIN_TRIES (1 << 20)
#endif
#endif

struct arena_spinlock {
	__u64 locked;
};

#define ARENA_SPINLOCK_INIT \
	{                   \
		0           \
	}

static inline void arena_spin_lock_init(struct arena_spinlock __arena *lock)
{
	arena_atomic_xchg(&arena_deref(lock)->locked, 0);
}

/* 1 if the lock was taken, 0 if somebody holds it. */
ARENA_FAST int arena_spin_trylock(struct arena_spinlock __arena *lock)
{
	struct arena_spinlock __arena *l = arena_deref(lock);

	return arena_atomic_cmpxchg(&l->locked, 0, 1) == 0;
}

/* Waiting for the lock, after a first attempt failed. An arena_for() loop:
 * its bound is exact, where a may_goto loop's counter would have to be
 * hidden from the verifier (see arena_can_loop), and a kfunc call per
 * attempt costs a waiter nothing it wouldn't spend spinning.
 */
ARENA_SLOW int __arena_spin_lock_slow(struct arena_spinlock __arena *lock)
{
	struct arena_spinlock __arena *l = arena_deref(lock);
	int i;

	arena_for(i, 1, ARENA_SPIN_TRIES) {
		/* Read before the CAS so waiters don't bounce the line. */
		if (arena_read_once(l->locked) == 0 && arena_atomic_cmpxchg(&l->locked, 0, 1) == 0)
			return 0;
		arena_cpu_relax(i);
	}
	return -ETIMEDOUT;
}

/* 0 once the lock is held, -ETIMEDOUT if it stayed taken. Uncontended, the
 * usual case, it is one compare-and-swap, inlined in BPF: no loop, no call.
 */
ARENA_FAST int arena_spin_lock(struct arena_spinlock __arena *lock)
{
	if (arena_spin_trylock(lock))
		return 0;
	return __arena_spin_lock_slow(lock);
}

ARENA_FAST void arena_spin_unlock(struct arena_spinlock __arena *lock)
{
	arena_atomic_xchg(&arena_deref(lock)->locked, 0);
}

static inline int arena_spin_is_locked(struct arena_spinlock __arena *lock)
{
	return arena_read_once(arena_deref(lock)->locked) != 0;
}

#endif /* __BPF_ARENA_LOCK_H */

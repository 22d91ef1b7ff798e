/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every arena data structure needs, the same in BPF and in user space:
 * bounded loops, atomics on arena memory, the current CPU, error numbers.
 *
 * Loops. The 6.18 verifier must see every loop end. A loop with a constant
 * bound is walked iteration by iteration by the verifier, so its cost grows
 * with the bound (and nested loops multiply). arena_for() instead uses the
 * kernel's open-coded number iterator (bpf_iter_num_new/next/destroy, kernel
 * 6.4+): the verifier checks the body until its state converges, a few
 * passes whatever the bound, so spinning up to a million times costs it ~100
 * instructions. The iterator kfuncs are plain calls, so clang 14 emits them
 * as well as clang 19 (bpf_for() itself is missing from libbpf 1.1's
 * headers). In user space arena_for() is an ordinary for loop.
 * The state converges only if what changes from one pass to the next is
 * imprecise to the verifier: a counter in a register that is compared with
 * a constant, in the body (if (n == 0) ...) or after the loop (n == 61,
 * also when 61 is a value the verifier has learnt), or that indexes the
 * stack, makes it walk every iteration and give up ("The sequence of 8193
 * jumps is too complex"). Keep such counters in arena memory, which the
 * verifier doesn't track, or compare them with a fresh arena load.
 *
 * Atomics. clang 14 and 19 both emit BPF_ATOMIC instructions for the
 * __sync_* builtins and __atomic_exchange_n on 64-bit operands without
 * -mcpu=v3, and the 6.18 verifier accepts them on arena memory; 32-bit
 * atomics ("please use 64 bit version") and __atomic_store_n don't compile
 * with either one's default CPU, so every shared word here is a __u64 and a
 * release store is an exchange. The RMW forms are fully ordered on every
 * JIT, so no barrier is needed beside them.
 *
 * memset. clang 19 turns neighbouring stores of one byte value into arena
 * memory (a->x = 0; a->y = 0;), byte-copy loops and struct copies into
 * llvm.memset/memcpy on address space 1, and then emits those as plain
 * stores through the uncast pointer, which the verifier refuses ("invalid
 * mem access 'scalar'"). Clang 14 is not affected (no address spaces).
 * Write such stores through arena_write_once() (volatile), which clang
 * leaves alone, and don't assign whole structs in arena memory.
 */
#ifndef __BPF_ARENA_UTIL_H
#define __BPF_ARENA_UTIL_H

#include <bpf_arena/bpf_arena_common.h>

/* The longest arena_for() range the kernel iterates (BPF_MAX_LOOPS). */
#define ARENA_MAX_LOOPS (8 * 1024 * 1024)

#if BPF_ARENA_IN_BPF

#ifndef NULL
#define NULL ((void *)0)
#endif

/* BPF C has no <errno.h>. */
#ifndef EPERM
#define EPERM 1
#endif
#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef EAGAIN
#define EAGAIN 11
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef EINVAL
#define EINVAL 22
#endif
#ifndef ENOSPC
#define ENOSPC 28
#endif
#ifndef E2BIG
#define E2BIG 7
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT 110
#endif

/* The number iterator's state. vmlinux.h and the uapi <linux/bpf.h> of
 * kernels 6.4+ define it; define BPF_ARENA_HAVE_BPF_ITER_NUM when yours does
 * and is not vmlinux.h.
 */
#if !defined(__VMLINUX_H__) && !defined(BPF_ARENA_HAVE_BPF_ITER_NUM)
struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));
#endif

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

/* for (i = start; i < end; i++), with i an int declared by the caller.
 * break, continue and return work as in a for loop. The kernel refuses a
 * range longer than ARENA_MAX_LOOPS (BPF_MAX_LOOPS, 8M): the loop then runs
 * zero times, so every bound in these headers stays within it.
 */
#define arena_for(i, start, end)                                                         \
	for (struct bpf_iter_num ___arena_it                                             \
	     __attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),                 \
	     *___arena_p                                                                 \
	     __attribute__((unused)) = (bpf_iter_num_new(&___arena_it, (start), (end)),  \
					(void)bpf_iter_num_destroy, (void *)0);          \
	     ({                                                                          \
		     int *___arena_t = bpf_iter_num_next(&___arena_it);                  \
		     (___arena_t && ((i) = *___arena_t, (i) >= (start) && (i) < (end))); \
	     });)

static inline __attribute__((always_inline)) __u32 arena_cpu_id(void)
{
	return bpf_get_smp_processor_id();
}

/* Nothing to yield to inside a BPF program. */
#define arena_cpu_relax(iter) ((void)(iter))

#else /* user space */

#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#define arena_for(i, start, end) for ((i) = (start); (i) < (end); (i)++)

/* The CPU we run on, so that user space shares the per-CPU caches (and
 * their locks) with BPF programs on that CPU; a per-thread number where
 * sched_getcpu() is not declared (it needs _GNU_SOURCE).
 */
static inline __u32 arena_cpu_id(void)
{
#if defined(__USE_GNU)
	int cpu = sched_getcpu();

	if (cpu >= 0)
		return (__u32)cpu;
#endif
	static __thread __u32 arena_thread_slot;
	static __u64 arena_next_slot;

	if (!arena_thread_slot)
		arena_thread_slot = (__u32)__sync_add_and_fetch(&arena_next_slot, 1);
	return arena_thread_slot - 1;
}

/* A user-space lock holder can be preempted while BPF never is for long:
 * spin politely, and give the CPU away now and then so the holder can run.
 */
static inline void arena_cpu_relax(int iter)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
	if ((iter & 1023) == 1023)
		sched_yield();
}

#endif /* BPF_ARENA_IN_BPF */

/* For functions whose constant arguments (key and value sizes) must reach
 * the loops inside them, so the verifier sees the bounds.
 */
#define ARENA_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Atomics on 64-bit arena words, fully ordered. p is a dereferenceable
 * pointer: arena_deref() it first.
 *
 * The x86-64 JIT has no arena form of fetch-or, fetch-and or fetch-xor
 * (the verifier says "BPF_ATOMIC stores into R1 arena is not allowed"), and
 * clang rewrites an ordered load written as fetch-add of 0 into fetch-or of
 * 0. So: or/and without fetch are statements, the fetching forms are
 * compare-and-swap loops, and an ordered load is a compare-and-swap that
 * changes nothing.
 */
#define arena_atomic_cmpxchg(p, old, new) __sync_val_compare_and_swap((p), (old), (new))
#define arena_atomic_xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define arena_atomic_add(p, v) __sync_fetch_and_add((p), (v))
#define arena_atomic_or(p, v) ((void)__sync_fetch_and_or((p), (v)))
#define arena_atomic_and(p, v) ((void)__sync_fetch_and_and((p), (v)))
#define arena_atomic_load(p) __sync_val_compare_and_swap((p), 0, 0)
/* A plain load the compiler must not cache or merge. */
#define arena_read_once(x) (*(volatile __typeof__(x) *)&(x))
#define arena_write_once(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#ifndef ARENA_CAS_TRIES
#define ARENA_CAS_TRIES (1 << 16)
#endif

/* *p |= v, returning the old value; *p unchanged and @fail set if the word
 * kept changing under us for ARENA_CAS_TRIES attempts.
 */
static inline __u64 arena_atomic_fetch_or(__u64 __arena *p, __u64 v, int *fail)
{
	__u64 old = arena_read_once(*p), prev;
	int i;

	arena_for(i, 0, ARENA_CAS_TRIES) {
		prev = arena_atomic_cmpxchg(p, old, old | v);
		if (prev == old)
			return old;
		old = prev;
	}
	*fail = 1;
	return old;
}

static inline __u64 arena_atomic_fetch_and(__u64 __arena *p, __u64 v, int *fail)
{
	__u64 old = arena_read_once(*p), prev;
	int i;

	arena_for(i, 0, ARENA_CAS_TRIES) {
		prev = arena_atomic_cmpxchg(p, old, old & v);
		if (prev == old)
			return old;
		old = prev;
	}
	*fail = 1;
	return old;
}

/* Pointer <-> integer for arena pointers, so they can be hashed, compared
 * by their arena offset, or kept in a __u64.
 */
#define arena_ptr_to_u64(p) ((__u64)(unsigned long)(p))
#define arena_u64_to_ptr(type, v) ((type __arena *)(unsigned long)(v))

/* The containing object of an embedded member, like container_of(). Only
 * arithmetic, so it keeps a user-form pointer in user form.
 */
#define arena_container_of(ptr, type, member) \
	((type __arena *)((char __arena *)(ptr) - __builtin_offsetof(type, member)))

#endif /* __BPF_ARENA_UTIL_H */

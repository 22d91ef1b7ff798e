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
 * Hot paths use arena_can_loop instead (a may_goto loop, ~1 ns an
 * iteration against arena_for()'s kfunc call), with a catch: the kernel
 * may end such a loop early, without a word, and the caller must notice
 * and fall back to an arena_for() loop or fail (see arena_can_loop). The
 * structures here do one or the other, so a loop budget that runs out
 * never changes an answer.
 *
 * Atomics. clang 14, 19 and 22 emit BPF_ATOMIC instructions for the
 * __sync_* and __atomic_* builtins on 64-bit operands without -mcpu=v3;
 * 32-bit atomics ("please use 64 bit version") and __atomic_store_n don't
 * compile with the default CPU, so every shared word here is a __u64 and a
 * release store is an exchange. Which BPF_ATOMIC form comes out depends on
 * the compiler, and the x86-64 JIT has arena forms of only some of them
 * (see the arena_atomic_*() definitions below).
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

/* while (arena_can_loop) ...: 1 while the loop may go on, 0 once the loop
 * budget of this run of the (sub)program is spent. It is one may_goto
 * instruction (kernel 6.9+, which every kernel with arenas is), which the JIT
 * makes a counter on the stack: ~1 ns an iteration, where arena_for() costs a
 * kfunc call (several ns where the CPU runs a return-thunk mitigation such as
 * AMD's SRSO "Safe RET") and two more per loop. The verifier checks the body
 * until its state converges, as for arena_for(), with the same rule about
 * counters in registers: one that starts from a known value (a constant,
 * or a clamp such as "if (n > 64) n = 64") and is compared with constants
 * makes it walk every iteration. Count down from a value read from arena
 * memory and checked ("if (n > 64) bail out"), so the verifier only knows
 * a range.
 *
 * The budget is the kernel's, not the caller's: about 8M iterations shared
 * by every may_goto of one call of a (sub)program, or since 6.14 on x86-64
 * and arm64 about 250 ms of it, and the loop then ends without a word. So
 * the code after a loop must tell a loop that was cut short from one that
 * finished (arena_can_loop was 0), and must never turn a cut-short loop
 * into an answer: fall back to arena_for(), or fail with -EAGAIN. In user
 * space arena_can_loop is 1 and the loop needs a bound of its own.
 *
 * clang 19 assembles may_goto; older clangs get its bytes (opcode 0xe5,
 * BPF_JMP | BPF_JCOND, registers and imm 0, off +1), which can't name a C
 * label: "may_goto +1" lands on "goto <label>" when the budget is spent,
 * and otherwise falls through to a "goto +1" that steps over it.
 */
#if defined(__clang__) && __clang_major__ >= 19
#define __arena_may_goto(label) asm volatile goto("may_goto %l[" #label "]" :: ::label)
#else
#define __arena_may_goto(label)                                                      \
	asm volatile goto(".byte 0xe5, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00\n\t" \
			  "goto +1\n\t"                                              \
			  "goto %l[" #label "]" :: ::label)
#endif
#define arena_can_loop                                   \
	({                                               \
		__label__ ___arena_l_out, ___arena_l_ok; \
		int ___arena_ok = 1;                     \
		__arena_may_goto(___arena_l_out);        \
		goto ___arena_l_ok;                      \
	___arena_l_out:                                  \
		___arena_ok = 0;                         \
	___arena_l_ok:                                   \
		___arena_ok;                             \
	})

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

/* No budget in user space: bound the loop yourself. */
#define arena_can_loop 1

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

/* A call to a BPF subprogram costs about what a kfunc call does (its return
 * goes through the mitigation's thunk, where there is one): ARENA_FAST
 * inlines a fast path into its BPF callers, ARENA_SLOW keeps the rest out
 * of line so that they stay small. Ordinary inline functions in user space.
 */
#if BPF_ARENA_IN_BPF
#define ARENA_FAST static inline __attribute__((always_inline))
#define ARENA_SLOW static inline __attribute__((noinline))
#else
#define ARENA_FAST static inline
#define ARENA_SLOW static inline
#endif

/* Atomics on 64-bit arena words. p is a dereferenceable pointer:
 * arena_deref() it first.
 *
 * The x86-64 JIT has arena forms of add, and, or, xor (without fetch),
 * xchg, cmpxchg and fetch-add, but none of fetch-and, fetch-or and
 * fetch-xor: the verifier refuses those with "BPF_ATOMIC stores into R<n>
 * arena is not allowed". Which form comes out of a builtin depends on the
 * compiler (checked by disassembly with clang 14, 19 and 22):
 *  - (void)__sync_fetch_and_or/and/xor(): the non-fetch form on clang 14
 *    and 19, the fetch form on clang 20+ (LLVM emits the non-fetch form only
 *    for a relaxed operation whose result is unused, since LLVM PR 107343).
 *  - (void)__atomic_fetch_or/and/xor(p, v, __ATOMIC_RELAXED): the non-fetch
 *    form on all three.
 *  - __atomic_fetch_*() with any stronger order: the fetch form on 20+.
 * So in BPF, or/and/xor are relaxed __atomic_fetch_*() statements whose
 * result nobody can use. The JIT makes them a lock-prefixed instruction on
 * x86-64 (fully ordered anyway); on JITs that follow the BPF memory model
 * to the letter (arm64) they are atomic but relaxed, which is all the
 * bitmap, their one user, promises. The fetching forms are compare-and-swap
 * loops (arena_atomic_fetch_or/and below), and an ordered load is a
 * compare-and-swap that changes nothing (clang rewrites fetch-add of 0 into
 * fetch-or of 0). add, xchg and cmpxchg are fetching forms the JIT has, and
 * fully ordered. In user space every one of them is fully ordered.
 */
#define arena_atomic_cmpxchg(p, old, new) __sync_val_compare_and_swap((p), (old), (new))
#define arena_atomic_xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define arena_atomic_add(p, v) __sync_fetch_and_add((p), (v))
#if BPF_ARENA_IN_BPF
#define arena_atomic_or(p, v) ((void)__atomic_fetch_or((p), (v), __ATOMIC_RELAXED))
#define arena_atomic_and(p, v) ((void)__atomic_fetch_and((p), (v), __ATOMIC_RELAXED))
#define arena_atomic_xor(p, v) ((void)__atomic_fetch_xor((p), (v), __ATOMIC_RELAXED))
#else
#define arena_atomic_or(p, v) ((void)__atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST))
#define arena_atomic_and(p, v) ((void)__atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST))
#define arena_atomic_xor(p, v) ((void)__atomic_fetch_xor((p), (v), __ATOMIC_SEQ_CST))
#endif
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

/* Copies between ordinary memory and arena memory, a word at a time where
 * it can (the hash tables' keys and values). Plain loops with volatile
 * accesses: clang 19 turns byte loops and struct copies into arena memory
 * into memset/memcpy calls without the cast the verifier needs.
 */
ARENA_ALWAYS_INLINE void arena_copy_to_arena(void __arena *dst, const void *src, __u64 size)
{
	__u64 __arena *d = (__u64 __arena *)arena_deref(dst);
	unsigned char __arena *db = (unsigned char __arena *)d;
	const unsigned char *s = (const unsigned char *)src;
	__u64 i, w;

	for (i = 0; i + 8 <= size; i += 8) {
		__builtin_memcpy(&w, s + i, 8);
		arena_write_once(d[i / 8], w);
	}
	for (; i < size; i++)
		arena_write_once(db[i], s[i]);
}

ARENA_ALWAYS_INLINE void arena_copy_from_arena(void *dst, const void __arena *src, __u64 size)
{
	const __u64 __arena *s = (const __u64 __arena *)arena_deref(src);
	const unsigned char __arena *sb = (const unsigned char __arena *)s;
	unsigned char *d = (unsigned char *)dst;
	__u64 i, w;

#if BPF_ARENA_IN_BPF
	/* Whole words let clang keep the caller's variable in registers, and
	 * clang 14 then spills a part that is undefined on some path of the
	 * caller (a value only set when another call succeeded), which the
	 * verifier refuses ("R6 !read_ok"). Its address passed to an empty asm
	 * keeps it in memory.
	 */
	asm volatile("" : : "r"(d));
#endif
	for (i = 0; i + 8 <= size; i += 8) {
		w = arena_read_once(s[i / 8]);
		__builtin_memcpy(d + i, &w, 8);
	}
	for (; i < size; i++)
		d[i] = arena_read_once(sb[i]);
}

#endif /* __BPF_ARENA_UTIL_H */

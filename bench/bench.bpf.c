// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The BPF half of the benchmark: every timed program runs n operations
 * (keys start .. start + n - 1) in one BPF_PROG_TEST_RUN, so the syscall is
 * paid once per n and the bench binary divides the run's wall time by n.
 * All programs use the same loop and the same call per operation, so that
 * overhead is the same in every figure; empty_loop measures it alone.
 *
 * Failures are counted in the globals (errors, last_err) instead of ending
 * the loop, so a run always does n operations; the bench binary checks the
 * count is 0, and that n operations were done, before it trusts a figure.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bench.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, BENCH_ARENA_PAGES);
} arena SEC(".maps");

/* What users would pick instead of the arena table; max_entries is set to
 * n by the bench binary before load. Preallocated, the default.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 1);
} hmap SEC(".maps");

struct bench_globals __arena_global g;

static __always_inline void note_error(struct bench_globals __arena *gp, long err)
{
	arena_deref(gp)->errors++;
	arena_deref(gp)->last_err = err;
}

/*
 * One operation each, as global (separately verified) functions, called
 * once per iteration by every variant alike, so all pay the same call
 * (measured alone by empty_loop and subtracted from the ratios). They also
 * keep the verifier's work per program small and independent of how the
 * headers' loops happen to converge when inlined into the timed loop.
 */
__noinline int op_arena_update(struct arena_htab __arena *htab __arg_arena, __u64 key, __u64 val)
{
	return arena_htab_update(htab, &key, &val, ARENA_HTAB_ANY);
}

/* The value, or -1 (values are small) when the key is missing. */
__noinline __s64 op_arena_lookup(struct arena_htab __arena *htab __arg_arena, __u64 key)
{
	__u64 __arena *v = arena_htab_lookup(htab, &key);

	return v ? (__s64)*arena_deref(v) : -1;
}

__noinline int op_arena_delete(struct arena_htab __arena *htab __arg_arena, __u64 key)
{
	return arena_htab_delete(htab, &key);
}

/* The flat table: the same calls, the same keys. */
__noinline int op_fhtab_update(struct arena_fhtab __arena *htab __arg_arena, __u64 key, __u64 val)
{
	return arena_fhtab_update(htab, &key, &val, ARENA_FHTAB_ANY);
}

__noinline __s64 op_fhtab_lookup(struct arena_fhtab __arena *htab __arg_arena, __u64 key)
{
	__u64 v;

	return arena_fhtab_lookup(htab, &key, &v) ? -1 : (__s64)v;
}

__noinline int op_fhtab_delete(struct arena_fhtab __arena *htab __arg_arena, __u64 key)
{
	return arena_fhtab_delete(htab, &key);
}

__noinline int op_hash_update(__u64 key, __u64 val)
{
	return bpf_map_update_elem(&hmap, &key, &val, BPF_ANY);
}

__noinline __s64 op_hash_lookup(__u64 key)
{
	__u64 *v = bpf_map_lookup_elem(&hmap, &key);

	return v ? (__s64)*v : -1;
}

__noinline int op_hash_delete(__u64 key)
{
	return bpf_map_delete_elem(&hmap, &key);
}

/* One malloc+free pair of a small block: the allocator's fast path (the
 * per-CPU cache) once the first pair has warmed it.
 */
__noinline int op_alloc_pair(struct arena_heap __arena *heap __arg_arena)
{
	void __arena *p = arena_malloc(heap, BENCH_ALLOC_SIZE);

	if (!p)
		return -ENOMEM;
	return arena_free(heap, p);
}

/* One page through the kernel and back: what a program without an
 * allocator does.
 */
__noinline int op_page_pair(void)
{
	void __arena *p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

	if (!p)
		return -ENOMEM;
	bpf_arena_free_pages(&arena, p, 1);
	return 0;
}

/* The call alone, for the loop's own cost. */
__noinline __s64 op_nothing(__u64 key)
{
	return key >> 7;
}

/* Give the heap its pages (one kfunc call) and size the table for n keys:
 * the timed programs then never call into the kernel for memory.
 */
SEC("syscall")
int arena_setup(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	struct arena_heap __arena *h = arena_deref(&gp->heap);
	__u64 used;
	int err;

	err = arena_heap_refill(&gp->heap, &arena, args->pages);
	if (err)
		return err;
	err = arena_htab_init(&gp->htab, &gp->heap, sizeof(__u64), sizeof(__u64), args->n);
	if (err)
		return err;
	used = h->pages - h->pool_pages;
	err = arena_fhtab_init(&gp->fhtab, &gp->heap, sizeof(__u64), sizeof(__u64), args->n);
	arena_deref(gp)->fhtab_pages = h->pages - h->pool_pages - used;
	return err;
}

/*
 * The timed loops: n operations with keys bench_key(start .. start + n - 1).
 * The loop is may_goto (kernel 6.9+; clang 19's assembler knows the
 * instruction, though it defines __BPF_FEATURE_MAY_GOTO only from clang
 * 20): a counter in the JIT, where arena_for() costs a kfunc call per
 * iteration (and two more per loop). On a kernel that runs a return-thunk mitigation (AMD's SRSO
 * "Safe RET") each call is several ns, which would be most of what the
 * loop measures.
 * may_goto ends a loop without a word when its budget is spent (on 6.14+
 * a time budget of about 250 ms per run), so the count of iterations done
 * goes back to user space, which checks it, and user space runs at most
 * BENCH_CHUNK operations per run.
 */
#if defined(__BPF_FEATURE_MAY_GOTO) || __clang_major__ >= 19
#define bench_can_loop                                                  \
	({                                                              \
		__label__ l_break, l_continue;                          \
		int ___ok = 1;                                          \
		asm volatile goto("may_goto %l[l_break]" :: ::l_break); \
		goto l_continue;                                        \
	l_break:                                                        \
		___ok = 0;                                              \
	l_continue:                                                     \
		___ok;                                                  \
	})
#define bench_for(i, start, end) for ((i) = (start); (i) < (end) && bench_can_loop; (i)++)
#else
#define bench_for(i, start, end) arena_for(i, start, end)
#endif

#define BENCH_LOOP(op_call)                      \
	struct bench_globals __arena *gp = &g;   \
	__s64 ret, sum = 0;                      \
	__u64 done = 0;                          \
	int i, n = args->n, start = args->start; \
                                                 \
	bench_for(i, start, start + n)           \
	{                                        \
		ret = op_call;                   \
		if (ret < 0)                     \
			note_error(gp, ret);     \
		else                             \
			sum += ret;              \
		done++;                          \
	}                                        \
	arena_deref(gp)->sum = sum;              \
	arena_deref(gp)->done = done;            \
	return 0

SEC("syscall")
int arena_update(struct bench_args *args)
{
	BENCH_LOOP(op_arena_update(&gp->htab, bench_key(i), i));
}

SEC("syscall")
int arena_lookup(struct bench_args *args)
{
	BENCH_LOOP(op_arena_lookup(&gp->htab, bench_key(i)));
}

SEC("syscall")
int arena_delete(struct bench_args *args)
{
	BENCH_LOOP(op_arena_delete(&gp->htab, bench_key(i)));
}

SEC("syscall")
int fhtab_update(struct bench_args *args)
{
	BENCH_LOOP(op_fhtab_update(&gp->fhtab, bench_key(i), i));
}

SEC("syscall")
int fhtab_lookup(struct bench_args *args)
{
	BENCH_LOOP(op_fhtab_lookup(&gp->fhtab, bench_key(i)));
}

SEC("syscall")
int fhtab_delete(struct bench_args *args)
{
	BENCH_LOOP(op_fhtab_delete(&gp->fhtab, bench_key(i)));
}

/* The flat table's lookup inlined into the loop, no call per operation:
 * how a program that looks keys up in its own code pays for it (compare
 * with prim_may_goto, the loop alone).
 */
SEC("syscall")
int fhtab_lookup_inline(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__s64 sum = 0;
	__u64 done = 0, key, v;
	int i, n = args->n, start = args->start;

	bench_for(i, start, start + n)
	{
		key = bench_key(i);
		if (arena_fhtab_lookup(&gp->fhtab, &key, &v))
			note_error(gp, -ENOENT);
		else
			sum += v;
		done++;
	}
	arena_deref(gp)->sum = sum;
	arena_deref(gp)->done = done;
	return 0;
}

SEC("syscall")
int hash_lookup_inline(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__s64 sum = 0;
	__u64 done = 0, key, *v;
	int i, n = args->n, start = args->start;

	bench_for(i, start, start + n)
	{
		key = bench_key(i);
		v = bpf_map_lookup_elem(&hmap, &key);
		if (!v)
			note_error(gp, -ENOENT);
		else
			sum += *v;
		done++;
	}
	arena_deref(gp)->sum = sum;
	arena_deref(gp)->done = done;
	return 0;
}

SEC("syscall")
int hash_update(struct bench_args *args)
{
	BENCH_LOOP(op_hash_update(bench_key(i), i));
}

SEC("syscall")
int hash_lookup(struct bench_args *args)
{
	BENCH_LOOP(op_hash_lookup(bench_key(i)));
}

SEC("syscall")
int hash_delete(struct bench_args *args)
{
	BENCH_LOOP(op_hash_delete(bench_key(i)));
}

SEC("syscall")
int alloc_pairs(struct bench_args *args)
{
	BENCH_LOOP(op_alloc_pair(&gp->heap));
}

SEC("syscall")
int page_pairs(struct bench_args *args)
{
	BENCH_LOOP(op_page_pair());
}

SEC("syscall")
int empty_loop(struct bench_args *args)
{
	BENCH_LOOP(op_nothing(bench_key(i)));
}

/*
 * What the figures above are made of: one iteration of each loop kind
 * around the same key computation, and an uncontended arena_spin_lock()
 * + unlock. The data structures loop with arena_for() (bpf_iter_num
 * kfuncs); a may_goto loop is a counter in the JIT.
 */
SEC("syscall")
int prim_arena_for(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__u64 sum = 0, done = 0;
	int i, n = args->n;

	arena_for(i, 0, n) {
		sum += bench_key(i) >> 7;
		done++;
	}
	arena_deref(gp)->sum = sum;
	arena_deref(gp)->done = done;
	return 0;
}

SEC("syscall")
int prim_may_goto(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__u64 sum = 0, done = 0;
	int i, n = args->n;

	bench_for(i, 0, n)
	{
		sum += bench_key(i) >> 7;
		done++;
	}
	arena_deref(gp)->sum = sum;
	arena_deref(gp)->done = done;
	return 0;
}

struct loop_ctx {
	__u64 sum, done;
};

static long loop_step(__u64 i, void *data)
{
	struct loop_ctx *c = data;

	c->sum += bench_key(i) >> 7;
	c->done++;
	return 0;
}

SEC("syscall")
int prim_bpf_loop(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	struct loop_ctx c = {};

	bpf_loop(args->n, loop_step, &c, 0);
	arena_deref(gp)->sum = c.sum;
	arena_deref(gp)->done = c.done;
	return 0;
}

SEC("syscall")
int prim_lock(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__u64 done = 0;
	int i, n = args->n;

	bench_for(i, 0, n)
	{
		if (arena_spin_lock(&gp->lock))
			note_error(gp, -ETIMEDOUT);
		else
			arena_spin_unlock(&gp->lock);
		done++;
	}
	arena_deref(gp)->done = done;
	return 0;
}

/* The memory section: 1 MiB of pages, every word written. */
SEC("syscall")
int mem_fill(struct bench_args *args)
{
	struct bench_globals __arena *gp = &g;
	__u64 __arena *p;
	int i;

	p = bpf_arena_alloc_pages(&arena, NULL, BENCH_MEM_PAGES, NUMA_NO_NODE, 0);
	if (!p)
		return -ENOMEM;
	arena_for(i, 0, BENCH_MEM_PAGES * PAGE_SIZE / 8)
		arena_deref(p)[i] = bench_key(i);
	arena_deref(gp)->mem = p;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* State that outlives the processes: a pinned arena (LIBBPF_PIN_BY_NAME)
 * holding a list and a hash table. Each run appends a node; concurrent
 * writers insert disjoint keys. Only the entry programs name the global g
 * (pin_plain.bpf.c reuses this file without pinning, for the paths that
 * learn the arena's address only at load).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "pin_store.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
#ifndef PIN_PLAIN
	__uint(pinning, LIBBPF_PIN_BY_NAME);
#endif
} arena SEC(".maps");

struct pin_globals __arena_global g = { .init_marker = 1 };

#define FAIL(cond)                           \
	do {                                 \
		if (!(cond)) {               \
			ctx->ret = __LINE__; \
			return 0;            \
		}                            \
	} while (0)

static __noinline int setup(struct pin_globals __arena *s)
{
	if (arena_heap_refill(&s->heap, &arena, 128))
		return -1;
	arena_list_init(&s->list);
	if (arena_htab_init(&s->htab, &s->heap, sizeof(__u64), sizeof(__u64), PIN_HTAB_MAX))
		return -1;
	arena_deref(s)->ready = 1;
	return 0;
}

SEC("syscall")
int append(struct pin_args *ctx)
{
	struct pin_globals __arena *s = &g;
	struct pin_node __arena *n;
	__u64 key, val;

	ctx->ret = 0;
	if (!arena_deref(s)->ready)
		FAIL(setup(s) == 0);
	n = (struct pin_node __arena *)arena_malloc_sleepable(&s->heap, &arena,
							      sizeof(struct pin_node));
	FAIL(n);
	arena_deref(n)->run = ctx->run;
	arena_deref(n)->pid = ctx->pid;
	arena_list_add_tail(&n->node, &s->list);
	key = ctx->run;
	val = ctx->run * 7;
	FAIL(arena_htab_update(&s->htab, &key, &val, ARENA_HTAB_ANY) == 0);
	arena_deref(s)->runs++;
	return 0;
}

/* Keys run .. run + n - 1 into the table (value ~key), one counter bump
 * each: two processes running this at once must lose nothing.
 */
SEC("syscall")
int insert(struct pin_args *ctx)
{
	struct pin_globals __arena *s = &g;
	__u64 key, val, n = ctx->n, first = ctx->run;
	int i;

	ctx->ret = 0;
	FAIL(arena_deref(s)->ready);
	FAIL(arena_heap_refill(&s->heap, &arena, 8) == 0);
	arena_for(i, 0, PIN_INSERT_MAX) {
		if (i >= n)
			break;
		key = first + i;
		val = ~key;
		if (arena_htab_update(&s->htab, &key, &val, ARENA_HTAB_NOEXIST)) {
			ctx->ret = __LINE__;
			break;
		}
		arena_atomic_add(&arena_deref(s)->counter, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

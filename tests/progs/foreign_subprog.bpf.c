// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Subprograms as libraries of BPF code write them: a global function with
 * __arg_arena (verified on its own), a static one, a callback of
 * bpf_loop(), a program that starts with a call, and a program that only
 * receives an arena pointer (from its context, where user space put the
 * head of a list it built) and never names the arena or a global.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

__u64 __arena_global in_seed[2];
__u64 __arena_global out_sum[2]; /* list sum, nodes */
__u64 __arena_global out_calls[3];
__u64 __arena_global out_loop[2];

/* A global function: the verifier checks it once, knowing only that its
 * argument is an arena pointer.
 */
__attribute__((noinline)) int list_sum(struct foreign_node __arena *head __arg_arena,
				       __u64 __arena *out __arg_arena)
{
	__u64 sum = 0, n = 0;
	int i;

	for (i = 0; i < 16 && head; i++) {
		struct foreign_node __arena *node = arena_deref(head);

		sum += node->val;
		n++;
		head = node->next;
	}
	if (!out)
		return -1;
	arena_deref(out)[0] = sum;
	arena_deref(out)[1] = n;
	return (int)n;
}

static __attribute__((noinline)) __u64 scale(__u64 __arena *p, __u64 by)
{
	*arena_deref(p) *= by;
	return *arena_deref(p);
}

/* Only an arena pointer comes in, from the context. */
SEC("syscall")
int receives_pointer(struct foreign_args *args)
{
	struct foreign_node __arena *head = (struct foreign_node __arena *)(long)args->b;

	args->ret = list_sum(head, &out_sum[0]);
	return 0;
}

/* The first instruction is the call. */
SEC("syscall")
int call_first(void *ctx)
{
	return scale(&out_calls[0], 3) == 0 ? 0 : 1;
}

SEC("syscall")
int static_and_global(struct foreign_args *args)
{
	*arena_deref(&out_calls[0]) = *arena_deref(&in_seed[0]);
	*arena_deref(&out_calls[1]) = scale(&out_calls[0], args->a);
	*arena_deref(&out_calls[2]) = *arena_deref(&in_seed[1]);
	return 0;
}

static long loop_step(__u64 i, void *ctx)
{
	__u64 __arena *acc = &out_loop[0];

	*arena_deref(acc) += i + *arena_deref(&in_seed[0]);
	*arena_deref(&out_loop[1]) += 1;
	return 0;
}

SEC("syscall")
int callback_loop(void *ctx)
{
	return bpf_loop(4, loop_step, NULL, 0) == 4 ? 0 : 1;
}

char _license[] SEC("license") = "GPL";

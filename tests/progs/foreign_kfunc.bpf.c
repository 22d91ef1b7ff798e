// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* kfuncs and ksyms at a program's entry: bpf_ksym_exists() on a kfunc the
 * kernel has and one it hasn't, an open-coded iterator (kfunc calls, their
 * relocations by index), and bpf_arena_alloc_pages() first, which names the
 * arena map itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "foreign.h"

#ifndef bpf_ksym_exists /* libbpf 1.2+ has it */
#define bpf_ksym_exists(sym) (!!&(sym))
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;
extern void bpf_no_such_kfunc___foreign(void) __ksym __weak;

struct item {
	__u64 a;
	__u64 b;
};

__u64 __arena_global in_vals[4];
__u64 __arena_global out_ksym[2];
__u64 __arena_global out_iter[2];
struct item __arena *__arena_global ptr_item;

SEC("syscall")
int ksym_first(void *ctx)
{
	*arena_deref(&out_ksym[0]) = bpf_ksym_exists(bpf_arena_alloc_pages);
	*arena_deref(&out_ksym[1]) = bpf_ksym_exists(bpf_no_such_kfunc___foreign);
	return 0;
}

SEC("syscall")
int iter_first(void *ctx)
{
	struct bpf_iter_num it;
	__u64 sum = 0, n = 0;
	int *i;

	bpf_iter_num_new(&it, 0, 4);
	while ((i = bpf_iter_num_next(&it))) {
		sum += *arena_deref(&in_vals[*i & 3]);
		n++;
	}
	bpf_iter_num_destroy(&it);
	*arena_deref(&out_iter[0]) = sum;
	*arena_deref(&out_iter[1]) = n;
	return 0;
}

SEC("syscall")
int alloc_first(struct foreign_args *args)
{
	struct item __arena *p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

	if (!p)
		return 1;
	arena_deref(p)->a = args->a * 1000 + 1;
	arena_deref(p)->b = *arena_deref(&in_vals[3]);
	*arena_deref(&ptr_item) = p;
	return 0;
}

char _license[] SEC("license") = "GPL";

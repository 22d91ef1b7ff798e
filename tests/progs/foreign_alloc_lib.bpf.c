// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A library of BPF code, compiled on its own and linked into the program
 * that uses it (foreign_alloc_user.bpf.c): a bump allocator over arena
 * pages, and arena_get_base() reading the arena's user address out of the
 * kernel's struct bpf_arena through CO-RE. The arena map is the user's;
 * the library declares it extern.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "foreign.h"
#include "foreign_alloc.h"

extern struct foreign_arena_map arena SEC(".maps");

struct bpf_arena___lib {
	struct bpf_map map;
	__u64 user_vm_start;
} __attribute__((preserve_access_index));

/* The allocator's state: the current page and how much of it is used. */
static char __arena *__arena_global lib_page;
static __u64 __arena_global lib_used;
__u64 __arena_global lib_pages_taken;

__u64 arena_get_base(void)
{
	struct bpf_arena___lib *a = (void *)&arena;

	return a->user_vm_start;
}

/* A global function returns a scalar (the kernel takes no pointer return
 * type from one): the address, in the form user space follows.
 */
__attribute__((noinline)) __u64 lib_alloc(__u64 size)
{
	char __arena *page = *arena_deref(&lib_page);
	__u64 used = *arena_deref(&lib_used);

	size = (size + 7) & ~7ULL;
	if (size > PAGE_SIZE)
		return 0;
	if (!page || used + size > PAGE_SIZE) {
		page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
		if (!page)
			return 0;
		*arena_deref(&lib_page) = page;
		used = 0;
		*arena_deref(&lib_pages_taken) += 1;
	}
	*arena_deref(&lib_used) = used + size;
	return (__u64)(long)(page + used);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Compiled, not run: the data-structure headers as user-space C with
 * whatever compiler builds this (ds.cmake also runs clang over it), with
 * every warning an error.
 */
#include <bpf_arena/arena_ds.h>

int ds_headers_check(void);

int ds_headers_check(void)
{
	static char mem[64 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
	struct arena_heap *heap = (struct arena_heap *)mem;

	return arena_heap_add_pages(heap, mem + 32 * PAGE_SIZE, 32);
}

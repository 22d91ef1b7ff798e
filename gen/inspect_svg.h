/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bpf-arena inspect show --svg: the heap drawn page by page. */
#ifndef __BPF_ARENA_GEN_INSPECT_SVG_H
#define __BPF_ARENA_GEN_INSPECT_SVG_H

#include <bpf_arena/bpf_arena_inspect.h>

/* Write a self-contained SVG of @st's pages to @path: 0 or -1 with errno. */
int inspect_svg_write(const char *path, const struct bpf_arena_desc *d,
		      const struct bpf_arena_heap_stats *st, const char *heap_name);

#endif

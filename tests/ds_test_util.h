/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the data-structure tests share: loading a ds_* object and running
 * its programs, and an arena of their own for the tests that run in user
 * space alone.
 */
#ifndef __DS_TEST_UTIL_H
#define __DS_TEST_UTIL_H

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "test_helpers.h"
#include "progs/ds_common.h"

static inline struct bpf_object *ds_open(const char *name)
{
	struct bpf_object *obj;
	int err;

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path(name), NULL);
	cr_assert(obj, "open %s: %s", name, strerror(errno));
	err = bpf_arena__load(obj);
	cr_assert_eq(err, 0, "load %s: %s", name, strerror(-err));
	return obj;
}

/* The object's one __arena global (each ds_* program has exactly one). */
static inline void *ds_globals(struct bpf_object *obj, size_t want)
{
	size_t size = 0;
	void *g = bpf_arena__globals(bpf_arena__from_object(obj), &size);

	cr_assert(g, "no __arena globals");
	cr_assert_geq(size, want, "globals are %zu bytes, expected %zu", size, want);
	return g;
}

/* Run a program that returns 0 or the line of its failed CHECK(). */
static inline void ds_run(struct bpf_object *obj, const char *prog)
{
	long ret = test_run_prog(obj, prog);

	cr_assert_eq(ret, 0, "%s (%s): %s %ld", prog, test_variant(),
		     ret < 0 ? "BPF_PROG_TEST_RUN failed:" : "CHECK() failed at line", ret);
}

/* An arena of @pages pages made and mapped by the test itself, for the
 * structures run in user space alone.
 */
struct ds_user_arena {
	int fd;
	char *base;
	size_t size;
};

static inline struct ds_user_arena ds_user_arena(__u32 pages)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_ARENA_F_MMAPABLE);
	struct ds_user_arena a;

	test_require_arena_kernel();
	a.fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "ds_user", 0, 0, pages, &opts);
	cr_assert_geq(a.fd, 0, "arena map: %s", strerror(errno));
	a.size = (size_t)pages * PAGE_SIZE;
	a.base = (char *)mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED, a.fd, 0);
	cr_assert(a.base != MAP_FAILED, "mmap arena: %s", strerror(errno));
	return a;
}

static inline void ds_user_arena_free(struct ds_user_arena *a)
{
	munmap(a->base, a->size);
	close(a->fd);
}

/* A heap at the start of the arena (after a guard page, so no block's
 * pointer has low 32 bits of 0), owning every page after it.
 */
static inline struct arena_heap *ds_user_heap(struct ds_user_arena *a, __u64 pages)
{
	size_t heap_pages = (sizeof(struct arena_heap) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct arena_heap *heap = (struct arena_heap *)(a->base + PAGE_SIZE);
	char *first = a->base + (1 + heap_pages) * PAGE_SIZE;

	cr_assert_leq((1 + heap_pages + pages) * PAGE_SIZE, a->size);
	cr_assert_eq(arena_heap_add_pages(heap, first, pages), 0);
	return heap;
}

#endif /* __DS_TEST_UTIL_H */

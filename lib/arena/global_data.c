// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Global data (.bss, .data, .rodata, .kconfig) live after load, as libbpf
 * 1.5+ has it.
 *
 * libbpf keeps each global data map's contents in an anonymous shared
 * mapping from open on: bpf_map__initial_value() points at it, and load
 * copies it into the map. From 1.5 (commit 2dea4b86) bpf_object__load()
 * then maps the map itself over that copy, so the same pointer reads and
 * writes what BPF programs see; before 1.5 only bpf_object__load_skeleton()
 * did, and a program written for a newer libbpf that reads its .bss
 * through bpf_map__initial_value() after load read a stale copy. So on
 * libbpf < 1.5, after bpf_object__load(), this does what 1.5 does: each
 * mmapable internal map's fd is mapped MAP_SHARED | MAP_FIXED over
 * libbpf's own copy of that very map (the one place we replace a mapping:
 * it is the object's, and libbpf unmaps it at close with the same size),
 * read-only for maps BPF can't write (.rodata, .kconfig). A skeleton that
 * maps them again afterwards (libbpf's or ours) maps the same fd at the
 * same address: nothing changes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

/* libbpf's size of the copy: bpf_map_mmap_sz() in 1.1 .. 1.4. */
static size_t global_data_mmap_sz(const struct bpf_map *map)
{
	size_t page_sz = arena_page_size();
	size_t sz = ((size_t)bpf_map__value_size(map) + 7) / 8 * 8 * bpf_map__max_entries(map);

	return (sz + page_sz - 1) / page_sz * page_sz;
}

int arena_map_global_data(struct bpf_object *obj)
{
	struct bpf_map *map;
	size_t sz;
	void *image, *p;
	int prot;

	if (libbpf_major_version() > 1 || libbpf_minor_version() >= 5)
		return 0; /* bpf_object__load() did it */
	bpf_object__for_each_map(map, obj) {
		if (!bpf_map__is_internal(map) || !(bpf_map__map_flags(map) & BPF_F_MMAPABLE))
			continue;
		image = (void *)bpf_map__initial_value(map, &sz);
		if (!image || bpf_map__fd(map) < 0)
			continue;
		prot = bpf_map__map_flags(map) & BPF_F_RDONLY_PROG ? PROT_READ
								   : PROT_READ | PROT_WRITE;
		p = mmap(image, global_data_mmap_sz(map), prot, MAP_SHARED | MAP_FIXED,
			 bpf_map__fd(map), 0);
		if (p == MAP_FAILED) {
			int err = -errno;

			pr_warn("object '%s': map '%s': can't map its global data over libbpf's "
				"copy at %p: %s\n",
				bpf_object__name(obj), bpf_map__name(map), image, strerror(-err));
			return err;
		}
	}
	return 0;
}

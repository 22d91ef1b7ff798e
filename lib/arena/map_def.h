/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Map definitions in BTF (.maps): the arena's, and the enum-typed fields. */
#ifndef __BPF_ARENA_MAP_DEF_H
#define __BPF_ARENA_MAP_DEF_H

#include "internal.h"

enum map_field {
	MAP_FIELD_MAX_ENTRIES,
	MAP_FIELD_MAP_FLAGS,
	MAP_FIELD_MAP_EXTRA,
	MAP_FIELD_NUMA_NODE,
};

/* A field written as an enum (__ulong, for values of 64 bits) that libbpf
 * 1.1 refuses: its BTF type is swapped for one it parses and the real value
 * is set through libbpf's setter right after open.
 */
struct map_fixup {
	char map_name[256];
	enum map_field field;
	__u64 value;
};

/* Read the map definitions in @btf_data (the image's .BTF, edited in place),
 * record the arena map in @elf, and rewrite enum-typed fields.
 */
int arena_map_def_scan(void *btf_data, size_t btf_sz, const char *obj_name, struct arena_elf *elf);
/* Set the fields recorded by arena_map_def_scan() on the opened object. */
int arena_map_def_apply_fixups(struct bpf_object *obj, const struct arena_elf *elf);
/* Check an arena definition the way the kernel will, and against the size
 * of the globals, with a message saying what to change.
 */
int arena_map_def_validate(const struct arena_map_def *def, size_t globals_sz,
			   const char *obj_name);

#endif

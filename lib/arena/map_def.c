// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Map definitions in BTF. A BTF-defined map is a variable in the .maps
 * DATASEC whose struct members encode numbers as `int (*name)[N]` (__uint);
 * libbpf 1.4+ also takes `enum { v = N } name` (__ulong) for 64-bit values
 * such as an arena's map_extra, which libbpf 1.1 refuses ("expected PTR, got
 * enum64"). clang < 15 can't emit enum64, so our own __ulong spells such a
 * field `char (*name)[hi][lo]` there (bpf_arena_common.h). We read the
 * definitions ourselves to find the arena, and retype each such member to the map's own `type`
 * member type (a PTR libbpf 1.1 parses); the real value is set with libbpf's setter right after
 * open.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "btf_check.h"
#include "map_def.h"

struct def_scan {
	const char *obj_name;
	struct btf *btf;
	unsigned char *data; /* the image's .BTF, edited in place */
	size_t sz;
	const unsigned char *raw; /* libbpf's copy, the same bytes */
};

/* Offset of @t in the raw BTF: btf__new() keeps types in a verbatim copy
 * of the input, so its offset there is its offset in our image.
 */
static long type_offset(struct def_scan *s, const struct btf_type *t)
{
	long off = (const unsigned char *)t - s->raw;

	if (off < 0 || (size_t)off + sizeof(*t) > s->sz || memcmp(s->data + off, t, sizeof(*t)))
		return -1;
	return off;
}

static bool member_value(const struct btf *btf, const struct btf_member *m, __u64 *value,
			 bool *is_enum)
{
	const struct btf_type *t = btf__type_by_id(btf, m->type);

	*is_enum = false;
	if (!t)
		return false;
	if (btf_is_ptr(t)) {
		const struct btf_type *arr = btf__type_by_id(btf, t->type), *inner;

		if (!arr || !btf_is_array(arr))
			return false;
		*value = btf_array(arr)->nelems;
		/* char (*name)[hi][lo]: __ulong as clang < 15 spells it */
		inner = btf__type_by_id(btf, btf_array(arr)->type);
		if (inner && btf_is_array(inner)) {
			*value = *value << 32 | btf_array(inner)->nelems;
			*is_enum = true;
		}
		return true;
	}
	if (btf_is_enum(t) && btf_vlen(t) == 1 && t->size == 8) {
		/* enum64 is what a compiler that knows 64-bit enums emits */
		*value = UINT64_MAX;
		*is_enum = true;
		return true;
	}
	if (btf_is_enum(t) && btf_vlen(t) == 1) {
		*value = (__u32)btf_enum(t)->val;
		*is_enum = true;
		return true;
	}
	if (btf_is_enum64(t) && btf_vlen(t) == 1) {
		*value = btf_enum64_value(btf_enum64(t));
		*is_enum = true;
		return true;
	}
	return false;
}

static int field_of(const char *name, enum map_field *field)
{
	static const struct {
		const char *name;
		enum map_field field;
	} fields[] = {
		{ "max_entries", MAP_FIELD_MAX_ENTRIES },
		{ "map_flags", MAP_FIELD_MAP_FLAGS },
		{ "map_extra", MAP_FIELD_MAP_EXTRA },
		{ "numa_node", MAP_FIELD_NUMA_NODE },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(name, fields[i].name) == 0) {
			*field = fields[i].field;
			return 0;
		}
	}
	return -ENOENT;
}

static int add_fixup(struct arena_elf *elf, const char *map_name, enum map_field field, __u64 value)
{
	struct map_fixup *f;

	f = realloc(elf->fixups, (elf->fixup_cnt + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	elf->fixups = f;
	f += elf->fixup_cnt++;
	memset(f, 0, sizeof(*f));
	snprintf(f->map_name, sizeof(f->map_name), "%s", map_name);
	f->field = field;
	f->value = value;
	return 0;
}

/* One map definition: read its fields, retype the enum ones. */
static int scan_map(struct def_scan *s, const char *map_name, const struct btf_type *def,
		    struct arena_elf *elf)
{
	const struct btf_member *m = btf_members(def);
	struct arena_map_def parsed = { .numa_node = -1 };
	__u32 ptr_type_id = 0, map_type = 0, i;
	long def_off;
	int err;

	for (i = 0; i < btf_vlen(def); i++) {
		const struct btf_type *t = btf__type_by_id(s->btf, m[i].type);
		const char *name = btf__name_by_offset(s->btf, m[i].name_off);

		if (t && btf_is_ptr(t) && name && strcmp(name, "type") == 0)
			ptr_type_id = m[i].type;
	}

	def_off = type_offset(s, def);
	if (def_off < 0) {
		pr_warn("object '%s': map '%s': BTF layout is not what libbpf parsed\n",
			s->obj_name, map_name);
		return -EINVAL;
	}
	for (i = 0; i < btf_vlen(def); i++) {
		const char *name = btf__name_by_offset(s->btf, m[i].name_off);
		enum map_field field;
		bool is_enum;
		__u64 value;

		if (!name || !member_value(s->btf, &m[i], &value, &is_enum))
			continue;
		if (strcmp(name, "type") == 0)
			map_type = (__u32)value;
		else if (strcmp(name, "max_entries") == 0)
			parsed.max_entries = (__u32)value;
		else if (strcmp(name, "map_flags") == 0)
			parsed.map_flags = (__u32)value;
		else if (strcmp(name, "map_extra") == 0)
			parsed.map_extra = value;
		else if (strcmp(name, "numa_node") == 0) {
			parsed.numa_node = (__s32)value;
			parsed.has_numa_node = true;
		}
		if (!is_enum)
			continue;
		if (value == UINT64_MAX) {
			pr_warn("object '%s': map '%s': field '%s' is an 8-byte enum without "
				"enum64 BTF (clang < 15), which cuts it to 32 bits: build with "
				"clang 15+, or use __ulong from <bpf_arena/bpf_arena_common.h>\n",
				s->obj_name, map_name, name);
			return -EINVAL;
		}

		if (field_of(name, &field) || !ptr_type_id) {
			pr_warn("object '%s': map '%s': field '%s' written as an enum (__ulong) "
				"is not supported; use __uint(%s, ...)\n",
				s->obj_name, map_name, name, name);
			return -EOPNOTSUPP;
		}
		err = add_fixup(elf, map_name, field, value);
		if (err)
			return err;
		/* struct btf_member: name_off, type, offset */
		memcpy(s->data + def_off + sizeof(struct btf_type) + i * sizeof(struct btf_member) +
			       sizeof(__u32),
		       &ptr_type_id, sizeof(ptr_type_id));
	}

	if (map_type != BPF_ARENA_MAP_TYPE)
		return 0;
	if (elf->has_arena_map) {
		pr_warn("object '%s' defines two arena maps, '%s' and '%s': one arena per object "
			"(as upstream libbpf); put the data of both in one arena\n",
			s->obj_name, elf->def.name, map_name);
		return -EINVAL;
	}
	elf->has_arena_map = true;
	snprintf(parsed.name, sizeof(parsed.name), "%s", map_name);
	elf->def = parsed;
	return 0;
}

int arena_map_def_scan(void *btf_data, size_t btf_sz, const char *obj_name, struct arena_elf *elf)
{
	struct def_scan s = { .obj_name = obj_name, .data = btf_data, .sz = btf_sz };
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	char what[128];
	__u32 raw_sz;
	int id, err = 0;
	__u32 i;

	s.btf = btf__new(btf_data, btf_sz);
	if (!s.btf) {
		err = -errno;
		pr_warn("object '%s': corrupt .BTF: %s\n", obj_name, strerror(-err));
		return err;
	}
	if (!arena_btf_is_sane(s.btf, what, sizeof(what))) {
		pr_warn("object '%s': corrupt .BTF: %s\n", obj_name, what);
		err = -EINVAL;
		goto out;
	}
	s.raw = btf__raw_data(s.btf, &raw_sz);
	if (!s.raw || raw_sz != btf_sz) {
		err = -EINVAL;
		goto out;
	}

	id = btf__find_by_name_kind(s.btf, MAPS_SEC, BTF_KIND_DATASEC);
	if (id < 0)
		goto out; /* no BTF-defined maps */
	sec = btf__type_by_id(s.btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(s.btf, vsi->type);
		const struct btf_type *def;
		const char *name;

		if (!var || !btf_is_var(var))
			continue;
		name = btf__name_by_offset(s.btf, var->name_off);
		def = btf__type_by_id(s.btf, var->type);
		while (def && (btf_is_mod(def) || btf_is_typedef(def)))
			def = btf__type_by_id(s.btf, def->type);
		if (!name || !def || !btf_is_struct(def))
			continue;
		err = scan_map(&s, name, def, elf);
		if (err)
			goto out;
	}
out:
	btf__free(s.btf);
	return err;
}

int arena_map_def_apply_fixups(struct bpf_object *obj, const struct arena_elf *elf)
{
	size_t i;

	for (i = 0; i < elf->fixup_cnt; i++) {
		const struct map_fixup *f = &elf->fixups[i];
		struct bpf_map *map = bpf_object__find_map_by_name(obj, f->map_name);
		int err = -ENOENT;

		if (!map) {
			pr_warn("map '%s': not found after open\n", f->map_name);
			return -ENOENT;
		}
		switch (f->field) {
		case MAP_FIELD_MAX_ENTRIES:
			err = bpf_map__set_max_entries(map, (__u32)f->value);
			break;
		case MAP_FIELD_MAP_FLAGS:
			err = bpf_map__set_map_flags(map, (__u32)f->value);
			break;
		case MAP_FIELD_MAP_EXTRA:
			err = bpf_map__set_map_extra(map, f->value);
			break;
		case MAP_FIELD_NUMA_NODE:
			err = bpf_map__set_numa_node(map, (__u32)f->value);
			break;
		}
		if (err) {
			pr_warn("map '%s': can't set a field written as an enum: %s\n", f->map_name,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * The end of the user address space an arena can be mapped in. On x86-64 it
 * is TASK_SIZE with 4-level paging, 2^47 less a guard page (0x7ffffffff000):
 * the kernel creates an arena at any map_extra, but mmap() fails with ENOMEM
 * above this. With 5-level paging the kernel still hands out addresses above
 * 2^47 only to a process that asked for them (DEFAULT_MAP_WINDOW), so the
 * same end holds for what an application can rely on. Elsewhere the limit is
 * left to mmap().
 */
#if defined(__x86_64__)
#define ARENA_USER_ADDR_END 0x7ffffffff000ULL
#else
#define ARENA_USER_ADDR_END UINT64_MAX
#endif

int arena_map_def_validate(const struct arena_map_def *def, size_t globals_sz, const char *obj_name)
{
	const __u32 known = BPF_ARENA_F_MMAPABLE | BPF_ARENA_F_SEGV_ON_FAULT |
			    BPF_ARENA_F_NO_USER_CONV | (1U << 2) /* BPF_F_NUMA_NODE */;
	size_t page = arena_page_size();
	__u64 size = (__u64)def->max_entries * page;
	__u64 globals_pages = (globals_sz + page - 1) / page;

	if (!def->max_entries) {
		pr_warn("arena '%s': max_entries is 0; it is the arena's size in pages "
			"(at most %llu)\n",
			def->name, BPF_ARENA_MAX_SIZE / page);
		return -EINVAL;
	}
	if (!(def->map_flags & BPF_ARENA_F_MMAPABLE)) {
		pr_warn("arena '%s': map_flags 0x%x lack BPF_F_MMAPABLE, which the kernel "
			"requires of an arena: add it to map_flags\n",
			def->name, def->map_flags);
		return -EINVAL;
	}
	if (def->map_flags & ~known) {
		pr_warn("arena '%s': map_flags 0x%x include flags an arena doesn't take (it "
			"takes BPF_F_MMAPABLE, BPF_F_SEGV_ON_FAULT, BPF_F_NO_USER_CONV)\n",
			def->name, def->map_flags);
		return -EINVAL;
	}
	if (size > BPF_ARENA_MAX_SIZE) {
		pr_warn("arena '%s': %u pages make %llu bytes, more than the 4 GiB an arena "
			"can span: lower max_entries to at most %llu\n",
			def->name, def->max_entries, (unsigned long long)size,
			BPF_ARENA_MAX_SIZE / page);
		return -E2BIG;
	}
	if (def->map_extra % page) {
		pr_warn("arena '%s': map_extra 0x%llx is not page aligned: it is the arena's "
			"user address; use a multiple of %zu, or 0 to let the kernel pick\n",
			def->name, (unsigned long long)def->map_extra, page);
		return -EINVAL;
	}
	if (def->map_extra && def->map_extra > ARENA_USER_ADDR_END - size) {
		pr_warn("arena '%s': map_extra 0x%llx puts the arena (%llu bytes) beyond the end "
			"of user space (0x%llx), where it can't be mapped: pick a lower address, "
			"or 0 to let the kernel pick\n",
			def->name, (unsigned long long)def->map_extra, (unsigned long long)size,
			(unsigned long long)ARENA_USER_ADDR_END);
		return -ERANGE;
	}
	if (def->map_extra && (def->map_extra >> 32) != ((def->map_extra + size - 1) >> 32)) {
		pr_warn("arena '%s': [0x%llx, 0x%llx) crosses a 4 GiB boundary, which the "
			"kernel refuses (-ERANGE): pick a map_extra such that the whole arena "
			"lies inside one 4 GiB-aligned window\n",
			def->name, (unsigned long long)def->map_extra,
			(unsigned long long)(def->map_extra + size));
		return -ERANGE;
	}
	if (globals_pages > def->max_entries) {
		pr_warn("object '%s': arena '%s' (%u pages) is too small for its __arena "
			"globals (%zu bytes, %llu pages): raise max_entries to at least %llu\n",
			obj_name, def->name, def->max_entries, globals_sz,
			(unsigned long long)globals_pages, (unsigned long long)globals_pages);
		return -E2BIG;
	}
	return 0;
}

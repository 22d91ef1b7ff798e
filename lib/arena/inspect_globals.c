// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The __arena globals of a running arena: their types and where they are.
 *
 * Types: the DATASEC .addr_space.1 of the BTF a program using the arena was
 * loaded with (prog info -> btf_id), or of an object file the caller names
 * (opened through this library, so libbpf has sized the DATASEC).
 *
 * Where: this library puts the globals at the end of the arena by default
 * (size - round_up(globals, page)), or at 0 (BPF_ARENA_GLOBALS_AT_ZERO);
 * upstream libbpf 1.4 to 1.6 puts them at 0, 1.7+ at the end where the
 * kernel allows it. An arena this library pinned or shared records it in
 * the header of its page 0 (pin.c), read through the BPF reader (nothing
 * allocated); for any other, nothing in the kernel records which, so we read the
 * programs' translated instructions: a reference to a global is an ld_imm64
 * of its user address, both this library's (a plain constant) and upstream's
 * (BPF_PSEUDO_MAP_VALUE of the arena and an offset, which the verifier
 * resolves to user_vm_start + offset and the translated dump shows as that
 * constant, seen on 6.18; the map-value form is still accepted should a
 * kernel show it). The layout whose range holds every such reference is the
 * one; when both or neither do, the library's default is assumed, and the
 * answer says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "inspect_internal.h"
#include "pin.h"

static __s32 find_datasec(const struct btf *btf)
{
	__s32 id = btf__find_by_name_kind(btf, ARENA_SEC, BTF_KIND_DATASEC);

	return id > 0 ? id : -ENOENT;
}

static struct btf *btf_from_object(const char *path, char *src, size_t src_sz)
{
	struct bpf_object *obj = bpf_arena__open_file(path, NULL);
	const void *raw;
	struct btf *btf;
	__u32 raw_sz;
	int err;

	if (!obj) {
		err = -errno;
		pr_warn("object '%s': can't open it for its types: %s\n", path, strerror(-err));
		return arena_err_ptr(err);
	}
	btf = bpf_object__btf(obj);
	if (!btf) {
		bpf_arena__close(obj);
		pr_warn("object '%s': has no BTF, so no types for the globals\n", path);
		return arena_err_ptr(-ENOENT);
	}
	raw = btf__raw_data(btf, &raw_sz);
	btf = raw ? btf__new(raw, raw_sz) : NULL;
	err = btf ? 0 : -errno;
	bpf_arena__close(obj);
	if (!btf)
		return arena_err_ptr(err ? err : -ENOMEM);
	snprintf(src, src_sz, "object %s", path);
	return btf;
}

/* The BTF of the first program using the arena that has our DATASEC. */
static struct btf *btf_from_progs(const struct bpf_arena_desc *d, char *src, size_t src_sz)
{
	size_t i;

	for (i = 0; i < d->prog_cnt; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		struct btf *btf;
		int fd = bpf_prog_get_fd_by_id(d->progs[i].id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id) {
			close(fd);
			continue;
		}
		close(fd);
		btf = btf__load_from_kernel_by_id(info.btf_id);
		if (!btf)
			continue;
		if (find_datasec(btf) > 0) {
			snprintf(src, src_sz, "program %u '%s' (BTF id %u)", d->progs[i].id,
				 d->progs[i].name, info.btf_id);
			return btf;
		}
		btf__free(btf);
	}
	return arena_err_ptr(-ENOENT);
}

struct ref_range {
	__u64 lo, hi; /* offsets referenced, [lo, hi] */
	__u64 cnt;
};

static void note_ref(struct ref_range *r, __u64 off)
{
	if (!r->cnt || off < r->lo)
		r->lo = off;
	if (!r->cnt || off > r->hi)
		r->hi = off;
	r->cnt++;
}

/* Offsets inside the arena that the programs' instructions name. */
static void collect_refs(const struct bpf_arena_desc *d, struct ref_range *r)
{
	size_t i;

	for (i = 0; i < d->prog_cnt; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info), n, k;
		struct bpf_insn *insns;
		int fd = bpf_prog_get_fd_by_id(d->progs[i].id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.xlated_prog_len) {
			close(fd);
			continue;
		}
		n = info.xlated_prog_len / sizeof(*insns);
		insns = calloc(n, sizeof(*insns));
		if (!insns) {
			close(fd);
			continue;
		}
		memset(&info, 0, sizeof(info));
		info.xlated_prog_len = n * sizeof(*insns);
		info.xlated_prog_insns = (__u64)(unsigned long)insns;
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			for (k = 0; k + 1 < n; k++) {
				__u64 v;

				if (insns[k].code != (BPF_LD | BPF_IMM | BPF_DW))
					continue;
				v = (__u32)insns[k].imm | ((__u64)(__u32)insns[k + 1].imm << 32);
				if (insns[k].src_reg == 0 && d->user_addr && v >= d->user_addr &&
				    v < d->user_addr + d->size)
					note_ref(r, v - d->user_addr);
				else if (insns[k].src_reg == BPF_PSEUDO_MAP_VALUE &&
					 (__u32)insns[k].imm == d->map_id)
					note_ref(r, (__u32)insns[k + 1].imm);
				k++;
			}
		}
		free(insns);
		close(fd);
	}
}

static void place_globals(struct bpf_arena_globals *g, const struct bpf_arena_desc *d)
{
	size_t page = arena_page_size();
	__u64 rounded = (g->size + page - 1) / page * page;
	__u64 at_end = d->size > rounded ? d->size - rounded : 0;
	struct ref_range r = {};
	bool end_ok, zero_ok;

	collect_refs(d, &r);
	g->ref_cnt = r.cnt;
	end_ok = r.cnt && r.lo >= at_end && r.hi < at_end + g->size;
	zero_ok = r.cnt && r.hi < g->size;
	if (end_ok != zero_ok) {
		g->offset = end_ok ? at_end : 0;
		g->where = BPF_ARENA_GLOBALS_FROM_PROGS;
	} else {
		g->offset = at_end;
		g->where = BPF_ARENA_GLOBALS_ASSUMED_END;
	}
}

/* The offset recorded in the header of an arena this library pinned or
 * shared: true and g->offset set when page 0 holds a sound header. Its page
 * is read through the BPF reader, so an arena without one (page 0 absent
 * reads as zeros) is left as it was. Types that differ from those the arena
 * was made with are said, not refused: the offset holds whatever the types.
 */
static bool globals_from_header(struct bpf_arena_globals *g, __u32 map_id, __u64 arena_size)
{
	struct bpf_arena_reader *r = bpf_arena_reader__new(map_id, NULL);
	struct arena_hdr h, mine = {};
	int err;

	if (!r)
		return false;
	err = bpf_arena_reader__read(r, 0, &h, sizeof(h));
	bpf_arena_reader__free(r);
	if (err || arena_hdr_check(&h))
		return false;
	if (h.globals_off > arena_size || h.globals_sz > arena_size - h.globals_off) {
		pr_warn("arena map %u: its header places %llu bytes of globals at offset %llu, "
			"outside its %llu bytes: ignored\n",
			map_id, (unsigned long long)h.globals_sz, (unsigned long long)h.globals_off,
			(unsigned long long)arena_size);
		return false;
	}
	if (h.globals_sz != g->size) {
		pr_warn("arena map %u: its header records %llu bytes of globals at offset %llu, "
			"but %s describes %llu bytes: the types are not those of object '%.*s' "
			"that made it\n",
			map_id, (unsigned long long)h.globals_sz, (unsigned long long)h.globals_off,
			g->btf_source, (unsigned long long)g->size, (int)sizeof(h.obj_name),
			h.obj_name);
	} else if (!arena_hdr_describe_btf(g->btf, g->size, &mine) && mine.btf_hash != h.btf_hash) {
		pr_warn("arena map %u: the types in %s differ from those of object '%.*s' that "
			"made it: values may print wrongly\n",
			map_id, g->btf_source, (int)sizeof(h.obj_name), h.obj_name);
	}
	g->offset = h.globals_off;
	g->where = BPF_ARENA_GLOBALS_FROM_HEADER;
	return true;
}

struct bpf_arena_globals *bpf_arena__find_globals(__u32 map_id,
						  const struct bpf_arena_globals_opts *opts)
{
	LIBBPF_OPTS(bpf_arena_describe_opts, dopts, .no_pins = true);
	const char *obj_path;
	struct bpf_arena_globals *g;
	struct bpf_arena_desc *d;
	long long off;
	int err;

	if (!INSPECT_OPTS_VALID(opts, bpf_arena_globals_opts))
		return arena_err_ptr(-EINVAL);
	obj_path = INSPECT_OPT(opts, bpf_arena_globals_opts, object_path, NULL);
	off = INSPECT_OPT(opts, bpf_arena_globals_opts, offset_set, false)
		      ? (long long)INSPECT_OPT(opts, bpf_arena_globals_opts, offset, 0)
		      : -1;
	d = bpf_arena__describe(map_id, &dopts);
	if (!d)
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g) {
		bpf_arena__desc_free(d);
		return arena_err_ptr(-ENOMEM);
	}
	if (obj_path)
		g->btf = btf_from_object(obj_path, g->btf_source, sizeof(g->btf_source));
	else
		g->btf = btf_from_progs(d, g->btf_source, sizeof(g->btf_source));
	if (!g->btf) {
		err = -errno;
		if (!obj_path)
			pr_info("arena map %u: no program using it carries BTF with %s; give the "
				"object file for the globals' types\n",
				map_id, ARENA_SEC);
		goto err_out;
	}
	g->datasec_id = find_datasec(g->btf);
	if (g->datasec_id < 0) {
		err = -ENOENT;
		pr_info("arena map %u: %s has no %s: no __arena globals\n", map_id, g->btf_source,
			ARENA_SEC);
		goto err_out;
	}
	g->size = btf__type_by_id(g->btf, g->datasec_id)->size;
	if (off >= 0) {
		g->offset = (__u64)off;
		g->where = BPF_ARENA_GLOBALS_GIVEN;
	} else {
		if (!globals_from_header(g, map_id, d->size))
			place_globals(g, d);
	}
	if (g->offset > d->size || g->size > d->size - g->offset) {
		pr_warn("arena map %u: %llu bytes of globals at offset %llu don't fit its %llu "
			"bytes\n",
			map_id, (unsigned long long)g->size, (unsigned long long)g->offset,
			(unsigned long long)d->size);
		err = -ERANGE;
		goto err_out;
	}
	bpf_arena__desc_free(d);
	return g;
err_out:
	bpf_arena__desc_free(d);
	bpf_arena__globals_free(g);
	return arena_err_ptr(err);
}

void bpf_arena__globals_free(struct bpf_arena_globals *g)
{
	if (!g)
		return;
	btf__free(g->btf);
	free(g);
}

/* Look for struct arena_heap in type @id (at @base), a few levels down. */
static bool heap_in_type(const struct btf *btf, __u32 id, __u64 base, int depth, __u64 *off,
			 char *name, size_t name_sz)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	const struct btf_member *m;
	size_t len;
	__u32 i; /* as libbpf's btf_vlen() (__u32 from 1.8) */

	if (!t || depth > 4 || !btf_is_struct(t))
		return false;
	if (strcmp(btf__name_by_offset(btf, t->name_off), "arena_heap") == 0) {
		*off = base;
		return true;
	}
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		len = strlen(name);
		if (len + 2 >= name_sz)
			return false;
		snprintf(name + len, name_sz - len, ".%s", btf__name_by_offset(btf, m->name_off));
		if (heap_in_type(btf, m->type, base + btf_member_bit_offset(t, i) / 8, depth + 1,
				 off, name, name_sz))
			return true;
		name[len] = '\0';
	}
	return false;
}

int bpf_arena__find_heap(const struct bpf_arena_globals *g, __u64 *heap_off, char *name,
			 size_t name_sz)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *v;
	char buf[256];
	__u32 i; /* as libbpf's btf_vlen() (__u32 from 1.8) */

	if (!g || !heap_off)
		return arena_err(-EINVAL);
	sec = btf__type_by_id(g->btf, g->datasec_id);
	v = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(g->btf, v->type);

		snprintf(buf, sizeof(buf), "%s", btf__name_by_offset(g->btf, var->name_off));
		if (heap_in_type(g->btf, var->type, v->offset, 0, heap_off, buf, sizeof(buf))) {
			if (name && name_sz)
				snprintf(name, name_sz, "%s", buf);
			return 0;
		}
	}
	return arena_err(-ENOENT);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Views: map an arena another process made, from its pin, map id or fd,
 * and find its globals through the header its creator wrote (pin.c) or the
 * object file's BTF. No program is loaded, nothing in the arena is written.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf_arena/bpf_arena_view.h>

#include "pin.h"

struct bpf_arena_view {
	struct arena_mapping mapping;
	__u32 page_cnt;
	bool has_hdr;
	struct arena_hdr hdr; /* a copy: the page stays the creator's */
	/* the object, when given, for its BTF */
	struct arena_elf elf;
	struct bpf_object *obj;
	const struct btf *btf;
	char what[256]; /* "arena at <pin>", for messages */
};

static bool reader_opts_valid(const struct bpf_arena_view_opts *opts)
{
	size_t known = offsetof(struct bpf_arena_view_opts, bpf_arena_view_opts__last_field) +
		       sizeof(opts->bpf_arena_view_opts__last_field);
	size_t i;

	if (!opts)
		return true;
	if (opts->sz < sizeof(opts->sz)) {
		pr_warn("bpf_arena_view_opts: sz %zu is too small; use LIBBPF_OPTS()\n", opts->sz);
		return false;
	}
	for (i = known; i < opts->sz; i++) {
		if (((const char *)opts)[i]) {
			pr_warn("bpf_arena_view_opts: unknown non-zero fields (this library is "
				"older than the header you built with)\n");
			return false;
		}
	}
	return true;
}

#define ROPT(opts, field, dflt)                                                \
	((opts) && (opts)->sz >= offsetof(struct bpf_arena_view_opts, field) + \
					 sizeof((opts)->field)                 \
		 ? (opts)->field                                               \
		 : (dflt))

void bpf_arena_view__close(struct bpf_arena_view *r)
{
	if (!r)
		return;
	arena_mapping_release(&r->mapping);
	if (r->obj)
		bpf_object__close(r->obj);
	arena_elf_free(&r->elf);
	free(r);
}

/* The object, opened by libbpf (after our rewrite) only for its BTF, whose
 * DATASEC offsets libbpf fills in from the symbols, as it did for the
 * process that made the arena.
 */
static int open_types(struct bpf_arena_view *r, const struct bpf_arena_view_opts *opts)
{
	const char *path = ROPT(opts, object_path, NULL);
	const void *buf = ROPT(opts, object_buf, NULL);
	size_t sz = ROPT(opts, object_sz, 0);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "arena_view");
	struct arena_hdr mine;
	char *file = NULL;
	int err;

	if (!path && !buf)
		return 0;
	if (path) {
		FILE *f = fopen(path, "rbe");
		long n;

		if (!f) {
			err = -errno;
			pr_warn("%s: can't open the object '%s': %s\n", r->what, path,
				strerror(-err));
			return err;
		}
		if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
		    !(file = malloc(n ? n : 1)) || fread(file, 1, n, f) != (size_t)n) {
			fclose(f);
			free(file);
			pr_warn("%s: can't read the object '%s'\n", r->what, path);
			return -EIO;
		}
		fclose(f);
		buf = file;
		sz = n;
	}
	err = arena_elf_parse(buf, sz, path ? path : "arena_view", &r->elf);
	free(file);
	if (err)
		return err;
	r->obj = bpf_object__open_mem(r->elf.image, r->elf.image_sz, &oo);
	if (!r->obj) {
		err = -errno;
		pr_warn("%s: libbpf can't open the object for its types: %s\n", r->what,
			strerror(-err));
		return err;
	}
	r->btf = bpf_object__btf(r->obj);
	if (!r->btf) {
		pr_warn("%s: the object has no BTF, so no types\n", r->what);
		return -ENOENT;
	}
	if (!r->has_hdr)
		return 0;
	memset(&mine, 0, sizeof(mine));
	arena_hdr_describe_btf(r->btf, r->elf.globals_sz, &mine);
	if (mine.btf_hash != r->hdr.btf_hash || r->elf.globals_sz != r->hdr.globals_sz) {
		pr_warn("%s: the object's __arena globals (%zu bytes, %u variables) are not the "
			"arena's (%llu bytes, %u variables, made by object '%s'): give the object "
			"that made it\n",
			r->what, r->elf.globals_sz, mine.var_total,
			(unsigned long long)r->hdr.globals_sz, r->hdr.var_total, r->hdr.obj_name);
		return -EINVAL;
	}
	return 0;
}

/* Takes @fd. */
static struct bpf_arena_view *reader_open(int fd, const char *what,
					  const struct bpf_arena_view_opts *opts)
{
	struct bpf_arena_view *r;
	struct bpf_map_info info;
	__u64 addr;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return arena_err_ptr(-ENOMEM);
	}
	r->mapping.fd = fd;
	r->mapping.read_only = ROPT(opts, read_only, false);
	snprintf(r->what, sizeof(r->what), "%s", what);
	err = arena_fd_info(fd, &info, what);
	if (err)
		goto err_out;
	r->page_cnt = info.max_entries;
	r->mapping.size = (size_t)info.max_entries * arena_page_size();
	addr = info.map_extra ? info.map_extra : ROPT(opts, addr, 0);
	if (!addr) {
		pr_warn("%s: the arena was created with map_extra 0, so the kernel doesn't tell "
			"its address: pass it in bpf_arena_view_opts.addr\n",
			what);
		err = -EINVAL;
		goto err_out;
	}
	err = arena_mmap(&r->mapping, addr, info.name);
	if (err) {
		if (err == -EEXIST)
			pr_warn("%s lives at 0x%llx in every process that maps it: this process "
				"must keep that range free (one view per arena and process)\n",
				what, (unsigned long long)addr);
		goto err_out;
	}
	memcpy(&r->hdr, r->mapping.addr, sizeof(r->hdr));
	err = arena_hdr_check(&r->hdr);
	if (err == -EBADMSG) {
		pr_warn("%s: its header (page 0) is damaged; base and size are all that can be "
			"trusted\n",
			what);
	} else if (!err) {
		r->has_hdr = true;
		r->hdr.obj_name[sizeof(r->hdr.obj_name) - 1] = '\0';
		if (r->hdr.globals_off + r->hdr.globals_sz > r->mapping.size)
			r->has_hdr = false;
	}
	err = open_types(r, opts);
	if (err)
		goto err_out;
	return r;

err_out:
	bpf_arena_view__close(r);
	return arena_err_ptr(err);
}

struct bpf_arena_view *bpf_arena_view__open_pinned(const char *path,
						   const struct bpf_arena_view_opts *opts)
{
	char what[256];
	int fd, err;

	if (!path || !reader_opts_valid(opts))
		return arena_err_ptr(-EINVAL);
	snprintf(what, sizeof(what), "arena pinned at %s", path);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		pr_warn("%s: can't open it: %s\n", what, strerror(-err));
		if (err == -ENOENT || err == -EINVAL)
			arena_bpffs_check(path, path);
		return arena_err_ptr(err);
	}
	return reader_open(fd, what, opts);
}

struct bpf_arena_view *bpf_arena_view__open_id(__u32 map_id, const struct bpf_arena_view_opts *opts)
{
	char what[64];
	int fd, err;

	if (!reader_opts_valid(opts))
		return arena_err_ptr(-EINVAL);
	snprintf(what, sizeof(what), "arena with map id %u", map_id);
	fd = bpf_map_get_fd_by_id(map_id);
	if (fd < 0) {
		err = -errno;
		pr_warn("%s: can't open it: %s\n", what, strerror(-err));
		return arena_err_ptr(err);
	}
	return reader_open(fd, what, opts);
}

struct bpf_arena_view *bpf_arena_view__open_fd(int fd, const struct bpf_arena_view_opts *opts)
{
	char what[64];
	int dup_fd;

	if (fd < 0 || !reader_opts_valid(opts))
		return arena_err_ptr(-EINVAL);
	snprintf(what, sizeof(what), "arena behind fd %d", fd);
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return arena_err_ptr(-errno);
	return reader_open(dup_fd, what, opts);
}

int bpf_arena_view__fd(const struct bpf_arena_view *r)
{
	return r ? r->mapping.fd : arena_err(-EINVAL);
}

void *bpf_arena_view__base(const struct bpf_arena_view *r)
{
	return r ? r->mapping.addr : arena_err_ptr(-EINVAL);
}

size_t bpf_arena_view__size(const struct bpf_arena_view *r)
{
	return r ? r->mapping.size : 0;
}

__u32 bpf_arena_view__page_cnt(const struct bpf_arena_view *r)
{
	return r ? r->page_cnt : 0;
}

void *bpf_arena_view__globals(const struct bpf_arena_view *r, size_t *size)
{
	if (!r)
		return arena_err_ptr(-EINVAL);
	if (!r->has_hdr || !r->hdr.globals_sz)
		return arena_err_ptr(-ENOENT);
	if (size)
		*size = r->hdr.globals_sz;
	return (char *)r->mapping.addr + r->hdr.globals_off;
}

size_t bpf_arena_view__globals_offset(const struct bpf_arena_view *r)
{
	return r && r->has_hdr ? r->hdr.globals_off : 0;
}

void *bpf_arena_view__find_global(const struct bpf_arena_view *r, const char *name, size_t *size)
{
	char *globals;
	__u32 i;

	if (!r || !name)
		return arena_err_ptr(-EINVAL);
	globals = bpf_arena_view__globals(r, NULL);
	if (!globals)
		return NULL;
	if (r->btf) {
		const struct btf_var_secinfo *vsi;
		const struct btf_type *sec;
		int id = btf__find_by_name_kind(r->btf, ARENA_SEC, BTF_KIND_DATASEC);

		if (id < 0)
			return arena_err_ptr(-ENOENT);
		sec = btf__type_by_id(r->btf, id);
		vsi = btf_var_secinfos(sec);
		for (i = 0; i < btf_vlen(sec); i++, vsi++) {
			const struct btf_type *var = btf__type_by_id(r->btf, vsi->type);
			const char *n = var ? btf__name_by_offset(r->btf, var->name_off) : NULL;

			if (!n || strcmp(n, name) || vsi->offset + vsi->size > r->hdr.globals_sz)
				continue;
			if (size)
				*size = vsi->size;
			return globals + vsi->offset;
		}
		return arena_err_ptr(-ENOENT);
	}
	for (i = 0; i < r->hdr.var_cnt; i++) {
		const struct arena_hdr_var *v = &r->hdr.vars[i];

		if (strncmp(v->name, name, sizeof(v->name)) || v->off + v->size > r->hdr.globals_sz)
			continue;
		if (size)
			*size = v->size;
		return globals + v->off;
	}
	return arena_err_ptr(-ENOENT);
}

const char *bpf_arena_view__object_name(const struct bpf_arena_view *r)
{
	if (!r)
		return arena_err_ptr(-EINVAL);
	return r->has_hdr ? r->hdr.obj_name : "";
}

const struct btf *bpf_arena_view__btf(const struct bpf_arena_view *r)
{
	if (!r)
		return arena_err_ptr(-EINVAL);
	return r->btf ? r->btf : arena_err_ptr(-ENOENT);
}

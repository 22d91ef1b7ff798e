// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Reads a BPF object's ELF and BTF for the generator (see bpf_obj.h). */
#define _GNU_SOURCE /* qsort_r */
#include "bpf_obj.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "btf_check.h" /* lib/arena: the library's own check of BTF */
#include "internal.h" /* lib/arena: the library's validation of an object */

#ifndef EM_BPF
#define EM_BPF 247
#endif

struct elf_sec {
	const char *name;
	GElf_Shdr shdr;
	Elf_Data *data;
};

struct elf_sym {
	const char *name;
	size_t shndx;
	__u64 value;
	int type;
	int bind;
};

/* What reading the ELF collects, freed once the object model is built. */
struct elf_info {
	Elf *elf;
	struct elf_sec *secs;
	size_t nr_secs;
	struct elf_sym *syms;
	size_t nr_syms;
};

static int obj_err(const struct gen_obj *obj, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int obj_err(const struct gen_obj *obj, int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "Error: %s: ", obj->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return err;
}

void gen_sanitize_ident(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			*s = '_';
}

/* A section name or one of its dotted children: ".data", ".data.foo". */
static bool sec_is(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '.');
}

static int read_file(struct gen_obj *obj)
{
	struct stat st;
	ssize_t n;
	size_t done = 0;
	int fd;

	fd = open(obj->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return obj_err(obj, -errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return obj_err(obj, -EINVAL, "not a regular file");
	}
	obj->elf_sz = st.st_size;
	obj->elf_buf = malloc(obj->elf_sz ? obj->elf_sz : 1);
	if (!obj->elf_buf) {
		close(fd);
		return obj_err(obj, -ENOMEM, "out of memory");
	}
	while (done < obj->elf_sz) {
		n = read(fd, obj->elf_buf + done, obj->elf_sz - done);
		if (n <= 0) {
			close(fd);
			return obj_err(obj, n < 0 ? -errno : -EIO, "read failed");
		}
		done += n;
	}
	close(fd);
	return 0;
}

static int read_elf(struct gen_obj *obj, struct elf_info *ei)
{
	size_t shstrndx, i, j, n;
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	GElf_Sym sym;

	elf_version(EV_CURRENT);
	if (obj->elf_sz < 4 || memcmp(obj->elf_buf, ELFMAG, SELFMAG) != 0)
		return obj_err(obj, -EINVAL,
			       "not an ELF file (expected a BPF object from clang -target bpf)");
	ei->elf = elf_memory(obj->elf_buf, obj->elf_sz);
	if (!ei->elf || elf_kind(ei->elf) != ELF_K_ELF || !gelf_getehdr(ei->elf, &ehdr))
		return obj_err(obj, -EINVAL, "not a valid ELF file: %s", elf_errmsg(-1));
	if (ehdr.e_machine != EM_BPF || ehdr.e_type != ET_REL)
		return obj_err(obj, -EINVAL,
			       "not a BPF object (ELF machine %u, type %u; expected a relocatable "
			       "object from clang -target bpf)",
			       ehdr.e_machine, ehdr.e_type);
	if (elf_getshdrstrndx(ei->elf, &shstrndx) || elf_getshdrnum(ei->elf, &ei->nr_secs))
		return obj_err(obj, -EINVAL, "corrupt ELF section headers: %s", elf_errmsg(-1));
	ei->secs = calloc(ei->nr_secs, sizeof(*ei->secs));
	if (!ei->secs)
		return obj_err(obj, -ENOMEM, "out of memory");
	while ((scn = elf_nextscn(ei->elf, scn))) {
		i = elf_ndxscn(scn);
		if (i >= ei->nr_secs || !gelf_getshdr(scn, &ei->secs[i].shdr))
			return obj_err(obj, -EINVAL, "corrupt ELF section %zu", i);
		ei->secs[i].name = elf_strptr(ei->elf, shstrndx, ei->secs[i].shdr.sh_name);
		if (!ei->secs[i].name)
			return obj_err(obj, -EINVAL, "corrupt ELF section name %zu", i);
		if (ei->secs[i].shdr.sh_type != SHT_NOBITS)
			ei->secs[i].data = elf_getdata(scn, NULL);
		if (ei->secs[i].shdr.sh_type != SHT_SYMTAB)
			continue;
		if (ei->syms || !ei->secs[i].data || !ei->secs[i].shdr.sh_entsize)
			return obj_err(obj, -EINVAL, "unexpected symbol table");
		n = ei->secs[i].shdr.sh_size / ei->secs[i].shdr.sh_entsize;
		ei->syms = calloc(n ? n : 1, sizeof(*ei->syms));
		if (!ei->syms)
			return obj_err(obj, -ENOMEM, "out of memory");
		for (j = 0; j < n; j++) {
			if (!gelf_getsym(ei->secs[i].data, j, &sym))
				return obj_err(obj, -EINVAL, "corrupt symbol %zu", j);
			ei->syms[ei->nr_syms++] = (struct elf_sym){
				.name = elf_strptr(ei->elf, ei->secs[i].shdr.sh_link, sym.st_name),
				.shndx = sym.st_shndx,
				.value = sym.st_value,
				.type = GELF_ST_TYPE(sym.st_info),
				.bind = GELF_ST_BIND(sym.st_info),
			};
			if (!ei->syms[ei->nr_syms - 1].name)
				ei->syms[ei->nr_syms - 1].name = "";
		}
	}
	if (!ei->syms)
		return obj_err(obj, -EINVAL, "no symbol table");
	return 0;
}

static const struct elf_sec *find_sec(const struct elf_info *ei, const char *name, size_t *idx)
{
	size_t i;

	for (i = 1; i < ei->nr_secs; i++) {
		if (ei->secs[i].name && strcmp(ei->secs[i].name, name) == 0) {
			if (idx)
				*idx = i;
			return &ei->secs[i];
		}
	}
	return NULL;
}

static int read_btf(struct gen_obj *obj, const struct elf_info *ei)
{
	const struct elf_sec *sec = find_sec(ei, ".BTF", NULL);
	char what[128];
	int err;

	if (!sec || !sec->data || !sec->data->d_size)
		return obj_err(obj, -ENOENT,
			       "no BTF (.BTF section): a skeleton types its globals from BTF; "
			       "compile the object with clang -g");
	obj->btf = btf__new(sec->data->d_buf, sec->data->d_size);
	if (!obj->btf) {
		err = -errno;
		return obj_err(obj, err, "corrupt BTF: %s", strerror(-err));
	}
	/* libbpf 1.1's btf_dump follows type references blindly */
	if (!arena_btf_is_sane(obj->btf, what, sizeof(what)))
		return obj_err(obj, -EINVAL, "corrupt BTF: %s", what);
	return 0;
}

static int cmp_var_offset(const void *a, const void *b)
{
	const struct gen_var *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* libbpf's layout of .kconfig externs: by alignment (largest first), then
 * size (smallest first), then name, each at the next aligned offset.
 */
static int cmp_kconfig(const void *a, const void *b, void *ctx)
{
	const struct gen_var *x = a, *y = b;
	struct btf *btf = ctx;
	int ax = btf__align_of(btf, x->type_id), ay = btf__align_of(btf, y->type_id);

	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int layout_kconfig(struct gen_obj *obj, struct gen_datasec *ds)
{
	__u64 off = 0;
	int i, align;

	qsort_r(ds->vars, ds->nr_vars, sizeof(*ds->vars), cmp_kconfig, obj->btf);
	for (i = 0; i < ds->nr_vars; i++) {
		align = btf__align_of(obj->btf, ds->vars[i].type_id);
		if (align <= 0)
			return obj_err(obj, -EINVAL, "extern '%s': unknown alignment",
				       ds->vars[i].name);
		off = (off + align - 1) / align * align;
		ds->vars[i].offset = off;
		off += ds->vars[i].size;
	}
	ds->size = off;
	return 0;
}

/* Fills a DATASEC's size from its ELF section and its variables' offsets
 * from their symbols, as libbpf does when it opens an object.
 */
static int layout_datasec(struct gen_obj *obj, const struct elf_info *ei, struct gen_datasec *ds)
{
	const struct elf_sec *sec;
	size_t shndx, i;
	int v;

	if (strcmp(ds->name, ".kconfig") == 0)
		return layout_kconfig(obj, ds);
	sec = find_sec(ei, ds->name, &shndx);
	if (!sec) {
		/* .ksyms and the like: externs with no memory of their own */
		ds->size = 0;
		return 0;
	}
	ds->size = sec->shdr.sh_size;
	for (v = 0; v < ds->nr_vars; v++) {
		struct gen_var *var = &ds->vars[v];

		for (i = 0; i < ei->nr_syms; i++)
			if (ei->syms[i].shndx == shndx && ei->syms[i].type == STT_OBJECT &&
			    strcmp(ei->syms[i].name, var->name) == 0)
				break;
		if (i == ei->nr_syms)
			return obj_err(obj, -EINVAL, "variable '%s' of section %s has no symbol",
				       var->name, ds->name);
		var->offset = ei->syms[i].value;
		if (var->offset > ds->size || var->size > ds->size - var->offset)
			return obj_err(obj, -EINVAL, "variable '%s' lies outside section %s",
				       var->name, ds->name);
	}
	qsort(ds->vars, ds->nr_vars, sizeof(*ds->vars), cmp_var_offset);
	return 0;
}

static int read_datasecs(struct gen_obj *obj, const struct elf_info *ei)
{
	/* unsigned like libbpf's accessors (btf_vlen() is __u32 from 1.8) */
	__u32 n = btf__type_cnt(obj->btf), id, i;
	int err, nr = 0;

	for (id = 1; id < n; id++)
		if (btf_is_datasec(btf__type_by_id(obj->btf, id)))
			nr++;
	obj->secs = calloc(nr ? nr : 1, sizeof(*obj->secs));
	if (!obj->secs)
		return obj_err(obj, -ENOMEM, "out of memory");
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(obj->btf, id);
		const struct btf_var_secinfo *vsi;
		struct gen_datasec *ds;

		if (!btf_is_datasec(t))
			continue;
		ds = &obj->secs[obj->nr_secs++];
		ds->name = btf__name_by_offset(obj->btf, t->name_off);
		ds->vars = calloc(btf_vlen(t) ? btf_vlen(t) : 1, sizeof(*ds->vars));
		if (!ds->name || !ds->vars)
			return obj_err(obj, -ENOMEM, "out of memory");
		vsi = btf_var_secinfos(t);
		ds->nr_vars = 0;
		for (i = 0; i < btf_vlen(t); i++, vsi++) {
			const struct btf_type *var = btf__type_by_id(obj->btf, vsi->type);
			__s64 sz;

			if (!var)
				return obj_err(obj, -EINVAL, "corrupt BTF: DATASEC %s", ds->name);
			/* kfuncs in .ksyms: functions, not memory */
			if (!btf_is_var(var))
				continue;
			sz = btf__resolve_size(obj->btf, var->type);
			if (sz < 0)
				return obj_err(obj, -EINVAL, "BTF: size of '%s' unknown",
					       btf__name_by_offset(obj->btf, var->name_off));
			ds->vars[ds->nr_vars++] = (struct gen_var){
				.name = btf__name_by_offset(obj->btf, var->name_off),
				.type_id = var->type,
				.size = sz,
				.is_static = btf_var(var)->linkage == BTF_VAR_STATIC,
			};
		}
		err = layout_datasec(obj, ei, ds);
		if (err)
			return err;
		if (strcmp(ds->name, GEN_ARENA_SEC) == 0)
			obj->arena_sec = ds;
	}
	return 0;
}

static struct gen_datasec *find_datasec(struct gen_obj *obj, const char *name)
{
	int i;

	for (i = 0; i < obj->nr_secs; i++)
		if (strcmp(obj->secs[i].name, name) == 0)
			return &obj->secs[i];
	return NULL;
}

/* The value of __uint(type, X) in a map definition: int (*type)[X]. */
static __u32 map_def_type(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;
	__u32 i;

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_struct(t))
		return 0;
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), "type") != 0)
			continue;
		t = btf__type_by_id(btf, m->type);
		if (!t || !btf_is_ptr(t))
			return 0;
		t = btf__type_by_id(btf, t->type);
		return t && btf_is_array(t) ? btf_array(t)->nelems : 0;
	}
	return 0;
}

static struct gen_map *add_map(struct gen_obj *obj, const char *name, const char *ident)
{
	struct gen_map *maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps)), *m;

	if (!maps)
		return NULL;
	obj->maps = maps;
	m = memset(&maps[obj->nr_maps], 0, sizeof(*m));
	m->name = strdup(name);
	m->ident = strdup(ident);
	if (!m->name || !m->ident) {
		free(m->name);
		free(m->ident);
		return NULL;
	}
	obj->nr_maps++;
	return m;
}

static int add_user_maps(struct gen_obj *obj, const char *sec_name)
{
	struct gen_datasec *ds = find_datasec(obj, sec_name);
	struct gen_map *m;
	int i;

	for (i = 0; ds && i < ds->nr_vars; i++) {
		m = add_map(obj, ds->vars[i].name, ds->vars[i].name);
		if (!m)
			return obj_err(obj, -ENOMEM, "out of memory");
		m->type = map_def_type(obj->btf, ds->vars[i].type_id);
	}
	return 0;
}

/* After the maps array stopped growing: the one arena map, if any. */
static int find_arena_map(struct gen_obj *obj)
{
	int i;

	for (i = 0; i < obj->nr_maps; i++) {
		if (obj->maps[i].internal || obj->maps[i].type != GEN_MAP_TYPE_ARENA)
			continue;
		if (obj->arena_map)
			return obj_err(
				obj, -EINVAL,
				"two arena maps ('%s' and '%s'): an object has at most one arena",
				obj->arena_map->name, obj->maps[i].name);
		obj->arena_map = &obj->maps[i];
	}
	return 0;
}

static int add_internal_map(struct gen_obj *obj, const char *sec_name)
{
	char ident[256];
	struct gen_map *m;

	snprintf(ident, sizeof(ident), "%s", sec_name + 1);
	gen_sanitize_ident(ident);
	m = add_map(obj, sec_name, ident);
	if (!m)
		return obj_err(obj, -ENOMEM, "out of memory");
	m->internal = true;
	m->sec = find_datasec(obj, sec_name);
	return 0;
}

/* Maps in libbpf's order: those of .maps, the global data sections in
 * section order, .kconfig, then struct_ops.
 */
static int read_maps(struct gen_obj *obj, const struct elf_info *ei)
{
	struct gen_datasec *kconfig;
	size_t i;
	int err;

	err = add_user_maps(obj, ".maps");
	for (i = 1; !err && i < ei->nr_secs; i++) {
		const struct elf_sec *s = &ei->secs[i];
		bool data = s->shdr.sh_type == SHT_PROGBITS && s->shdr.sh_size > 0 &&
			    !(s->shdr.sh_flags & SHF_EXECINSTR) &&
			    (sec_is(s->name, ".data") || sec_is(s->name, ".rodata"));
		bool bss = s->shdr.sh_type == SHT_NOBITS && sec_is(s->name, ".bss");

		if (data || bss)
			err = add_internal_map(obj, s->name);
	}
	kconfig = find_datasec(obj, ".kconfig");
	if (!err && kconfig && kconfig->nr_vars)
		err = add_internal_map(obj, ".kconfig");
	if (!err)
		err = add_user_maps(obj, ".struct_ops");
	if (!err)
		err = add_user_maps(obj, ".struct_ops.link");
	return err;
}

static int cmp_prog(const void *a, const void *b)
{
	const struct gen_prog *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Programs: the functions of every code section but .text (whose functions
 * are subprograms), by section then offset, as libbpf orders them.
 */
static int read_progs(struct gen_obj *obj, const struct elf_info *ei)
{
	size_t i;

	obj->progs = calloc(ei->nr_syms ? ei->nr_syms : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return obj_err(obj, -ENOMEM, "out of memory");
	for (i = 0; i < ei->nr_syms; i++) {
		const struct elf_sym *sym = &ei->syms[i];
		const struct elf_sec *s;

		if (sym->type != STT_FUNC || sym->shndx == SHN_UNDEF || sym->shndx >= ei->nr_secs)
			continue;
		s = &ei->secs[sym->shndx];
		if (s->shdr.sh_type != SHT_PROGBITS || !(s->shdr.sh_flags & SHF_EXECINSTR) ||
		    strcmp(s->name, ".text") == 0)
			continue;
		/* a copy: the ELF descriptor goes before the object does */
		obj->progs[obj->nr_progs] = (struct gen_prog){
			.name = strdup(sym->name),
			.shndx = sym->shndx,
			.offset = sym->value,
		};
		if (!obj->progs[obj->nr_progs].name)
			return obj_err(obj, -ENOMEM, "out of memory");
		obj->nr_progs++;
	}
	qsort(obj->progs, obj->nr_progs, sizeof(*obj->progs), cmp_prog);
	return 0;
}

/*
 * The library's own validation of the object (internal.h), the very check
 * bpf_arena__open_*() makes: the ELF and its symbols, relocations and BTF,
 * and the arena map against its globals (size, address, flags). What the
 * library would refuse at open gets no skeleton, with the library's message
 * (printed through libbpf's print callback, to stderr).
 */
static int validate_like_the_library(struct gen_obj *obj)
{
	struct arena_elf elf;
	int err;

	err = arena_elf_parse(obj->elf_buf, obj->elf_sz, obj->path, &elf);
	if (err)
		return obj_err(
			obj, err,
			"refused: bpf_arena__open() would not open it either (%s; see above)",
			strerror(-err));
	arena_elf_free(&elf);
	return 0;
}

static int parse(struct gen_obj *obj)
{
	struct elf_info ei = {};
	int err;

	err = validate_like_the_library(obj);
	if (!err)
		err = read_elf(obj, &ei);
	if (!err)
		err = read_btf(obj, &ei);
	if (!err)
		err = read_datasecs(obj, &ei);
	if (!err)
		err = read_maps(obj, &ei);
	if (!err)
		err = find_arena_map(obj);
	if (!err)
		err = read_progs(obj, &ei);
	if (!err && obj->arena_sec && !obj->arena_map)
		err = obj_err(obj, -EINVAL,
			      "__arena globals (section %s) but no arena map: declare one in "
			      "SEC(\".maps\") with __uint(type, BPF_MAP_TYPE_ARENA)",
			      GEN_ARENA_SEC);
	if (ei.elf)
		elf_end(ei.elf);
	free(ei.secs);
	free(ei.syms);
	if (err)
		gen_obj_close(obj);
	return err;
}

int gen_obj_open(struct gen_obj *obj, const char *path)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	obj->path = path;
	err = read_file(obj);
	if (err) {
		gen_obj_close(obj);
		return err;
	}
	return parse(obj);
}

int gen_obj_open_mem(struct gen_obj *obj, const char *name, const void *buf, size_t sz)
{
	memset(obj, 0, sizeof(*obj));
	obj->path = name;
	obj->elf_buf = malloc(sz ? sz : 1);
	if (!obj->elf_buf)
		return obj_err(obj, -ENOMEM, "out of memory");
	memcpy(obj->elf_buf, buf, sz);
	obj->elf_sz = sz;
	return parse(obj);
}

void gen_obj_close(struct gen_obj *obj)
{
	int i;

	for (i = 0; i < obj->nr_maps; i++) {
		free(obj->maps[i].name);
		free(obj->maps[i].ident);
	}
	free(obj->maps);
	for (i = 0; i < obj->nr_progs; i++)
		free((char *)obj->progs[i].name);
	free(obj->progs);
	for (i = 0; i < obj->nr_secs; i++)
		free(obj->secs[i].vars);
	free(obj->secs);
	btf__free(obj->btf);
	free(obj->elf_buf);
	memset(obj, 0, sizeof(*obj));
}

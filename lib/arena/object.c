// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The public API: open, load, close, and the arena's accessors. See
 * internal.h for how the pieces fit together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "internal.h"
#include "map_def.h"
#include "pin.h"
#include "probe.h"

/* Per program; the verifier keeps a log's tail, where the reason is.
 * Untouched pages cost nothing: only a refused program's log is written.
 */
#define PROG_LOG_SZ (256U << 10)

/* Options structs may come from a caller built against a newer or older
 * header: read what both know, and refuse bytes we don't know that aren't 0.
 */
static bool opts_valid(const struct bpf_arena_open_opts *opts)
{
	size_t known = offsetof(struct bpf_arena_open_opts, bpf_arena_open_opts__last_field) +
		       sizeof(opts->bpf_arena_open_opts__last_field);
	size_t i;

	if (!opts)
		return true;
	if (opts->sz < sizeof(opts->sz)) {
		pr_warn("bpf_arena_open_opts: sz %zu is too small; use LIBBPF_OPTS()\n", opts->sz);
		return false;
	}
	for (i = known; i < opts->sz; i++) {
		if (((const char *)opts)[i]) {
			pr_warn("bpf_arena_open_opts: unknown non-zero fields (this library is "
				"older than the header you built with)\n");
			return false;
		}
	}
	return true;
}

#define OPT(opts, field, dflt)                                                 \
	((opts) && (opts)->sz >= offsetof(struct bpf_arena_open_opts, field) + \
					 sizeof((opts)->field)                 \
		 ? (opts)->field                                               \
		 : (dflt))

static size_t round_up_page(size_t n)
{
	size_t page = arena_page_size();

	return (n + page - 1) / page * page;
}

/* Decide where the globals go and, if instructions reference them, the
 * arena's address, so those can become constants (see internal.h).
 */
static int plan_globals(struct bpf_arena *a, const char *obj_name)
{
	struct arena_map_def *def = &a->elf.def;
	size_t size = (size_t)def->max_entries * arena_page_size();
	__u64 base;
	int err;

	if (a->layout == BPF_ARENA_GLOBALS_AT_END && a->elf.globals_sz)
		a->globals_off = size - round_up_page(a->elf.globals_sz);
	else
		a->globals_off = 0;
	a->mapping.size = size;
	if (!a->elf.ref_cnt)
		return 0;

	if (def->map_extra) {
		base = def->map_extra;
	} else {
		err = arena_reserve_stable(a, size);
		if (err)
			return err;
		base = (unsigned long)a->mapping.reserved;
	}
	a->planned_addr = base;
	arena_elf_patch_refs(&a->elf, base + a->globals_off);
	pr_debug("object '%s': arena '%s' at 0x%llx, %zu bytes of globals at offset %zu\n",
		 obj_name, def->name, (unsigned long long)base, a->elf.globals_sz, a->globals_off);
	return 0;
}

static void arena_free(struct bpf_arena *a)
{
	if (!a)
		return;
	arena_mapping_release(&a->mapping);
	arena_elf_free(&a->elf);
	free(a->pin_made);
	while (a->log_cnt)
		free(a->logs[--a->log_cnt].buf);
	free(a->logs);
	free(a);
}

/* libbpf names an object after its file, up to the first '.'. */
static void name_from_path(const char *path, char *name, size_t sz)
{
	const char *base = strrchr(path, '/');

	snprintf(name, sz, "%s", base ? base + 1 : path);
	name[strcspn(name, ".")] = '\0';
}

/* libbpf 1.4+ knows arenas, but never gets to act on one of ours: with the
 * .addr_space.1 relocations gone and the arena's fd preset, it skips
 * creating, mapping and filling it. Say so once, for whoever debugs.
 */
static void log_libbpf_version_once(void)
{
	static bool logged;

	if (__atomic_exchange_n(&logged, true, __ATOMIC_RELAXED))
		return;
	pr_debug("libbpf %s %s; arenas are handled by libbpf_arena %s alone\n",
		 libbpf_version_string(),
		 libbpf_major_version() > 1 || libbpf_minor_version() >= 4 ? "knows arenas"
									   : "doesn't know arenas",
		 bpf_arena__version_str());
}

static struct bpf_object *open_image(const void *buf, size_t sz, const char *default_name,
				     const struct bpf_arena_open_opts *opts)
{
	const struct bpf_object_open_opts *user_obj_opts = OPT(opts, object_opts, NULL);
	struct bpf_object_open_opts obj_opts = { .sz = sizeof(obj_opts) };
	struct bpf_arena *a;
	const char *name;
	int err, attempt;

	if (!opts_valid(opts))
		return arena_err_ptr(-EINVAL);
	if (user_obj_opts) {
		size_t n =
			user_obj_opts->sz < sizeof(obj_opts) ? user_obj_opts->sz : sizeof(obj_opts);

		memcpy(&obj_opts, user_obj_opts, n);
		obj_opts.sz = sizeof(obj_opts);
	}
	if (!obj_opts.object_name)
		obj_opts.object_name = default_name;
	name = obj_opts.object_name;

	a = calloc(1, sizeof(*a));
	if (!a)
		return arena_err_ptr(-ENOMEM);
	a->caller_logs = obj_opts.kernel_log_buf != NULL;
	a->mapping.fd = -1;
	a->layout = OPT(opts, globals_layout, BPF_ARENA_GLOBALS_AT_END);
	a->no_prog_bind = OPT(opts, no_prog_bind, false);
	if (a->layout != BPF_ARENA_GLOBALS_AT_END && a->layout != BPF_ARENA_GLOBALS_AT_ZERO) {
		pr_warn("object '%s': unknown globals_layout %d\n", name, a->layout);
		err = -EINVAL;
		goto err_out;
	}

	log_libbpf_version_once();
	err = arena_elf_parse(buf, sz, name, &a->elf);
	if (err)
		goto err_out;
	if (a->elf.has_arena_map) {
		/* arena_elf_parse() validated the definition (the generator's check too) */
		err = plan_globals(a, name);
		if (err)
			goto err_out;
	}

	/* Twice at most: when the arena is pinned already (LIBBPF_PIN_BY_NAME)
	 * somewhere else than planned, the image is re-patched for its address.
	 */
	for (attempt = 0;; attempt++) {
		a->obj = bpf_object__open_mem(a->elf.image, a->elf.image_sz, &obj_opts);
		if (!a->obj) {
			err = -errno;
			pr_warn("object '%s': libbpf could not open it after the arena rewrite: "
				"%s\n",
				name, strerror(-err));
			goto err_out;
		}
		err = arena_map_def_apply_fixups(a->obj, &a->elf);
		if (err)
			goto err_out;
		if (!a->elf.has_arena_map)
			break;
		a->map = bpf_object__find_map_by_name(a->obj, a->elf.def.name);
		if (!a->map) {
			pr_warn("object '%s': libbpf lost arena map '%s'\n", name, a->elf.def.name);
			err = -ENOENT;
			goto err_out;
		}
		if (attempt)
			break;
		err = arena_pin_open(a);
		if (err < 0)
			goto err_out;
		if (!err)
			break;
		bpf_object__close(a->obj);
		a->obj = NULL;
		a->map = NULL;
	}
	arena_registry_add(a);
	return a->obj;

err_out:
	if (a->obj)
		bpf_object__close(a->obj);
	arena_free(a);
	return arena_err_ptr(err);
}

struct bpf_object *bpf_arena__open_mem(const void *obj_buf, size_t obj_buf_sz,
				       const struct bpf_arena_open_opts *opts)
{
	char name[64];

	snprintf(name, sizeof(name), "%lx-%zx", (unsigned long)obj_buf, obj_buf_sz);
	return open_image(obj_buf, obj_buf_sz, name, opts);
}

struct bpf_object *bpf_arena__open_file(const char *path, const struct bpf_arena_open_opts *opts)
{
	struct bpf_object *obj;
	char name[256];
	struct stat st;
	void *buf;
	FILE *f;
	int err;

	if (!path) {
		pr_warn("bpf_arena__open_file: no path\n");
		return arena_err_ptr(-EINVAL);
	}
	f = fopen(path, "rbe");
	if (!f) {
		err = -errno;
		pr_warn("can't open '%s': %s\n", path, strerror(-err));
		return arena_err_ptr(err);
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		pr_warn("'%s' is not a regular file\n", path);
		return arena_err_ptr(-EINVAL);
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		fclose(f);
		return arena_err_ptr(-ENOMEM);
	}
	if (fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		err = ferror(f) ? -EIO : -EINVAL;
		free(buf);
		fclose(f);
		pr_warn("can't read '%s'\n", path);
		return arena_err_ptr(err);
	}
	fclose(f);
	name_from_path(path, name, sizeof(name));
	obj = open_image(buf, st.st_size, name, opts);
	err = errno;
	free(buf);
	errno = err;
	return obj;
}

/* The definition as it is now: the application may have changed it since
 * open with libbpf's setters.
 */
static void current_def(const struct bpf_arena *a, struct arena_map_def *def)
{
	*def = a->elf.def;
	snprintf(def->name, sizeof(def->name), "%s", bpf_map__name(a->map));
	def->max_entries = bpf_map__max_entries(a->map);
	def->map_flags = bpf_map__map_flags(a->map);
	def->map_extra = bpf_map__map_extra(a->map);
	if (bpf_map__numa_node(a->map) || (def->map_flags & BPF_F_NUMA_NODE)) {
		def->numa_node = (__s32)bpf_map__numa_node(a->map);
		def->has_numa_node = true;
	}
}

/*
 * Everything planned at open from the arena's size and address: the
 * globals' offset (at the end of the arena, so it follows the size), and,
 * when instructions reference globals, their addresses patched into those
 * instructions and a reservation of the address range. Any change of size or
 * address since open must re-plan the first and is refused for the second:
 * an offset planned for 64 pages and used in a 1-page arena writes the
 * initial image past its end.
 */
static int check_unchanged_geometry(struct bpf_arena *a, const struct arena_map_def *def)
{
	if (def->max_entries == a->elf.def.max_entries && def->map_extra == a->elf.def.map_extra)
		return 0;
	if (!a->elf.ref_cnt) {
		/* nothing holds the old plan: place the globals in the new arena
		 * (arena_map_def_validate() saw they fit)
		 */
		if (a->layout == BPF_ARENA_GLOBALS_AT_END && a->elf.globals_sz)
			a->globals_off = (size_t)def->max_entries * arena_page_size() -
					 round_up_page(a->elf.globals_sz);
		return 0;
	}
	pr_warn("arena '%s': max_entries or map_extra changed after open (%u pages at 0x%llx "
		"-> %u at 0x%llx), but the globals' addresses were fixed at open: set them in "
		"the BPF definition instead\n",
		def->name, a->elf.def.max_entries, (unsigned long long)a->elf.def.map_extra,
		def->max_entries, (unsigned long long)def->map_extra);
	return -EINVAL;
}

static int load_arena(struct bpf_arena *a)
{
	const char *obj_name = bpf_object__name(a->obj);
	struct arena_map_def def;
	__u64 addr;
	int err, fd;

	if (a->mapping.addr || bpf_map__fd(a->map) >= 0) {
		/* an existing arena (a pin found at open, bpf_map__reuse_fd()):
		 * checked against the object as it was opened
		 */
		return arena_pin_load(a, &a->elf.def);
	}
	current_def(a, &def);
	err = arena_map_def_validate(&def, a->elf.globals_sz, obj_name);
	if (err)
		return err;
	err = check_unchanged_geometry(a, &def);
	if (err)
		return err;
	if (!bpf_map__autocreate(a->map)) {
		if (!a->elf.ref_cnt)
			return 0; /* the application doesn't want it: libbpf decides */
		pr_warn("arena '%s': autocreate is off, but programs use its __arena "
			"globals\n",
			def.name);
		return -EINVAL;
	}
	if (bpf_map__pin_path(a->map))
		return arena_pin_load(a, &def); /* create and pin, or reuse */

	fd = arena_create_map(&def, def.name);
	if (fd < 0)
		return fd;
	a->mapping.fd = fd;
	a->mapping.size = (size_t)def.max_entries * arena_page_size();

	addr = a->planned_addr ? a->planned_addr : def.map_extra;
	err = arena_mmap(&a->mapping, addr, def.name);
	if (err)
		return err;
	if (a->elf.globals_sz) {
		err = arena_populate(&a->mapping, a->globals_off, a->elf.globals_sz,
				     def.map_flags & BPF_ARENA_F_SEGV_ON_FAULT, def.name);
		if (err)
			return err;
		memcpy((char *)a->mapping.addr + a->globals_off, a->elf.globals_init,
		       a->elf.globals_sz);
	}
	if (!a->no_prog_bind) {
		err = arena_bind_programs(a->obj, a->elf.insn_refs, fd);
		if (err)
			return err;
	}
	err = bpf_map__reuse_fd(a->map, fd);
	if (err) {
		pr_warn("arena '%s': handing it to libbpf failed: %s\n", def.name, strerror(-err));
		return err;
	}
	return 0;
}

/* Give every program that will load a log buffer of ours, unless the
 * caller gave one (to it or to the object).
 */
static int attach_prog_logs(struct bpf_arena *a)
{
	struct bpf_program *prog;
	size_t sz;

	if (a->caller_logs)
		return 0;
	bpf_object__for_each_program(prog, a->obj) {
		struct arena_prog_log *logs;
		char *buf;

		if (!bpf_program__autoload(prog) || bpf_program__log_buf(prog, &sz))
			continue;
		logs = realloc(a->logs, (a->log_cnt + 1) * sizeof(*logs));
		if (!logs)
			return -ENOMEM;
		a->logs = logs;
		/* Not zeroed: only a refused program gets a log, which the
		 * kernel ends with a NUL. calloc() here cleared 256 KiB per
		 * program on every load (glibc serves it from the heap once one
		 * was freed): three quarters of what we added to a small load.
		 */
		buf = malloc(PROG_LOG_SZ);
		if (!buf)
			return -ENOMEM;
		buf[0] = 0;
		a->logs[a->log_cnt].prog = prog;
		a->logs[a->log_cnt++].buf = buf;
		bpf_program__set_log_buf(prog, buf, PROG_LOG_SZ);
	}
	return 0;
}

/*
 * A program was refused. With our log buffer in place libbpf doesn't print
 * the verifier's log, so we do, and add what the probes make of it (the
 * kernel feature it shows missing, the version and patch that bring it).
 * Only a refused program's log has anything in it: libbpf asks for a log
 * only when a load fails.
 */
static void load_failure_explain(struct bpf_arena *a)
{
	__u64 arena_size = a->map ? bpf_arena__size(a) : 0, largest = 0;
	struct bpf_map *map;
	char why[1024];
	size_t i;

	bpf_object__for_each_map(map, a->obj)
		if (map != a->map && bpf_map__value_size(map) > largest)
			largest = bpf_map__value_size(map);
	for (i = 0; i < a->log_cnt; i++) {
		const char *name = bpf_program__name(a->logs[i].prog), *log = a->logs[i].buf;

		if (!log[0])
			continue;
		arena_pr_text(LIBBPF_WARN, name, log);
		if (arena_probe_explain_offset(log, arena_size, largest, why, sizeof(why)) > 0 ||
		    arena_probe_explain_prog(log, why, sizeof(why)) > 0)
			pr_warn("prog '%s': %s\n", name, why);
		else if (strstr(log, "associated arena"))
			pr_warn("prog '%s': it uses arena memory but doesn't name the arena map, "
				"and %s: reference the map in it, e.g. asm volatile(\"\" :: "
				"\"r\"(&%s))\n",
				name,
				a->no_prog_bind ? "no_prog_bind is set"
						: "libbpf_arena found no place to bind it",
				bpf_map__name(a->map));
	}
}

int bpf_arena__load(struct bpf_object *obj)
{
	struct bpf_arena *a;
	int err;

	if (!obj)
		return arena_err(-EINVAL);
	a = arena_registry_find(obj, NULL);
	if (!a)
		return bpf_object__load(obj); /* not ours: nothing to add */
	if (a->loaded || a->load_failed) {
		pr_warn("object '%s': already loaded%s; close it and open it again\n",
			bpf_object__name(obj), a->load_failed ? " (and failed)" : "");
		return arena_err(-EINVAL);
	}

	if (a->map) {
		err = load_arena(a);
		if (err)
			goto err_out;
	}
	err = attach_prog_logs(a);
	if (err)
		goto err_out;
	err = bpf_object__load(obj);
	if (err) {
		load_failure_explain(a);
		goto err_out;
	}
	err = arena_map_global_data(obj);
	if (err)
		goto err_out;
	a->loaded = true;
	return 0;

err_out:
	/* libbpf keeps its own dup of the fd until close; ours goes now. */
	a->load_failed = true;
	arena_pin_undo(a);
	arena_mapping_release(&a->mapping);
	return arena_err(err < 0 ? err : -EINVAL);
}

void bpf_arena__close(struct bpf_object *obj)
{
	struct bpf_arena *a;

	if (!obj)
		return;
	a = arena_registry_take(obj);
	bpf_object__close(obj);
	arena_free(a);
}

struct bpf_arena *bpf_arena__from_object(const struct bpf_object *obj)
{
	struct bpf_arena *a = obj ? arena_registry_find(obj, NULL) : NULL;

	if (!a || !a->map)
		return arena_err_ptr(-ENOENT);
	return a;
}

struct bpf_arena *bpf_arena__from_map(const struct bpf_map *map)
{
	struct bpf_arena *a = map ? arena_registry_find(NULL, map) : NULL;

	if (!a)
		return arena_err_ptr(-ENOENT);
	return a;
}

struct bpf_object *bpf_arena__object(const struct bpf_arena *arena)
{
	return arena ? arena->obj : arena_err_ptr(-EINVAL);
}

struct bpf_map *bpf_arena__map(const struct bpf_arena *arena)
{
	return arena ? arena->map : arena_err_ptr(-EINVAL);
}

void *bpf_arena__base(const struct bpf_arena *arena)
{
	if (!arena)
		return arena_err_ptr(-EINVAL);
	if (!arena->loaded || !arena->mapping.addr)
		return arena_err_ptr(-ENOENT);
	return arena->mapping.addr;
}

size_t bpf_arena__size(const struct bpf_arena *arena)
{
	return arena ? (size_t)bpf_map__max_entries(arena->map) * arena_page_size() : 0;
}

__u32 bpf_arena__page_cnt(const struct bpf_arena *arena)
{
	return arena ? bpf_map__max_entries(arena->map) : 0;
}

void *bpf_arena__globals(const struct bpf_arena *arena, size_t *size)
{
	if (!arena)
		return arena_err_ptr(-EINVAL);
	if (!arena->elf.globals_sz)
		return arena_err_ptr(-ENOENT);
	if (size)
		*size = arena->elf.globals_sz;
	if (arena->loaded && !arena->mapping.addr)
		return arena_err_ptr(-ENOENT); /* loaded without its arena (autocreate off) */
	if (arena->loaded)
		return (char *)arena->mapping.addr + arena->globals_off;
	return arena->elf.globals_init;
}

void *bpf_arena__find_global(const struct bpf_arena *arena, const char *name, size_t *size)
{
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	struct btf *btf;
	char *globals;
	int id;
	__u32 i;

	if (!arena || !name)
		return arena_err_ptr(-EINVAL);
	globals = bpf_arena__globals(arena, NULL);
	btf = bpf_object__btf(arena->obj);
	if (!globals || !btf)
		return arena_err_ptr(-ENOENT);
	id = btf__find_by_name_kind(btf, ARENA_SEC, BTF_KIND_DATASEC);
	if (id < 0)
		return arena_err_ptr(-ENOENT);
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(btf, vsi->type);
		const char *var_name = var ? btf__name_by_offset(btf, var->name_off) : NULL;

		if (!var_name || strcmp(var_name, name))
			continue;
		if ((size_t)vsi->offset + vsi->size > arena->elf.globals_sz)
			break;
		if (size)
			*size = vsi->size;
		return globals + vsi->offset;
	}
	return arena_err_ptr(-ENOENT);
}

size_t bpf_arena__globals_offset(const struct bpf_arena *arena)
{
	return arena ? arena->globals_off : 0;
}

void *bpf_arena__map_initial_value(struct bpf_map *map, size_t *psize)
{
	struct bpf_arena *a = map ? arena_registry_find(NULL, map) : NULL;

	if (!a)
		return (void *)bpf_map__initial_value(map, psize);
	if (a->loaded) {
		if (!a->mapping.addr)
			return arena_err_ptr(-ENOENT);
		*psize = bpf_arena__size(a);
		return a->mapping.addr;
	}
	if (!a->elf.globals_sz)
		return arena_err_ptr(-ENOENT);
	*psize = a->elf.globals_sz;
	return a->elf.globals_init;
}

const char *bpf_arena__version_str(void)
{
#define STR_(x) #x
#define STR(x) STR_(x)
	return STR(BPF_ARENA_VERSION_MAJOR) "." STR(BPF_ARENA_VERSION_MINOR);
}

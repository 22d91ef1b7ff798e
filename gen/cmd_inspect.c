// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf-arena inspect: what the arenas of running programs hold, in bpftool's
 * style (plain text for people, --json for scripts).
 *
 *   list              every arena: size, address, flags, pins, programs,
 *                     the processes holding it and their resident bytes
 *   show ID|PIN       the __arena globals, typed by name as bpftool prints a
 *                     .bss, and the heap of <bpf_arena/arena_alloc.h>
 *   dump ID|PIN       a hex dump of a range
 *
 * Everything is read through the library's safe reader (a BPF program bound
 * to the arena): inspecting never maps the arena, so it allocates no page
 * and can't fault, also under BPF_F_SEGV_ON_FAULT. Exit status 0, or 1 with
 * a message on stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf_arena/bpf_arena_inspect.h>

#include "gen.h"
#include "inspect_svg.h"
#include "json_writer.h"

struct inspect_args {
	bool json;
	const char *target; /* ID or PIN */
	const char *object;
	const char *svg;
	long long globals_offset;
	unsigned long long offset, length;
	bool have_offset, have_length;
};

static void inspect_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s inspect list [--json]\n"
		"       %1$s inspect show ID|PIN [--object OBJ.bpf.o] [--globals-offset OFF]\n"
		"                          [--svg FILE] [--json]\n"
		"       %1$s inspect dump ID|PIN --offset OFF --length LEN [--json]\n"
		"       %1$s inspect help\n"
		"\n"
		"Look inside the BPF arenas of running programs without changing them:\n"
		"every read goes through a BPF program bound to the arena, so no page is\n"
		"allocated and nothing faults (also under BPF_F_SEGV_ON_FAULT).\n"
		"\n"
		"       ID := arena map id (see 'list')\n"
		"       PIN := path of the arena pinned in bpffs\n"
		"       OBJ.bpf.o := object file to take the globals' types from (default:\n"
		"                    the BTF the programs using the arena were loaded with)\n"
		"       OFF := where the globals live inside the arena (default: learned\n"
		"              from the programs' instructions)\n"
		"\n"
		"Needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON).\n",
		bin_name);
}

static const char *flags_str(__u32 flags, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s%s%s", flags & BPF_ARENA_F_SEGV_ON_FAULT ? "segv_on_fault" : "",
		 (flags & BPF_ARENA_F_SEGV_ON_FAULT) && (flags & BPF_ARENA_F_NO_USER_CONV) ? ","
											   : "",
		 flags & BPF_ARENA_F_NO_USER_CONV ? "no_user_conv" : "");
	return buf;
}

static const char *addr_source_str(enum bpf_arena_addr_source s)
{
	switch (s) {
	case BPF_ARENA_ADDR_MAP_EXTRA:
		return "map_extra";
	case BPF_ARENA_ADDR_MAPPING:
		return "mapping";
	default:
		return "unknown";
	}
}

static void json_desc(struct json_writer *w, const struct bpf_arena_desc *d)
{
	char fl[64];
	size_t i;

	jw_start_object(w);
	jw_key(w, "id");
	jw_uint(w, d->map_id);
	jw_key(w, "name");
	jw_string(w, d->name);
	jw_key(w, "pages");
	jw_uint(w, d->page_cnt);
	jw_key(w, "bytes");
	jw_uint(w, d->size);
	jw_key(w, "user_addr");
	if (d->user_addr)
		jw_hex(w, d->user_addr);
	else
		jw_null(w);
	jw_key(w, "user_addr_source");
	jw_string(w, addr_source_str(d->user_addr_source));
	jw_key(w, "map_extra");
	jw_hex(w, d->map_extra);
	jw_key(w, "map_flags");
	jw_hex(w, d->map_flags);
	jw_key(w, "flags");
	jw_start_array(w);
	flags_str(d->map_flags, fl, sizeof(fl));
	if (d->map_flags & BPF_ARENA_F_SEGV_ON_FAULT)
		jw_string(w, "segv_on_fault");
	if (d->map_flags & BPF_ARENA_F_NO_USER_CONV)
		jw_string(w, "no_user_conv");
	jw_end_array(w);
	jw_key(w, "pinned");
	jw_start_array(w);
	for (i = 0; i < d->pin_cnt; i++)
		jw_string(w, d->pins[i]);
	jw_end_array(w);
	jw_key(w, "progs");
	jw_start_array(w);
	for (i = 0; i < d->prog_cnt; i++) {
		jw_start_object(w);
		jw_key(w, "id");
		jw_uint(w, d->progs[i].id);
		jw_key(w, "name");
		jw_string(w, d->progs[i].name);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_key(w, "pids");
	jw_start_array(w);
	for (i = 0; i < d->holder_cnt; i++) {
		const struct bpf_arena_holder *h = &d->holders[i];

		jw_start_object(w);
		jw_key(w, "pid");
		jw_int(w, h->pid);
		jw_key(w, "comm");
		jw_string(w, h->comm);
		jw_key(w, "fds");
		jw_int(w, h->fd_cnt);
		jw_key(w, "mapped");
		jw_bool(w, h->has_mapping);
		jw_key(w, "rss");
		jw_uint(w, h->rss);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void plain_desc(const struct bpf_arena_desc *d)
{
	char fl[64];
	size_t i;

	printf("%u: arena  name %s  pages %u  bytes %llu", d->map_id, d->name, d->page_cnt,
	       (unsigned long long)d->size);
	if (d->map_flags & (BPF_ARENA_F_SEGV_ON_FAULT | BPF_ARENA_F_NO_USER_CONV))
		printf("  flags %s", flags_str(d->map_flags, fl, sizeof(fl)));
	printf("\n");
	if (d->user_addr)
		printf("\tuser_addr 0x%llx (%s)\n", (unsigned long long)d->user_addr,
		       addr_source_str(d->user_addr_source));
	else
		printf("\tuser_addr unknown (map_extra 0, nobody maps it)\n");
	for (i = 0; i < d->pin_cnt; i++)
		printf("\tpinned %s\n", d->pins[i]);
	if (d->prog_cnt) {
		printf("\tprogs");
		for (i = 0; i < d->prog_cnt; i++)
			printf("%s %u %s", i ? "," : "", d->progs[i].id, d->progs[i].name);
		printf("\n");
	}
	for (i = 0; i < d->holder_cnt; i++) {
		const struct bpf_arena_holder *h = &d->holders[i];

		printf("\tpid %d (%s)", h->pid, h->comm);
		if (h->fd_cnt)
			printf("  fds %d", h->fd_cnt);
		if (h->has_mapping)
			printf("  mapped, rss %llu", (unsigned long long)h->rss);
		printf("\n");
	}
}

static int do_list(const struct inspect_args *a)
{
	struct json_writer w;
	__u32 id = 0;
	int err;

	jw_init(&w, stdout);
	if (a->json)
		jw_start_array(&w);
	while (!(err = bpf_arena__next_id(id, &id))) {
		struct bpf_arena_desc *d = bpf_arena__describe(id, NULL);

		if (!d) {
			if (errno == ENOENT)
				continue; /* gone since it was listed */
			fprintf(stderr, "Error: can't describe arena map %u: %s\n", id,
				strerror(errno));
			return 1;
		}
		if (a->json)
			json_desc(&w, d);
		else
			plain_desc(d);
		bpf_arena__desc_free(d);
	}
	if (a->json)
		jw_end_array(&w);
	if (err != -ENOENT) {
		fprintf(stderr, "Error: can't list BPF maps: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}

/* ID or PIN -> map id; prints the error. */
static int resolve_target(const char *t, __u32 *id)
{
	char *end;
	unsigned long v;

	if (!t) {
		fprintf(stderr, "Error: give an arena map id or the path of its pin\n");
		return -EINVAL;
	}
	if (isdigit((unsigned char)t[0])) {
		errno = 0;
		v = strtoul(t, &end, 0);
		if (*end || errno || v > 0xffffffffUL) {
			fprintf(stderr, "Error: '%s' is not a map id\n", t);
			return -EINVAL;
		}
		*id = (__u32)v;
		return 0;
	}
	if (bpf_arena__id_from_pin(t, id)) {
		fprintf(stderr, "Error: '%s' is not a pinned arena: %s\n", t, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Open the arena (as a check that the id is one) and its reader. */
static struct bpf_arena_reader *open_reader(__u32 id)
{
	struct bpf_arena_reader *r = bpf_arena_reader__new(id, NULL);

	if (!r)
		fprintf(stderr, "Error: can't read arena map %u: %s\n", id, strerror(errno));
	return r;
}

static void hexdump(const unsigned char *b, size_t len, unsigned long long base)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("%08llx:", base + i);
		for (j = 0; j < 16; j++) {
			if (i + j < len)
				printf(" %02x", b[i + j]);
			else
				printf("   ");
		}
		printf("  |");
		for (j = 0; j < 16 && i + j < len; j++)
			putchar(isprint(b[i + j]) ? b[i + j] : '.');
		printf("|\n");
	}
}

static int do_dump(const struct inspect_args *a)
{
	struct bpf_arena_reader *r;
	unsigned char *buf;
	struct json_writer w;
	__u32 id;

	if (resolve_target(a->target, &id))
		return 1;
	if (!a->have_offset || !a->have_length) {
		fprintf(stderr, "Error: dump needs --offset OFF and --length LEN\n");
		return 1;
	}
	if (a->length > (64ULL << 20)) {
		fprintf(stderr, "Error: --length %llu: dump at most 64 MiB at a time\n", a->length);
		return 1;
	}
	r = open_reader(id);
	if (!r)
		return 1;
	buf = malloc(a->length ? a->length : 1);
	if (!buf || bpf_arena_reader__read(r, a->offset, buf, a->length)) {
		fprintf(stderr, "Error: can't read [0x%llx, +%llu) of arena map %u: %s\n",
			a->offset, a->length, id, strerror(buf ? errno : ENOMEM));
		free(buf);
		bpf_arena_reader__free(r);
		return 1;
	}
	if (a->json) {
		jw_init(&w, stdout);
		jw_start_object(&w);
		jw_key(&w, "id");
		jw_uint(&w, id);
		jw_key(&w, "offset");
		jw_uint(&w, a->offset);
		jw_key(&w, "length");
		jw_uint(&w, a->length);
		jw_key(&w, "user_addr");
		jw_hex(&w, bpf_arena_reader__user_addr(r) + a->offset);
		jw_key(&w, "hex");
		jw_hex_bytes(&w, buf, a->length);
		jw_end_object(&w);
	} else {
		printf("arena map %u: %llu bytes at offset 0x%llx (user address 0x%llx)\n", id,
		       a->length, a->offset,
		       (unsigned long long)(bpf_arena_reader__user_addr(r) + a->offset));
		hexdump(buf, a->length, a->offset);
	}
	free(buf);
	bpf_arena_reader__free(r);
	return 0;
}

/* A value of BTF type @id at @data as JSON, the shape bpftool gives a .bss:
 * numbers, strings for char arrays, objects for structs, "0x.." for pointers.
 */
static void json_btf_value(struct json_writer *w, const struct btf *btf, __u32 id,
			   const unsigned char *data, int depth)
{
	const struct btf_type *t;
	__u32 i; /* as libbpf's btf_vlen() (__u32 from 1.8) */

	id = btf__resolve_type(btf, id);
	t = btf__type_by_id(btf, id);
	if (!t || depth > 16) {
		jw_null(w);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		__u8 enc = btf_int_encoding(t);
		unsigned long long u = 0;

		memcpy(&u, data, t->size < 8 ? t->size : 8);
		if (enc & BTF_INT_BOOL) {
			jw_bool(w, u != 0);
		} else if (enc & BTF_INT_SIGNED) {
			long long v = t->size == 1   ? (long long)(signed char)u
				      : t->size == 2 ? (long long)(short)u
				      : t->size == 4 ? (long long)(int)u
						     : (long long)u;
			jw_int(w, v);
		} else {
			jw_uint(w, u);
		}
		break;
	}
	case BTF_KIND_PTR: {
		unsigned long long p;

		memcpy(&p, data, sizeof(p));
		jw_hex(w, p);
		break;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);
		int v = 0;

		memcpy(&v, data, t->size < 4 ? t->size : 4);
		for (i = 0; i < btf_vlen(t); i++, e++)
			if (e->val == v) {
				jw_string(w, btf__name_by_offset(btf, e->name_off));
				return;
			}
		jw_int(w, v);
		break;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);
		const struct btf_type *et = btf__type_by_id(btf, btf__resolve_type(btf, arr->type));
		__s64 esz = btf__resolve_size(btf, arr->type);
		__u32 k;

		if (et && btf_is_int(et) && et->size == 1 &&
		    !(btf_int_encoding(et) & BTF_INT_BOOL)) {
			jw_string_n(w, (const char *)data, arr->nelems);
			break;
		}
		jw_start_array(w);
		for (k = 0; k < arr->nelems && esz > 0; k++)
			json_btf_value(w, btf, arr->type, data + k * esz, depth + 1);
		jw_end_array(w);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		jw_start_object(w);
		for (i = 0; i < btf_vlen(t); i++, m++) {
			__u32 bits = btf_member_bitfield_size(t, i);
			__u32 off = btf_member_bit_offset(t, i);
			const char *name = btf__name_by_offset(btf, m->name_off);

			jw_key(w, name && *name ? name : "(anon)");
			if (bits) {
				unsigned long long v = 0;

				memcpy(&v, data + off / 64 * 8, 8);
				v = (v >> (off % 64)) & (bits >= 64 ? ~0ULL : (1ULL << bits) - 1);
				jw_uint(w, v);
			} else {
				json_btf_value(w, btf, m->type, data + off / 8, depth + 1);
			}
		}
		jw_end_object(w);
		break;
	}
	default:
		jw_null(w);
	}
}

static void print_plain_fn(void *ctx, const char *fmt, va_list args)
{
	(void)ctx;
	vprintf(fmt, args);
}

static bool is_heap_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));

	return t && btf_is_struct(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "arena_heap");
}

/* One global, "name = (type){...}" through libbpf's btf_dump, as bpftool
 * prints data with BTF; a struct arena_heap (shown as the heap instead) is
 * left out, member by member when it sits in a struct.
 */
static void plain_var(struct btf_dump *dump, const struct btf *btf, const char *name, __u32 type,
		      const unsigned char *data)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, o, .emit_zeroes = false);
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, type));
	__s64 sz = btf__resolve_size(btf, type);
	__u32 i; /* as libbpf's btf_vlen() (__u32 from 1.8) */

	if (is_heap_type(btf, type)) {
		printf("%s = (struct arena_heap){...} (see heap)\n", name);
		return;
	}
	if (t && btf_is_struct(t)) {
		const struct btf_member *m = btf_members(t);
		bool has_heap = false;

		for (i = 0; i < btf_vlen(t); i++)
			has_heap |= is_heap_type(btf, m[i].type);
		if (has_heap) {
			for (i = 0; i < btf_vlen(t); i++, m++) {
				char sub[256];

				snprintf(sub, sizeof(sub), "%s.%s", name,
					 btf__name_by_offset(btf, m->name_off));
				if (btf_member_bitfield_size(t, i))
					continue;
				plain_var(dump, btf, sub, m->type,
					  data + btf_member_bit_offset(t, i) / 8);
			}
			return;
		}
	}
	printf("%s = ", name);
	if (sz <= 0 || btf_dump__dump_type_data(dump, type, data, (size_t)sz, &o) < 0)
		printf("<can't print>");
	printf("\n");
}

static const char *where_str(enum bpf_arena_globals_where w)
{
	switch (w) {
	case BPF_ARENA_GLOBALS_GIVEN:
		return "given";
	case BPF_ARENA_GLOBALS_FROM_PROGS:
		return "from the programs' instructions";
	case BPF_ARENA_GLOBALS_FROM_HEADER:
		return "from the arena's header (page 0)";
	default:
		return "assumed: the end of the arena, nothing else tells";
	}
}

static void show_globals(struct json_writer *w, bool json, const struct bpf_arena_globals *g,
			 const unsigned char *data)
{
	const struct btf_type *sec = btf__type_by_id(g->btf, g->datasec_id);
	const struct btf_var_secinfo *v = btf_var_secinfos(sec);
	struct btf_dump *dump = NULL;
	__u32 i; /* as libbpf's btf_vlen() (__u32 from 1.8) */

	if (json) {
		jw_key(w, "globals");
		jw_start_object(w);
		jw_key(w, "offset");
		jw_uint(w, g->offset);
		jw_key(w, "bytes");
		jw_uint(w, g->size);
		jw_key(w, "offset_source");
		jw_string(w, where_str(g->where));
		jw_key(w, "types");
		jw_string(w, g->btf_source);
		jw_key(w, "values");
		jw_start_object(w);
	} else {
		printf("globals: %llu bytes at offset 0x%llx (%s), types from %s\n",
		       (unsigned long long)g->size, (unsigned long long)g->offset,
		       where_str(g->where), g->btf_source);
		dump = btf_dump__new(g->btf, print_plain_fn, NULL, NULL);
	}
	for (i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(g->btf, v->type);
		const char *name = btf__name_by_offset(g->btf, var->name_off);

		if (v->offset + v->size > g->size)
			continue;
		if (json) {
			jw_key(w, name);
			json_btf_value(w, g->btf, var->type, data + v->offset, 0);
		} else if (dump) {
			plain_var(dump, g->btf, name, var->type, data + v->offset);
		}
	}
	if (json) {
		jw_end_object(w);
		jw_end_object(w);
	}
	btf_dump__free(dump);
}

static void show_heap(struct json_writer *w, bool json, const char *name,
		      const struct bpf_arena_heap_stats *st)
{
	__u32 c;

	if (json) {
		jw_key(w, "heap");
		jw_start_object(w);
		jw_key(w, "name");
		jw_string(w, name);
		jw_key(w, "offset");
		jw_uint(w, st->heap_offset);
		jw_key(w, "pages");
		jw_uint(w, st->pages);
		jw_key(w, "pool_pages");
		jw_uint(w, st->pool_pages);
		jw_key(w, "refills");
		jw_uint(w, st->refills);
		jw_key(w, "bad_frees");
		jw_uint(w, st->bad_frees);
		jw_key(w, "bytes_in_use");
		jw_uint(w, st->bytes_in_use);
		jw_key(w, "bytes_free");
		jw_uint(w, st->bytes_free);
		jw_key(w, "fragmentation");
		jw_double(w, st->fragmentation);
		jw_key(w, "large_live");
		jw_uint(w, st->large_live);
		jw_key(w, "large_pages");
		jw_uint(w, st->large_pages);
		jw_key(w, "classes");
		jw_start_array(w);
		for (c = 0; c < BPF_ARENA_HEAP_CLASSES; c++) {
			const struct bpf_arena_heap_class *k = &st->cls[c];

			if (!k->pages && !k->cached)
				continue;
			jw_start_object(w);
			jw_key(w, "block_size");
			jw_uint(w, k->block_size);
			jw_key(w, "pages");
			jw_uint(w, k->pages);
			jw_key(w, "live");
			jw_uint(w, k->live);
			jw_key(w, "free");
			jw_uint(w, k->free);
			jw_key(w, "cached");
			jw_uint(w, k->cached);
			jw_key(w, "uncarved");
			jw_uint(w, k->uncarved);
			jw_end_object(w);
		}
		jw_end_array(w);
		jw_key(w, "cpu_caches");
		jw_start_array(w);
		for (c = 0; c < st->cpu_cnt; c++) {
			if (!st->cpu_cached[c])
				continue;
			jw_start_object(w);
			jw_key(w, "cpu");
			jw_uint(w, c);
			jw_key(w, "blocks");
			jw_uint(w, st->cpu_cached[c]);
			jw_end_object(w);
		}
		jw_end_array(w);
		jw_end_object(w);
		return;
	}
	printf("heap %s at offset 0x%llx: %llu pages (%llu in the pool), %llu refills, %llu bad "
	       "frees\n",
	       name, (unsigned long long)st->heap_offset, (unsigned long long)st->pages,
	       (unsigned long long)st->pool_pages, (unsigned long long)st->refills,
	       (unsigned long long)st->bad_frees);
	printf("  %8s %6s %8s %8s %8s %9s\n", "block", "pages", "live", "free", "cached",
	       "uncarved");
	for (c = 0; c < BPF_ARENA_HEAP_CLASSES; c++) {
		const struct bpf_arena_heap_class *k = &st->cls[c];

		if (!k->pages && !k->cached)
			continue;
		printf("  %8llu %6llu %8llu %8llu %8llu %9llu\n", (unsigned long long)k->block_size,
		       (unsigned long long)k->pages, (unsigned long long)k->live,
		       (unsigned long long)k->free, (unsigned long long)k->cached,
		       (unsigned long long)k->uncarved);
	}
	if (st->large_live)
		printf("  %8s %6llu %8llu\n", "pages", (unsigned long long)st->large_pages,
		       (unsigned long long)st->large_live);
	printf("  in use %llu bytes, free %llu bytes, fragmentation %.1f%%\n",
	       (unsigned long long)st->bytes_in_use, (unsigned long long)st->bytes_free,
	       st->fragmentation * 100.0);
	printf("  per-CPU caches:");
	for (c = 0; c < st->cpu_cnt; c++)
		if (st->cpu_cached[c])
			printf(" cpu%u %llu", c, (unsigned long long)st->cpu_cached[c]);
	printf("\n");
}

static int do_show(const struct inspect_args *a)
{
	LIBBPF_OPTS(bpf_arena_describe_opts, dopts, .no_pins = false);
	LIBBPF_OPTS(bpf_arena_globals_opts, gopts, .object_path = a->object,
		    .offset = a->globals_offset >= 0 ? (__u64)a->globals_offset : 0,
		    .offset_set = a->globals_offset >= 0);
	struct bpf_arena_heap_stats *st = NULL;
	struct bpf_arena_globals *g = NULL;
	struct bpf_arena_reader *r = NULL;
	struct bpf_arena_desc *d = NULL;
	unsigned char *data = NULL;
	char heap_name[256] = "";
	struct json_writer w;
	__u64 heap_off = 0;
	bool has_heap = false;
	int ret = 1;
	__u32 id;

	if (resolve_target(a->target, &id))
		return 1;
	d = bpf_arena__describe(id, &dopts);
	if (!d) {
		fprintf(stderr, "Error: arena map %u: %s\n", id, strerror(errno));
		return 1;
	}
	r = open_reader(id);
	if (!r)
		goto out;
	g = bpf_arena__find_globals(id, &gopts);
	if (!g && errno != ENOENT) {
		fprintf(stderr, "Error: arena map %u: can't find its globals: %s\n", id,
			strerror(errno));
		goto out;
	}
	if (g) {
		data = malloc(g->size ? g->size : 1);
		if (!data || bpf_arena_reader__read(r, g->offset, data, g->size)) {
			fprintf(stderr, "Error: arena map %u: can't read its globals\n", id);
			goto out;
		}
		has_heap = bpf_arena__find_heap(g, &heap_off, heap_name, sizeof(heap_name)) == 0;
	}
	if (has_heap) {
		st = bpf_arena__heap_stats(r, g->offset + heap_off, g);
		if (!st) {
			fprintf(stderr, "Error: arena map %u: can't read heap %s: %s\n", id,
				heap_name, strerror(errno));
			goto out;
		}
	}
	if (a->svg && !st) {
		fprintf(stderr,
			"Error: arena map %u: --svg draws the heap, and no heap of "
			"<bpf_arena/arena_alloc.h> was found among its globals%s\n",
			id, g ? "" : " (no globals' types: try --object)");
		goto out;
	}
	if (a->svg && inspect_svg_write(a->svg, d, st, heap_name)) {
		fprintf(stderr, "Error: can't write '%s': %s\n", a->svg, strerror(errno));
		goto out;
	}
	if (a->json) {
		jw_init(&w, stdout);
		jw_start_object(&w);
		jw_key(&w, "arena");
		json_desc(&w, d);
		if (g)
			show_globals(&w, true, g, data);
		if (st)
			show_heap(&w, true, heap_name, st);
		jw_end_object(&w);
	} else {
		plain_desc(d);
		if (g)
			show_globals(NULL, false, g, data);
		else
			printf("globals: none known (no program's BTF has %s; try --object)\n",
			       ".addr_space.1");
		if (st)
			show_heap(NULL, false, heap_name, st);
	}
	ret = 0;
out:
	free(data);
	bpf_arena__heap_stats_free(st);
	bpf_arena__globals_free(g);
	bpf_arena_reader__free(r);
	bpf_arena__desc_free(d);
	return ret;
}

static bool parse_num(const char *s, unsigned long long *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*end && !errno;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_args a = { .globals_offset = -1 };
	const char *cmd;
	int i;

	if (argc < 1) {
		inspect_usage(stderr);
		return 1;
	}
	cmd = argv[0];
	if (is_prefix(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		inspect_usage(stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		unsigned long long v;

		if (!strcmp(arg, "--json") || !strcmp(arg, "-j")) {
			a.json = true;
		} else if (!strcmp(arg, "--object") && i + 1 < argc) {
			a.object = argv[++i];
		} else if (!strcmp(arg, "--svg") && i + 1 < argc) {
			a.svg = argv[++i];
		} else if (!strcmp(arg, "--globals-offset") && i + 1 < argc) {
			if (!parse_num(argv[++i], &v) || v >= (1ULL << 32)) {
				fprintf(stderr, "Error: bad --globals-offset '%s'\n", argv[i]);
				return 1;
			}
			a.globals_offset = (long long)v;
		} else if (!strcmp(arg, "--offset") && i + 1 < argc) {
			if (!parse_num(argv[++i], &a.offset)) {
				fprintf(stderr, "Error: bad --offset '%s'\n", argv[i]);
				return 1;
			}
			a.have_offset = true;
		} else if (!strcmp(arg, "--length") && i + 1 < argc) {
			if (!parse_num(argv[++i], &a.length)) {
				fprintf(stderr, "Error: bad --length '%s'\n", argv[i]);
				return 1;
			}
			a.have_length = true;
		} else if (arg[0] != '-' && !a.target) {
			a.target = arg;
		} else {
			fprintf(stderr, "Error: unexpected argument '%s'\n", arg);
			inspect_usage(stderr);
			return 1;
		}
	}
	if (is_prefix(cmd, "list")) {
		if (a.target) {
			fprintf(stderr, "Error: list takes no ID\n");
			return 1;
		}
		return do_list(&a);
	}
	if (is_prefix(cmd, "show"))
		return do_show(&a);
	if (is_prefix(cmd, "dump"))
		return do_dump(&a);
	fprintf(stderr, "Error: unknown command '%s'\n", cmd);
	inspect_usage(stderr);
	return 1;
}

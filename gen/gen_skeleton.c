// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf-arena gen skeleton: a C header that opens, loads and attaches one BPF
 * object through libbpf_arena, a drop-in for bpftool's skeleton with
 * skel->arena added for the __arena globals.
 *
 * The C text comes from skeletons/skeleton.h.in; this file decides which
 * blocks to emit and with what, and types the sections' variables from BTF
 * with libbpf's btf_dump, as bpftool does. The whole header is built in
 * memory and written only when nothing failed. Nothing that differs between
 * runs or machines (paths, times, the page size) goes into it, so one object
 * always gives the same bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_obj.h"
#include "gen.h"
#include "strbuf.h"
#include "template.h"

#ifndef BPF_ARENA_TOOL_VERSION
#define BPF_ARENA_TOOL_VERSION "0.0.0"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct skel_gen {
	const struct gen_obj *obj;
	const char *name;
	char guard[300];
	struct strbuf out;
	struct btf_dump *dump;
	int err;
};

static void gen_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s gen skeleton FILE [name OBJECT_NAME]\n"
		"       %1$s gen help\n"
		"\n"
		"       gen skeleton writes to stdout a C header for the BPF object FILE,\n"
		"       the same as bpftool's (struct OBJECT_NAME with maps, progs, links,\n"
		"       data, rodata, bss and kconfig; OBJECT_NAME__open(), __load(),\n"
		"       __attach(), __destroy()...) plus skel->arena, the object's __arena\n"
		"       globals. It loads through libbpf_arena: link with -lbpf_arena -lbpf.\n"
		"       OBJECT_NAME defaults to FILE's name without \".o\".\n",
		bin_name);
}

/* Appends a block of skeleton.h.in; the first failure sticks. */
static void emit(struct skel_gen *g, const char *block, const struct tpl_var *vars, size_t nr)
{
	struct tpl_var all[16];
	size_t i;

	if (g->err)
		return;
	if (nr + 3 > ARRAY_SIZE(all)) {
		g->err = -E2BIG;
		return;
	}
	all[0] = (struct tpl_var){ "NAME", g->name };
	all[1] = (struct tpl_var){ "GUARD", g->guard };
	all[2] = (struct tpl_var){ "VERSION", BPF_ARENA_TOOL_VERSION };
	for (i = 0; i < nr; i++)
		all[3 + i] = vars[i];
	g->err = tpl_emit(&g->out, bpf_arena_tpl_skeleton_h, block, all, nr + 3);
}

#define EMIT(g, block, ...)                                                  \
	do {                                                                 \
		const struct tpl_var __vars[] = { { "", "" }, __VA_ARGS__ }; \
		emit(g, block, __vars + 1, ARRAY_SIZE(__vars) - 1);          \
	} while (0)

static void emit0(struct skel_gen *g, const char *block)
{
	emit(g, block, NULL, 0);
}

static void dump_printf(void *ctx, const char *fmt, va_list ap)
{
	strbuf_vprintf(ctx, fmt, ap);
}

static bool var_exposed(const struct gen_var *v)
{
	return !v->is_static;
}

/* One section's struct: each variable at its BTF offset, with a char array
 * wherever BTF leaves a hole (static variables, alignment), so that the
 * layout never depends on the host's alignment rules.
 */
static void emit_datasec(struct skel_gen *g, const char *ident, const struct gen_datasec *ds)
{
	__u64 off = 0;
	char n[16], size[24];
	int i, pads = 0;

	EMIT(g, "datasec_begin", { "IDENT", ident });
	for (i = 0; ds && i < ds->nr_vars && !g->err; i++) {
		const struct gen_var *v = &ds->vars[i];
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = v->name,
			    .indent_level = 2,
			    /* const volatile rodata is written before load; kconfig is not */
			    .strip_mods = strcmp(ds->name, ".kconfig") != 0);

		if (!var_exposed(v))
			continue;
		if (v->offset < off) {
			fprintf(stderr,
				"Error: %s: variables of %s overlap at '%s' (offset %llu)\n",
				g->obj->path, ds->name, v->name, (unsigned long long)v->offset);
			g->err = -EINVAL;
			return;
		}
		if (v->offset > off) {
			snprintf(n, sizeof(n), "%d", pads++);
			snprintf(size, sizeof(size), "%llu", (unsigned long long)(v->offset - off));
			EMIT(g, "datasec_pad", { "N", n }, { "SIZE", size });
		}
		strbuf_puts(&g->out, "\t\t");
		g->err = btf_dump__emit_type_decl(g->dump, v->type_id, &opts);
		strbuf_puts(&g->out, ";\n");
		off = v->offset + v->size;
	}
	EMIT(g, "datasec_end", { "IDENT", ident });
}

static void emit_struct(struct skel_gen *g)
{
	const struct gen_obj *obj = g->obj;
	int i;

	emit0(g, "struct_begin");
	if (obj->nr_maps) {
		emit0(g, "maps_begin");
		for (i = 0; i < obj->nr_maps; i++)
			EMIT(g, "map", { "IDENT", obj->maps[i].ident });
		emit0(g, "maps_end");
	}
	if (obj->nr_progs) {
		emit0(g, "progs_begin");
		for (i = 0; i < obj->nr_progs; i++)
			EMIT(g, "prog", { "IDENT", obj->progs[i].name });
		emit0(g, "progs_end");
		emit0(g, "links_begin");
		for (i = 0; i < obj->nr_progs; i++)
			EMIT(g, "link", { "IDENT", obj->progs[i].name });
		emit0(g, "links_end");
	}
	for (i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].internal)
			emit_datasec(g, obj->maps[i].ident, obj->maps[i].sec);
	if (obj->arena_sec)
		emit_datasec(g, "arena", obj->arena_sec);
	emit0(g, "struct_end");
}

static void emit_functions(struct skel_gen *g)
{
	const struct gen_obj *obj = g->obj;
	char idx[16];
	int i;

	emit0(g, "detach_destroy");
	if (obj->nr_progs) {
		snprintf(idx, sizeof(idx), "%d", obj->nr_progs);
		EMIT(g, "skel_progs_begin", { "COUNT", idx });
		for (i = 0; i < obj->nr_progs; i++) {
			snprintf(idx, sizeof(idx), "%d", i);
			EMIT(g, "skel_prog", { "I", idx }, { "PROGNAME", obj->progs[i].name },
			     { "IDENT", obj->progs[i].name });
		}
	}
	emit0(g, "skel_end");
	for (i = 0; i < obj->nr_maps; i++)
		EMIT(g, "find_map", { "IDENT", obj->maps[i].ident },
		     { "MAPNAME", obj->maps[i].name });
	for (i = 0; i < obj->nr_progs; i++)
		EMIT(g, "find_prog", { "IDENT", obj->progs[i].name },
		     { "PROGNAME", obj->progs[i].name });
	emit0(g, "find_end");
	for (i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].internal)
			EMIT(g, "image_datasec", { "IDENT", obj->maps[i].ident });
	if (obj->arena_sec)
		emit0(g, "image_arena");
	emit0(g, "images_end");
	for (i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].internal)
			EMIT(g, "load_datasec", { "IDENT", obj->maps[i].ident });
	if (obj->arena_sec)
		emit0(g, "load_arena");
	emit0(g, "load_end");
	if (obj->arena_map)
		emit0(g, "arena_base");
}

/* The object's bytes as one string literal, every byte escaped, in lines of
 * at most 78 columns.
 */
static void emit_elf_bytes(struct skel_gen *g)
{
	const unsigned char *p = (const unsigned char *)g->obj->elf_buf;
	size_t i, col = 0;
	char esc[8];
	int w;

	emit0(g, "elf_bytes_begin");
	for (i = 0; i < g->obj->elf_sz && !g->err; i++) {
		w = p[i] ? snprintf(esc, sizeof(esc), "\\x%02x", p[i])
			 : snprintf(esc, sizeof(esc), "\\0");
		if (col + w > 78) {
			strbuf_puts(&g->out, "\\\n");
			col = 0;
		}
		strbuf_putn(&g->out, esc, w);
		col += w;
	}
	emit0(g, "elf_bytes_end");
}

static void emit_asserts_for(struct skel_gen *g, const char *ident, const struct gen_datasec *ds)
{
	char size[24], offset[24];
	int i;

	for (i = 0; ds && i < ds->nr_vars; i++) {
		if (!var_exposed(&ds->vars[i]))
			continue;
		snprintf(size, sizeof(size), "%llu", (unsigned long long)ds->vars[i].size);
		snprintf(offset, sizeof(offset), "%llu", (unsigned long long)ds->vars[i].offset);
		EMIT(g, "assert_var", { "SEC", ident }, { "VAR", ds->vars[i].name },
		     { "SIZE", size }, { "OFFSET", offset });
	}
}

static void emit_asserts(struct skel_gen *g)
{
	int i;

	emit0(g, "assert_begin");
	for (i = 0; i < g->obj->nr_maps; i++)
		if (g->obj->maps[i].internal)
			emit_asserts_for(g, g->obj->maps[i].ident, g->obj->maps[i].sec);
	if (g->obj->arena_sec)
		emit_asserts_for(g, "arena", g->obj->arena_sec);
	emit0(g, "assert_end");
}

static int generate(struct skel_gen *g)
{
	size_t i;

	snprintf(g->guard, sizeof(g->guard), "__%s_SKEL_H__", g->name);
	for (i = 0; g->guard[i]; i++)
		if (g->guard[i] >= 'a' && g->guard[i] <= 'z')
			g->guard[i] -= 'a' - 'A';
	g->dump = btf_dump__new(g->obj->btf, dump_printf, &g->out, NULL);
	if (!g->dump) {
		fprintf(stderr, "Error: %s: cannot dump BTF: %s\n", g->obj->path, strerror(errno));
		return -errno;
	}
	emit0(g, "header");
	if (g->obj->arena_map)
		emit0(g, "initial_value");
	emit_struct(g);
	emit_functions(g);
	emit_elf_bytes(g);
	emit_asserts(g);
	emit0(g, "footer");
	btf_dump__free(g->dump);
	if (!g->err && g->out.failed)
		g->err = -ENOMEM;
	return g->err;
}

int gen_skeleton_build(const struct gen_obj *obj, const char *name, struct strbuf *out)
{
	struct skel_gen g = { .obj = obj, .name = name };
	int err = generate(&g);

	*out = g.out;
	return err;
}

static bool is_c_keyword(const char *s)
{
	static const char *const keywords[] = {
		"auto",	    "bool",	 "break",  "case",     "char",	 "const",     "continue",
		"default",  "do",	 "double", "else",     "enum",	 "extern",    "false",
		"float",    "for",	 "goto",   "if",       "inline", "int",	      "long",
		"register", "restrict",	 "return", "short",    "signed", "sizeof",    "static",
		"struct",   "switch",	 "true",   "typedef",  "union",	 "unsigned",  "void",
		"volatile", "while",	 "class",  "delete",   "new",	 "namespace", "operator",
		"private",  "protected", "public", "template", "this",	 "virtual",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strcmp(s, keywords[i]) == 0)
			return true;
	return false;
}

static bool is_c_ident(const char *s)
{
	const char *p;

	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return !is_c_keyword(s);
}

/* bpftool's default: the file's name without ".o", made an identifier. */
static void default_name(char *buf, size_t sz, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	snprintf(buf, sz, "%s", base ? base + 1 : path);
	n = strlen(buf);
	if (n > 2 && strcmp(buf + n - 2, ".o") == 0)
		buf[n - 2] = '\0';
	gen_sanitize_ident(buf);
}

static int do_skeleton(int argc, char **argv)
{
	struct skel_gen g = {};
	struct gen_obj obj;
	char name[256];
	const char *path;
	int err;

	if (argc < 1) {
		fprintf(stderr, "Error: gen skeleton: expected FILE\n");
		gen_usage(stderr);
		return 1;
	}
	path = argv[0];
	if (argc == 3 && strcmp(argv[1], "name") == 0) {
		if (strlen(argv[2]) >= sizeof(name)) {
			fprintf(stderr, "Error: name '%s' is too long\n", argv[2]);
			return 1;
		}
		snprintf(name, sizeof(name), "%s", argv[2]);
		if (!is_c_ident(name)) {
			fprintf(stderr,
				"Error: name '%s' is not a C identifier (letters, digits and '_', "
				"not starting with a digit, not a keyword)\n",
				name);
			return 1;
		}
	} else if (argc == 1) {
		default_name(name, sizeof(name), path);
		if (!is_c_ident(name)) {
			fprintf(stderr,
				"Error: '%s', made from the file's name, is not a C identifier: "
				"give one with 'name OBJECT_NAME'\n",
				name);
			return 1;
		}
	} else {
		fprintf(stderr, "Error: gen skeleton: unexpected arguments after FILE\n");
		gen_usage(stderr);
		return 1;
	}

	err = gen_obj_open(&obj, path);
	if (err)
		return 1;
	err = gen_skeleton_build(&obj, name, &g.out);
	if (!err && fwrite(g.out.buf, 1, g.out.len, stdout) != g.out.len)
		err = -EIO;
	if (!err && fflush(stdout))
		err = -errno;
	if (err == -ENOMEM)
		fprintf(stderr, "Error: out of memory\n");
	else if (err == -EIO)
		fprintf(stderr, "Error: writing the header failed\n");
	strbuf_free(&g.out);
	gen_obj_close(&obj);
	return err ? 1 : 0;
}

int cmd_gen(int argc, char **argv)
{
	if (argc < 1) {
		gen_usage(stderr);
		return 1;
	}
	if (is_prefix(argv[0], "help") || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0) {
		gen_usage(stdout);
		return 0;
	}
	if (is_prefix(argv[0], "skeleton"))
		return do_skeleton(argc - 1, argv + 1);
	fprintf(stderr, "Error: unknown command 'gen %s'\n", argv[0]);
	gen_usage(stderr);
	return 1;
}

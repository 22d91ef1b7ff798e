// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Runs the foreign corpus one way and prints, one line each, what happened:
 * whether each object loaded (or the verifier's reason for refusing it),
 * what each program returned, and every out_* word and what every ptr_*
 * points at in the arena afterwards. Addresses are never printed, so two
 * runs compare with diff (tests/foreign_compare.sh):
 *
 *   foreign_runner --via arena  OBJ.bpf.o...   libbpf_arena on this libbpf
 *   foreign_runner --via libbpf OBJ.bpf.o...   plain libbpf (1.4+ for arenas)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "foreign_run.h"
#include "progs/foreign.h"

static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN || getenv("FOREIGN_VERBOSE"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void print_outputs(struct foreign_obj *fo)
{
	struct btf *btf = bpf_object__btf(fo->obj);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	size_t k;
	int id;
	__u32 i;

	id = btf ? btf__find_by_name_kind(btf, ".addr_space.1", BTF_KIND_DATASEC) : -1;
	if (id < 0 || !fo->globals)
		return;
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const char *name =
			btf__name_by_offset(btf, btf__type_by_id(btf, vsi->type)->name_off);
		const __u64 *w = (const __u64 *)(fo->globals + vsi->offset);

		if (!strncmp(name, "out_", 4)) {
			printf("  %s =", name);
			for (k = 0; k < vsi->size / sizeof(__u64); k++)
				printf(" %llu", (unsigned long long)w[k]);
			printf("\n");
		} else if (!strncmp(name, "ptr_", 4)) {
			const char *p = (const char *)(unsigned long)w[0];

			if (!p)
				printf("  %s -> null\n", name);
			else if (p < fo->base || p + sizeof(__u64) > fo->base + fo->size)
				printf("  %s -> outside the arena\n", name);
			else
				printf("  %s -> %llu\n", name, *(const unsigned long long *)p);
		}
	}
}

static void run_object(const char *path, enum foreign_via via)
{
	const char *base = strrchr(path, '/');
	struct bpf_program *prog;
	struct foreign_obj fo;
	__u64 head;
	int err;

	printf("== %s\n", base ? base + 1 : path);
	err = foreign_open(&fo, path, via, NULL);
	if (err) {
		printf("open: failed: %s\n", strerror(-err));
		if (fo.obj)
			foreign_close(&fo);
		return;
	}
	err = foreign_load(&fo);
	if (err) {
		printf("load: refused: %s\n", fo.refused);
		foreign_close(&fo);
		return;
	}
	printf("load: ok\n");
	head = foreign_prepare_inputs(&fo);
	bpf_object__for_each_program(prog, fo.obj) {
		struct foreign_args args = { 0 };
		int ret;

		err = foreign_run_prog(&fo, prog, head, &ret, &args);
		if (err)
			printf("%s: run failed: %s\n", bpf_program__name(prog), strerror(-err));
		else
			printf("%s: ret=%d ctx.ret=%llu\n", bpf_program__name(prog), ret,
			       (unsigned long long)args.ret);
	}
	print_outputs(&fo);
	foreign_close(&fo);
}

int main(int argc, char **argv)
{
	enum foreign_via via;
	int i;

	if (argc < 4 || strcmp(argv[1], "--via") ||
	    (strcmp(argv[2], "arena") && strcmp(argv[2], "libbpf"))) {
		fprintf(stderr, "usage: %s --via arena|libbpf OBJ.bpf.o...\n", argv[0]);
		return 2;
	}
	via = strcmp(argv[2], "arena") ? FOREIGN_VIA_LIBBPF : FOREIGN_VIA_ARENA;
	libbpf_set_print(print_warnings);
	fprintf(stderr, "foreign_runner: via %s, libbpf %s\n", argv[2], libbpf_version_string());
	foreign_prepare_tracefs();
	for (i = 3; i < argc; i++)
		run_object(argv[i], via);
	return 0;
}

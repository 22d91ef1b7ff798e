// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The demo: load linked_list.bpf.o through libbpf_arena on the installed
 * libbpf, let BPF build a list in the arena, then walk it here with plain
 * pointers, add a node of our own, and let BPF sum the list again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#ifndef LINKED_LIST_OBJ
#define LINKED_LIST_OBJ "linked_list.bpf.o"
#endif

/* The BPF side's types, as user space sees them. */
struct elem {
	struct elem *next;
	unsigned long long value;
};

static int run(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (!prog || bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	return (int)opts.retval;
}

/* Warnings only: libbpf 1.1 also tells at INFO level that it skips the
 * .addr_space.1 section, which is ours to handle.
 */
static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : LINKED_LIST_OBJ;
	struct bpf_object *obj;
	struct bpf_arena *arena;
	struct elem **head, *e, mine = { .value = 1000000 };
	unsigned long long *count, *total;
	unsigned long long sum = 0, n = 0;
	int err;

	libbpf_set_print(print_warnings);
	obj = bpf_arena__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", path, strerror(errno));
		return 1;
	}
	err = bpf_arena__load(obj);
	if (err) {
		fprintf(stderr, "load: %s\n", strerror(-err));
		goto out;
	}
	arena = bpf_arena__from_object(obj);
	/* the __arena globals, found by name */
	head = bpf_arena__find_global(arena, "head", NULL);
	count = bpf_arena__find_global(arena, "count", NULL);
	total = bpf_arena__find_global(arena, "total", NULL);
	if (!head || !count || !total) {
		fprintf(stderr, "the object lacks its globals\n");
		err = -ENOENT;
		goto out;
	}
	printf("libbpf %s, libbpf_arena %s\n", libbpf_version_string(), bpf_arena__version_str());
	printf("arena: %zu KiB at %p, globals at %p (offset %zu)\n", bpf_arena__size(arena) / 1024,
	       bpf_arena__base(arena), bpf_arena__globals(arena, NULL),
	       bpf_arena__globals_offset(arena));

	if ((err = run(obj, "build_list")) || (err = run(obj, "build_list"))) {
		fprintf(stderr, "build_list: %d\n", err);
		goto out;
	}
	printf("BPF built %llu nodes; head %p\n", *count, (void *)*head);
	for (e = *head; e; e = e->next) {
		if (n < 3 || !e->next)
			printf("  node %p value %llu next %p\n", (void *)e, e->value,
			       (void *)e->next);
		else if (n == 3)
			printf("  ...\n");
		sum += e->value;
		n++;
	}
	printf("user space walked %llu nodes, sum %llu\n", n, sum);

	/* A node of ours in the arena's page just below the globals, pushed
	 * on the list: BPF follows our pointer like its own.
	 */
	e = (struct elem *)bpf_arena__globals(arena, NULL) - 1;
	*e = mine;
	e->next = *head;
	*head = e;
	err = run(obj, "sum_list");
	if (err) {
		fprintf(stderr, "sum_list: %d\n", err);
		goto out;
	}
	printf("BPF summed the list after our push: %llu (expected %llu) %s\n", *total,
	       sum + mine.value, *total == sum + mine.value ? "OK" : "MISMATCH");
	err = *total == sum + mine.value ? 0 : 1;
out:
	bpf_arena__close(obj);
	return err ? 1 : 0;
}

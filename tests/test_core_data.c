// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Global data after load, without a skeleton: bpf_arena__map_initial_value()
 * (and libbpf's bpf_map__initial_value()) on .bss, .data and .rodata is the
 * live map after bpf_arena__load(), on libbpf 1.1 as on 1.5+. Part of
 * test_core, so tests/newer_libbpf.sh runs it on libbpf 1.5 too.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "test_helpers.h"

static struct bpf_map *map_named(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	const char *name;

	bpf_object__for_each_map(m, obj) {
		name = bpf_map__name(m);
		if (strlen(name) >= strlen(suffix) &&
		    !strcmp(name + strlen(name) - strlen(suffix), suffix))
			return m;
	}
	cr_assert_fail("no map named *%s", suffix);
	return NULL;
}

static __u64 *value_of(struct bpf_object *obj, const char *suffix)
{
	size_t sz = 0;
	__u64 *p = bpf_arena__map_initial_value(map_named(obj, suffix), &sz);

	cr_assert(p, "%s: no initial value", suffix);
	cr_assert_geq(sz, sizeof(*p));
	return p;
}

/* The permissions of the mapping holding @addr ("rw-s"), from /proc/self/maps. */
static void mapping_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, a = (unsigned long)addr;
	char line[512];

	cr_assert(f);
	perms[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo && a < hi)
			break;
		else
			perms[0] = '\0';
	fclose(f);
	cr_assert(perms[0], "no mapping holds %p", addr);
}

Test(core_data, bss_data_rodata_are_live_after_load_without_a_skeleton)
{
	struct bpf_object *obj;
	__u64 *bss, *data, *ro, *arena_copy;
	char perms[5];

	test_require_arena_kernel();
	obj = bpf_arena__open_file(test_prog_path("core_data"), NULL);
	cr_assert(obj);
	*value_of(obj, ".rodata") = 9; /* before load: what BPF will see */
	cr_assert_eq(bpf_arena__load(obj), 0);

	bss = value_of(obj, ".bss");
	data = value_of(obj, ".data");
	ro = value_of(obj, ".rodata");
	cr_assert_eq(*data, 5);
	cr_assert_eq(*ro, 9);

	/* BPF's writes are seen through the same pointers */
	cr_assert_eq(test_run_prog(obj, "bpf_writes"), 0);
	cr_assert_eq(*bss, 0x1111, "stale .bss: 0x%llx", (unsigned long long)*bss);
	cr_assert_eq(*data, 0x105, "stale .data: 0x%llx", (unsigned long long)*data);
	arena_copy = bpf_arena__find_global(bpf_arena__from_object(obj), "arena_copy", NULL);
	cr_assert(arena_copy);
	cr_assert_eq(*arena_copy, 9);

	/* and user space's writes by BPF */
	*bss = 0x2222;
	*data = 0x3333;
	cr_assert_eq(test_run_prog(obj, "bpf_reads"), 0, "BPF didn't see user space's writes");

	/* the frozen .rodata is mapped read-only, the others shared read-write */
	mapping_perms(ro, perms);
	cr_assert_str_eq(perms, "r--s");
	mapping_perms(bss, perms);
	cr_assert_str_eq(perms, "rw-s");

	/* What a skeleton does after load (bpf_object__load_skeleton() of 1.1,
	 * ours): map the fd at the same place again. Nothing changes.
	 */
	cr_assert_eq(mmap(bss, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED, bpf_map__fd(map_named(obj, ".bss")), 0),
		     (void *)bss);
	cr_assert_eq(*bss, 0x2222);
	cr_assert_eq(test_run_prog(obj, "bpf_writes"), 0);
	cr_assert_eq(*bss, 0x1111);
	bpf_arena__close(obj);
}

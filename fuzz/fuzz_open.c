// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz the open path: bpf_arena__open_mem() on a mutated object, every
 * accessor that reads what open learnt, and close. Needs no privileges and
 * touches no kernel state, so it runs fast (the ELF rewrite, the BTF scan of
 * map definitions, libbpf's own parser behind them).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_libbpf();
	return 0;
}

static void touch(const void *p, size_t sz)
{
	volatile unsigned char sum = 0;
	const unsigned char *b = p;
	size_t i;

	for (i = 0; p && i < sz; i++)
		sum += b[i];
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_object *obj = bpf_arena__open_mem(data, size, NULL);
	struct bpf_program *prog;
	struct bpf_arena *arena;
	struct bpf_map *map;
	size_t sz = 0;
	void *p;

	if (!obj)
		return 0;
	bpf_object__for_each_program(prog, obj) {
		touch(bpf_program__name(prog), 1);
		touch(bpf_program__insns(prog),
		      bpf_program__insn_cnt(prog) * sizeof(struct bpf_insn));
	}
	bpf_object__for_each_map(map, obj) {
		p = bpf_arena__map_initial_value(map, &sz);
		touch(p, sz);
	}
	arena = bpf_arena__from_object(obj);
	if (arena) {
		touch(bpf_arena__map(arena), 1);
		(void)bpf_arena__size(arena);
		(void)bpf_arena__page_cnt(arena);
		(void)bpf_arena__globals_offset(arena);
		(void)bpf_arena__base(arena);
		p = bpf_arena__globals(arena, &sz);
		touch(p, sz);
		/* names the project's test objects use, and a few that aren't */
		static const char *const names[] = { "init_int", "zero_buf", "static_int",
						     "counter",	 "",	     "x" };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			p = bpf_arena__find_global(arena, names[i], &sz);
			touch(p, sz);
		}
	}
	bpf_arena__close(obj);
	return 0;
}

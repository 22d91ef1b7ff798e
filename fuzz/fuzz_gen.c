// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz the skeleton generator: its ELF/BTF reader (gen/bpf_obj.c, with the
 * library's validator behind it) and the whole skeleton, built in memory,
 * on a mutated object. Needs no privileges.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bpf_obj.h"
#include "fuzz_common.h"
#include "gen.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_libbpf();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = {};
	struct gen_obj obj;

	if (gen_obj_open_mem(&obj, "fuzz.bpf.o", data, size))
		return 0;
	gen_skeleton_build(&obj, "fuzz", &out);
	strbuf_free(&out);
	gen_obj_close(&obj);
	return 0;
}

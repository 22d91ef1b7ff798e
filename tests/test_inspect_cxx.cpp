// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* <bpf_arena/bpf_arena_inspect.h> compiles as C++ and works from it. */
#include <criterion/criterion.h>
#include <cerrno>
#include <bpf_arena/bpf_arena_inspect.h>

Test(inspect_cxx, header_is_usable_from_cxx)
{
	struct bpf_arena_describe_opts opts = {};
	struct bpf_arena_desc *d;
	__u32 id = 0;
	int err;

	opts.sz = sizeof(opts);
	opts.no_holders = true;
	err = bpf_arena__next_id(0, &id);
	cr_assert(err == 0 || err == -ENOENT || err == -EPERM, "next_id: %d", err);
	/* map ids start at 1: 0 is never a map */
	d = bpf_arena__describe(0, &opts);
	cr_assert_null(d);
	cr_assert(errno == ENOENT || errno == EPERM, "errno %d", errno);
	bpf_arena__desc_free(NULL);
	bpf_arena_reader__free(NULL);
	bpf_arena__heap_stats_free(NULL);
}

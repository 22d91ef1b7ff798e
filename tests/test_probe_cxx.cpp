// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* <bpf_arena/bpf_arena_probe.h> compiles as C++ and works from it. */
#include <criterion/criterion.h>
#include <cstring>
#include <bpf_arena/bpf_arena_probe.h>

Test(probe_cxx, header_is_usable_from_cxx)
{
	struct bpf_arena_probe_opts opts = {};
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];

	opts.sz = sizeof(opts);
	cr_assert_eq(bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, &opts), __BPF_ARENA_CAP_CNT);
	cr_assert_eq(std::strcmp(bpf_arena__probe_cap_str(BPF_ARENA_CAP_MAP_TYPE), "map_type"), 0);
	cr_assert_eq(r[BPF_ARENA_CAP_MAP_TYPE].cap, BPF_ARENA_CAP_MAP_TYPE);
}

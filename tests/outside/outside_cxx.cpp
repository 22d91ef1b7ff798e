// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The outside project in C++: the skeleton through its C++ members, options
 * filled with BPF_ARENA_OPTS(), built at -Wall -Wextra -Werror by whichever
 * C++ compiler the build uses. Exit 0 and "outside_cxx: ok" on success.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "outside.skel.h"

int main()
{
	BPF_ARENA_OPTS(bpf_arena_probe_opts, popts, .no_cache = false);
	BPF_ARENA_OPTS(bpf_object_open_opts, oopts, .object_name = "outside_cxx");
	BPF_ARENA_OPTS(bpf_test_run_opts, ropts); /* SEC("syscall"): no repeat, no data */

	if (bpf_arena__probe_usable(&popts) != 1) {
		std::fprintf(stderr,
			     "outside_cxx: BPF arenas are not usable here (bpf-arena probe)\n");
		return 1;
	}
	struct outside *skel = outside::open(&oopts);
	if (!skel) {
		std::fprintf(stderr, "outside_cxx: open failed: %s\n", std::strerror(errno));
		return 1;
	}
	skel->arena->counter = 1000;
	int err = outside::load(skel);
	if (err) {
		std::fprintf(stderr, "outside_cxx: load failed: %s\n", std::strerror(-err));
		outside::destroy(skel);
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.bump), &ropts);
	bool ok = !err && skel->arena->counter == 1002 &&
		  skel->arena->counter_ptr == &skel->arena->counter &&
		  std::strcmp(bpf_object__name(skel->obj), "outside_cxx") == 0;
	std::printf("outside_cxx: counter %ld, %s\n", skel->arena->counter, ok ? "ok" : "FAILED");
	outside::destroy(skel);
	return ok ? 0 : 1;
}

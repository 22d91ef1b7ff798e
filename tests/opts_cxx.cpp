// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* BPF_ARENA_OPTS() from C++: every options struct of the API filled the way
 * the README shows, compiled by g++ and clang++ at -Wall -Wextra -Werror
 * (test_opts_cxx.sh), then used for real: the options must reach the
 * library. Usage: opts_cxx OBJ.bpf.o (an object with __arena globals).
 * Exit 0 and "opts_cxx: ok" on success; 77 when not root.
 */
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <bpf_arena/bpf_arena.h>
#include <bpf_arena/bpf_arena_probe.h>

static int fail(const char *what)
{
	std::fprintf(stderr, "opts_cxx: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return fail("usage: opts_cxx OBJ.bpf.o");

	/* Fields in any order, none, or all of them. */
	BPF_ARENA_OPTS(bpf_object_open_opts, oopts, .object_name = "opts_cxx");
	BPF_ARENA_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = false,
		       .globals_layout = BPF_ARENA_GLOBALS_AT_ZERO, .object_opts = &oopts);
	BPF_ARENA_OPTS(bpf_arena_probe_opts, popts, .no_cache = true);
	BPF_ARENA_OPTS(bpf_arena_probe_opts, defaults);

	if (opts.sz != sizeof(opts) || popts.sz != sizeof(popts) || !popts.no_cache ||
	    defaults.sz != sizeof(defaults) || defaults.no_cache)
		return fail("BPF_ARENA_OPTS() filled the structs wrongly");

	if (geteuid() != 0) {
		std::printf("opts_cxx: skipped, needs root to load BPF\n");
		return 77;
	}
	int usable = bpf_arena__probe_usable(&popts);
	if (usable != 1)
		return fail("bpf_arena__probe_usable() says arenas are not usable here");

	struct bpf_object *obj = bpf_arena__open_file(argv[1], &opts);
	if (!obj)
		return fail(std::strerror(errno));
	int ret = 0;
	/* .object_opts reached libbpf, .globals_layout reached the library */
	if (std::strcmp(bpf_object__name(obj), "opts_cxx") != 0)
		ret = fail("object_opts.object_name was not used");
	else if (bpf_arena__load(obj))
		ret = fail("load failed");
	else if (bpf_arena__globals_offset(bpf_arena__from_object(obj)) != 0)
		ret = fail("globals_layout BPF_ARENA_GLOBALS_AT_ZERO was not used");
	bpf_arena__close(obj);
	if (!ret)
		std::printf("opts_cxx: ok\n");
	return ret;
}

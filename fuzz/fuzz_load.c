// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Fuzz the load path: open, bpf_arena__load() (arena created, mapped,
 * populated, programs bound and handed to the verifier) and close, on a
 * mutated object. After close the process must hold exactly the fds and the
 * BPF mappings and address reservations it held before open: anything else
 * is a leak, reported as a crash. Needs root and a kernel with arenas.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet_libbpf();
	if (geteuid() != 0) {
		fprintf(stderr, "fuzz_load: needs root (it loads BPF programs)\n");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds = fuzz_count_fds(), maps = fuzz_count_our_mappings();
	struct bpf_object *obj = bpf_arena__open_mem(data, size, NULL);
	int fds_after, maps_after;

	if (obj) {
		bpf_arena__load(obj);
		bpf_arena__close(obj);
	}
	fds_after = fuzz_count_fds();
	maps_after = fuzz_count_our_mappings();
	if (fds_after != fds || maps_after != maps) {
		fprintf(stderr,
			"fuzz_load: leak: fds %d -> %d, BPF mappings/reservations %d -> %d\n", fds,
			fds_after, maps, maps_after);
		abort();
	}
	return 0;
}

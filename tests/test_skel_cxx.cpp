// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The skeleton compiled as C++ and used through its C++ members
 * (skel_globals::open() ...), as bpftool's skeletons allow.
 */
#include <bpf/bpf.h>

#include "skel_globals.h"
#include "skel_globals.skel.h"

extern "C" long long skel_cxx_sum(void);

/* Sets the same initial values as the C test and returns what BPF summed,
 * or -1 on any failure.
 */
long long skel_cxx_sum(void)
{
	struct skel_globals *skel = skel_globals::open();
	long long sum = -1;

	if (!skel)
		return -1;
	skel->arena->a_int = 1000;
	skel->arena->a_char = 'y';
	skel->arena->a_array[0] = 10;
	skel->arena->a_pair.a = 30;
	skel->arena->a_color = SKEL_BLUE;
	skel->data->data_int = 70;
	skel->rodata->rodata_int = 110;
	if (skel_globals::load(skel) == 0) {
		LIBBPF_OPTS(bpf_test_run_opts, opts);

		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.sum_globals), &opts) == 0)
			sum = skel->arena->a_out;
	}
	skel_globals::destroy(skel);
	return sum;
}

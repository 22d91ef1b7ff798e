// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The outside project's program: loads its skeleton, runs BPF once, checks
 * the arena from user space. Exit 0 and "outside: ok" on success.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "outside.skel.h"

int main(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct outside *skel;
	int err, ok;

	skel = outside__open();
	if (!skel) {
		fprintf(stderr, "outside: open failed: %s\n", strerror(errno));
		return 1;
	}
	skel->arena->counter = 100;
	err = outside__load(skel);
	if (err) {
		fprintf(stderr, "outside: load failed: %s\n", strerror(-err));
		outside__destroy(skel);
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.bump), &opts);
	ok = !err && skel->arena->counter == 102 &&
	     skel->arena->counter_ptr == &skel->arena->counter;
	printf("outside: counter %ld, %s\n", skel->arena->counter, ok ? "ok" : "FAILED");
	outside__destroy(skel);
	return ok ? 0 : 1;
}

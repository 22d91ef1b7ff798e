// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * User code as it is written for upstream skeletons (bpftool 7.4+, libbpf
 * 1.4+), in the idiom of the kernel selftests' arena tests: skel->arena,
 * skel->maps.arena, skel->bss/data/rodata and bpf_map__initial_value() on
 * the arena map. It includes nothing of libbpf-arena but the generated
 * skeleton; this file must compile and pass unchanged against it on
 * Debian's libbpf 1.1. Returns 0, or the line of the first check that
 * failed (with a message in @why).
 */
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "skel_upstream.h"
#include "skel_upstream.skel.h"

#define CHECK(cond, ...)                                    \
	do {                                                \
		if (!(cond)) {                              \
			snprintf(why, why_sz, __VA_ARGS__); \
			ret = __LINE__;                     \
			goto out;                           \
		}                                           \
	} while (0)

int skel_upstream_run(char *why, size_t why_sz)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct skel_upstream *skel;
	struct elem *n;
	size_t arena_sz;
	char *area;
	int ret = 0, err, sum = 0, cnt = 0;

	skel = skel_upstream__open();
	if (!skel) {
		snprintf(why, why_sz, "skel_upstream__open failed");
		return __LINE__;
	}
	skel->rodata->nr_elems = 7;
	skel->arena->test_val = 10;

	err = skel_upstream__load(skel);
	CHECK(!err, "skel_upstream__load: %d", err);

	area = bpf_map__initial_value(skel->maps.arena, &arena_sz);
	CHECK(area, "bpf_map__initial_value(arena) returned NULL");
	CHECK(arena_sz == 10 * 4096, "arena size %zu", arena_sz);
	CHECK((char *)skel->arena >= area && (char *)skel->arena < area + arena_sz,
	      "skel->arena %p outside the arena %p", (void *)skel->arena, (void *)area);

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.arena_list_add), &opts);
	CHECK(!err && !opts.retval, "arena_list_add: err %d retval %d", err, opts.retval);
	CHECK(skel->arena->elem_count == 7, "elem_count %ld", skel->arena->elem_count);

	for (n = skel->bss->list_head; n && cnt < 100; n = n->next, cnt++) {
		CHECK((char *)n >= area && (char *)n < area + arena_sz,
		      "element %p outside the arena", (void *)n);
		sum += n->value;
	}
	CHECK(cnt == 7, "walked %d elements", cnt);
	CHECK(sum == 7 * 10 + 21, "user space summed %d", sum);

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.arena_list_sum), &opts);
	CHECK(!err && !opts.retval, "arena_list_sum: err %d retval %d", err, opts.retval);
	CHECK(skel->bss->list_sum == sum, "BPF summed %d, user space %d", skel->bss->list_sum, sum);
	CHECK(skel->arena->arena_sum == sum, "arena_sum %d", skel->arena->arena_sum);
	CHECK(skel->data->runs == 2, "runs %d", skel->data->runs);
out:
	skel_upstream__destroy(skel);
	return ret;
}

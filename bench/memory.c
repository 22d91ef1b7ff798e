// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Section 3: what a 4 GiB arena holding 1 MiB costs. The arena reserves
 * 4 GiB of address space in the process (and in the kernel), but only the
 * pages BPF allocates are memory: counted here by what BPF allocated (the
 * globals' pages plus the 256 data pages), by the Rss of the arena's
 * mapping in /proc/self/smaps, and by the process's VmRSS. The last two
 * grow only when user space touches the pages (the kernel maps a BPF page
 * into the process on its first fault), which is why they are taken
 * before and after the user-space read.
 */
#include <errno.h>
#include <stdio.h>
#include <bpf_arena/bpf_arena.h>
#include "bench.h"
#include "bench_user.h"

#define MEM_ROW "4 GiB arena, 1 MiB data"

static void stage(const char *name, long rss0, const void *base, double pages)
{
	long size_kib, rss_kib;

	bench_record_value("memory", name, 0, "process VmRSS growth", "KiB",
			   (double)(bench_vm_rss_kib() - rss0));
	if (!bench_vma_kib(base, &size_kib, &rss_kib)) {
		bench_record_value("memory", name, 0, "arena VMA Rss", "KiB", (double)rss_kib);
		bench_record_value("memory", name, 0, "arena VMA size", "KiB", (double)size_kib);
	}
	bench_record_value("memory", name, 0, "arena pages allocated", "pages", pages);
}

int bench_memory_run(const struct bench_config *cfg)
{
	long rss0 = bench_vm_rss_kib();
	struct bench_obj b;
	size_t globals_size = 0;
	double globals_pages;
	__u64 *data, sum = 0, expect = 0, i;
	int err;

	err = bench_obj_open(&b, cfg->bench_obj, 1);
	if (err)
		return err;
	bpf_arena__globals(bpf_arena__from_object(b.obj), &globals_size);
	globals_pages = (double)((globals_size + PAGE_SIZE - 1) / PAGE_SIZE);
	stage("after load", rss0, b.arena_base, globals_pages);

	err = bench_obj_run(&b, "mem_fill", 0, 0, NULL);
	if (err)
		goto out;
	stage("after BPF wrote 1 MiB", rss0, b.arena_base, globals_pages + BENCH_MEM_PAGES);

	data = (__u64 *)b.g->mem;
	for (i = 0; i < BENCH_MEM_PAGES * PAGE_SIZE / 8; i++) {
		sum += data[i];
		expect += bench_key(i);
	}
	if (sum != expect) {
		fprintf(stderr, "bench: user space read back other data than BPF wrote\n");
		err = -EIO;
		goto out;
	}
	stage("after user read it", rss0, b.arena_base, globals_pages + BENCH_MEM_PAGES);
out:
	bench_obj_close(&b);
	return err;
}

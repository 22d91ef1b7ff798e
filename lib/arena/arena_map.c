// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The arena map itself: create it, map it at its user address without ever
 * replacing a mapping that isn't ours, and make the globals' pages present.
 *
 * The kernel fixes an arena's user address once (map_extra, or the first
 * mmap), and BPF stores pointers in that address's form, so the mapping has
 * to be exactly there. libbpf uses MAP_FIXED, which silently replaces
 * whatever lived at the address; we use MAP_FIXED_NOREPLACE and report a
 * clash with what /proc/self/maps says is there. The one MAP_FIXED we do is
 * over our own PROT_NONE reservation, taken at open when map_extra is 0 so
 * that the address the globals were placed for stays free until load.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "internal.h"
#include "probe.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define SZ_4G (1ULL << 32)

int arena_reserve_range(size_t size, struct arena_mapping *m, const char *map_name)
{
	unsigned long start, end, lo;
	void *p;

	/* Usually the kernel's first pick doesn't cross 4 GiB: one call. */
	p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED) {
		lo = (unsigned long)p;
		if ((lo >> 32) == ((lo + size - 1) >> 32)) {
			m->reserved = p;
			m->reserved_sz = size;
			return 0;
		}
		munmap(p, size);
	}
	/* Twice the size always holds a range that doesn't cross 4 GiB. */
	p = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		pr_warn("arena '%s': can't reserve %zu bytes of address space: %s\n", map_name,
			2 * size, strerror(-err));
		return err;
	}
	lo = (unsigned long)p;
	start = lo;
	if ((start >> 32) != ((start + size - 1) >> 32))
		start = (start + SZ_4G) & ~(SZ_4G - 1);
	end = start + size;
	if (start > lo)
		munmap(p, start - lo);
	if (lo + 2 * size > end)
		munmap((void *)end, lo + 2 * size - end);
	m->reserved = (void *)start;
	m->reserved_sz = size;
	return 0;
}

static void explain_create_failure(const struct arena_map_def *def, const char *map_name, int err)
{
	char why[512];

	if (err == -EPERM) {
		pr_warn("arena '%s': creating it failed: %s: arenas need CAP_BPF (and programs "
			"using them CAP_PERFMON): run as root or grant those capabilities\n",
			map_name, strerror(-err));
		return;
	}
	if (arena_probe_explain(why, sizeof(why)) > 0) {
		pr_warn("arena '%s': creating it failed (%s): %s\n", map_name, strerror(-err), why);
		return;
	}
	pr_warn("arena '%s': creating it failed: %s (%u pages, map_flags 0x%x, map_extra "
		"0x%llx); BPF arenas need Linux 6.9+ with a JIT that supports them\n",
		map_name, strerror(-err), def->max_entries, def->map_flags,
		(unsigned long long)def->map_extra);
}

int arena_create_map(const struct arena_map_def *def, const char *map_name)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = def->map_flags,
		    .map_extra = def->map_extra);
	int fd;

	if (def->has_numa_node && def->numa_node >= 0) {
		opts.map_flags |= BPF_F_NUMA_NODE;
		opts.numa_node = (__u32)def->numa_node;
	}
	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, map_name, 0, 0, def->max_entries, &opts);
	if (fd < 0) {
		int err = -errno;

		explain_create_failure(def, map_name, err);
		return err;
	}
	return fd;
}

/* What /proc/self/maps says lives in [addr, addr + len), for messages. */
static void describe_range(unsigned long addr, size_t len, char *buf, size_t buf_sz)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	snprintf(buf, buf_sz, "a mapping /proc/self/maps doesn't show");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2 || hi <= addr || lo >= addr + len)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, buf_sz, "%s", line);
		break;
	}
	fclose(f);
}

int arena_mmap(struct arena_mapping *m, __u64 addr, const char *map_name)
{
	const int prot = m->read_only ? PROT_READ : PROT_READ | PROT_WRITE;
	void *want = (void *)(unsigned long)addr, *p;
	char what[512];
	int err;

	if (m->reserved && want == m->reserved && m->reserved_sz == m->size)
		p = mmap(want, m->size, prot, MAP_SHARED | MAP_FIXED, m->fd, 0);
	else if (addr)
		p = mmap(want, m->size, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, m->fd, 0);
	else
		p = mmap(NULL, m->size, prot, MAP_SHARED, m->fd, 0);

	if (p == MAP_FAILED) {
		err = -errno;
		if (err == -EEXIST) {
			describe_range(addr, m->size, what, sizeof(what));
			pr_warn("arena '%s': can't map %zu bytes at 0x%llx: the range is in use "
				"by [%s]; pick another map_extra, or 0 to let the kernel choose\n",
				map_name, m->size, (unsigned long long)addr, what);
		} else {
			pr_warn("arena '%s': mmap of %zu bytes at 0x%llx failed: %s\n", map_name,
				m->size, (unsigned long long)addr, strerror(-err));
		}
		return err;
	}
	if (addr && p != want) {
		/* A kernel older than 4.17 ignores MAP_FIXED_NOREPLACE. */
		munmap(p, m->size);
		pr_warn("arena '%s': the kernel placed it at %p instead of 0x%llx\n", map_name, p,
			(unsigned long long)addr);
		return -EEXIST;
	}
	if (p == m->reserved) {
		m->reserved = NULL; /* the arena took its place */
		m->reserved_sz = 0;
	}
	m->addr = p;
	return 0;
}

/*
 * With BPF_F_SEGV_ON_FAULT a user-space touch of an absent page raises
 * SIGSEGV instead of allocating it, so the globals' pages are allocated by
 * BPF: a sleepable SEC("syscall") program calling
 * bpf_arena_alloc_pages(arena, addr, cnt, NUMA_NO_NODE, 0), run once.
 */
static int populate_with_bpf(struct arena_mapping *m, __u64 addr, __u32 page_cnt,
			     const char *map_name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct bpf_insn insns[] = {
		/* r1 = arena map (ld_imm64, BPF_PSEUDO_MAP_FD) */
		{ .code = BPF_LD | BPF_IMM | BPF_DW,
		  .dst_reg = 1,
		  .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = m->fd },
		{ 0 },
		/* r2 = addr */
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2, .imm = (__u32)addr },
		{ .imm = (__u32)(addr >> 32) },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 3, .imm = (__s32)page_cnt },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 4, .imm = -1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 5, .imm = 0 },
		/* call bpf_arena_alloc_pages, imm set below */
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL },
		/* return r0 != NULL */
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = 0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, load_opts, .prog_flags = BPF_F_SLEEPABLE);
	LIBBPF_OPTS(bpf_test_run_opts, run_opts);
	int id, prog_fd, err;

	if (!vmlinux) {
		err = -errno;
		pr_warn("arena '%s': BPF_F_SEGV_ON_FAULT needs the kernel's BTF to allocate the "
			"globals' pages: %s\n",
			map_name, strerror(-err));
		return err;
	}
	id = btf__find_by_name_kind(vmlinux, "bpf_arena_alloc_pages", BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0) {
		pr_warn("arena '%s': the kernel has no bpf_arena_alloc_pages kfunc\n", map_name);
		return -EOPNOTSUPP;
	}
	insns[7].imm = id;

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "arena_populate", "GPL", insns,
				sizeof(insns) / sizeof(insns[0]), &load_opts);
	if (prog_fd < 0) {
		err = -errno;
		pr_warn("arena '%s': loading the program that allocates the globals' pages "
			"failed: %s\n",
			map_name, strerror(-err));
		return err;
	}
	err = bpf_prog_test_run_opts(prog_fd, &run_opts);
	if (err)
		err = -errno;
	else if (run_opts.retval != 1)
		err = -ENOMEM;
	close(prog_fd);
	if (err)
		pr_warn("arena '%s': allocating %u pages for the globals failed: %s\n", map_name,
			page_cnt, strerror(-err));
	return err;
}

int arena_populate(struct arena_mapping *m, size_t off, size_t len, bool segv_on_fault,
		   const char *map_name)
{
	size_t page = arena_page_size();
	size_t first = off / page * page, last = (off + len + page - 1) / page * page, p;

	if (!len)
		return 0;
	if (segv_on_fault)
		return populate_with_bpf(m, (unsigned long)m->addr + first,
					 (__u32)((last - first) / page), map_name);

	/* A user-space touch makes the kernel allocate the page (zeroed). A
	 * store to an absent page from BPF would be silently dropped instead.
	 */
	for (p = first; p < last; p += page)
		((volatile char *)m->addr)[p] = 0;
	return 0;
}

void arena_mapping_release(struct arena_mapping *m)
{
	if (m->addr)
		munmap(m->addr, m->size);
	if (m->reserved)
		munmap(m->reserved, m->reserved_sz);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->reserved = NULL;
	m->fd = -1;
}

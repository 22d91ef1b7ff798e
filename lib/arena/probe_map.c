// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes of the arena map itself: the map type (creating and
 * mapping the probe arena every other probe uses) and the flags that change
 * how it behaves, BPF_F_SEGV_ON_FAULT and BPF_F_NO_USER_CONV, each tried on
 * a one-page arena of its own.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "probe_internal.h"

static int create_arena(__u32 pages, __u32 extra_flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_ARENA_F_MMAPABLE | extra_flags);
	int fd = bpf_map_create(BPF_ARENA_MAP_TYPE, NULL, 0, 0, pages, &opts);

	return fd < 0 ? -errno : fd;
}

static void *map_arena(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

int arena_probe_map_type(struct probe_ctx *c)
{
	int fd = create_arena(PROBE_ARENA_PAGES, 0);
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_MAP_TYPE;

	if (fd < 0) {
		switch (fd) {
		case -EINVAL:
			arena_probe_set_res(
				c, cap, BPF_ARENA_PROBE_MISSING, fd,
				"map_create(type 33): %s: the kernel doesn't know the type",
				strerror(-fd));
			break;
		case -EOPNOTSUPP:
			arena_probe_set_res(
				c, cap, BPF_ARENA_PROBE_MISSING, fd,
				"map_create(type 33): %s: this architecture's JIT has no arena "
				"support, or the JIT is off",
				strerror(-fd));
			break;
		case -EPERM:
			arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd,
					    "map_create: %s (needs CAP_BPF)", strerror(-fd));
			break;
		default:
			arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, fd, "map_create: %s",
					    strerror(-fd));
		}
		return fd;
	}
	c->base = map_arena(fd, PROBE_ARENA_SZ);
	if (!c->base) {
		int err = -errno;

		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, err,
				    "created, but mmap failed: %s", strerror(-err));
		close(fd);
		return err;
	}
	c->arena_fd = fd;
	/* Make page 0 exist, and the page the offset probe writes to. */
	memset(c->base, 0, PROBE_PAGE_SZ);
	memset(c->base + PROBE_BIG_OFF, 0, sizeof(__u64));
	arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			    "created and mmapped a 1 GiB arena at %p", (void *)c->base);
	return 0;
}

/* A user-space touch of an unallocated page must fault instead of
 * allocating. The touch is made by the kernel (write() from the page) so
 * that a fault is an EFAULT, not a SIGSEGV in the caller's process.
 */
void arena_probe_segv_on_fault(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_SEGV_ON_FAULT;
	int fd = create_arena(1, BPF_ARENA_F_SEGV_ON_FAULT), p[2] = { -1, -1 };
	void *base;
	ssize_t n;

	if (fd < 0) {
		arena_probe_set_res(
			c, cap, fd == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN,
			fd, "map_create(BPF_F_SEGV_ON_FAULT): %s", strerror(-fd));
		return;
	}
	base = map_arena(fd, PROBE_PAGE_SZ);
	if (!base) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "mmap: %s",
				    strerror(errno));
		goto out;
	}
	if (pipe2(p, O_CLOEXEC)) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "pipe: %s",
				    strerror(errno));
		goto out_unmap;
	}
	n = write(p[1], base, 1);
	if (n < 0 && errno == EFAULT)
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
				    "reading an unallocated page from user space faulted (EFAULT)");
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "flag accepted, but reading an unallocated page %s",
				    n < 0 ? strerror(errno) : "allocated it");
	close(p[0]);
	close(p[1]);
out_unmap:
	munmap(base, PROBE_PAGE_SZ);
out:
	close(fd);
}

/* With BPF_F_NO_USER_CONV a cast to user form keeps the 32-bit offset
 * instead of making the user address.
 */
void arena_probe_no_user_conv(struct probe_ctx *c)
{
	enum bpf_arena_probe_cap cap = BPF_ARENA_CAP_NO_USER_CONV;
	int fd = create_arena(1, BPF_ARENA_F_NO_USER_CONV);
	__u64 *p, user, got;
	char *base;
	__u32 ret;

	if (fd < 0) {
		arena_probe_set_res(
			c, cap, fd == -EINVAL ? BPF_ARENA_PROBE_MISSING : BPF_ARENA_PROBE_UNKNOWN,
			fd, "map_create(BPF_F_NO_USER_CONV): %s", strerror(-fd));
		return;
	}
	base = map_arena(fd, PROBE_PAGE_SZ);
	if (!base) {
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_UNKNOWN, errno, "mmap: %s",
				    strerror(errno));
		close(fd);
		return;
	}
	p = (__u64 *)(base + SLOT_NO_USER_CONV * SLOT_SZ);
	*p = ~0ULL;
	user = (__u64)(uintptr_t)p;
	{
		const struct bpf_insn insns[] = {
			LD_MAP_FD(BPF_REG_1, fd),
			LD_IMM64(BPF_REG_2, user),
			CAST_TO_KERN(BPF_REG_2, BPF_REG_2),
			CAST_TO_USER(BPF_REG_3, BPF_REG_2),
			STX_DW(BPF_REG_2, BPF_REG_3, 0),
			MOV64_IMM(BPF_REG_0, 0),
			EXIT_INSN(),
		};

		if (arena_probe_load_and_run(c, cap, insns, ARRAY_SIZE(insns), true, NULL, &ret,
					     NULL))
			goto out;
	}
	got = *p;
	if (got == (__u32)user)
		arena_probe_set_res(
			c, cap, BPF_ARENA_PROBE_SUPPORTED, 0,
			"cast to user form kept the offset 0x%llx, not the address 0x%llx",
			(unsigned long long)got, (unsigned long long)user);
	else
		arena_probe_set_res(c, cap, BPF_ARENA_PROBE_MISSING, 0,
				    "flag accepted, but the cast to user form gave 0x%llx",
				    (unsigned long long)got);
out:
	munmap(base, PROBE_PAGE_SZ);
	close(fd);
}

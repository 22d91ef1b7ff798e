// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Which arenas exist and who holds them: map ids and info from the kernel,
 * pins from every bpffs mount, the programs whose map ids include the arena,
 * and the processes that hold an fd of it (/proc/PID/fdinfo map_id) or a
 * mapping (the anon_inode:bpf-map VMA at the arena's user address in
 * /proc/PID/maps, with its Rss from smaps). Nothing here touches arena memory.
 *
 * The user address: map_extra when it was set at creation. Otherwise the
 * first mmap fixed it and the kernel keeps map_extra 0 (seen on 6.18), so it
 * comes from a holder's mapping: a bpf-map VMA of exactly the arena's size
 * whose upper 32 bits are those the kernel's cast to user form gives for
 * this arena (arena_inspect_user_hi32()), confirmed by the kernel (arena_is_at()).
 */
#define _GNU_SOURCE /* nftw() */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "inspect_internal.h"

int arena_inspect_open_arena(__u32 id, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd, err;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			pr_warn("arena map %u: no such map (it may have gone away)\n", id);
		else if (err == -EPERM)
			pr_warn("arena map %u: opening it was refused: %s: inspecting arenas "
				"needs CAP_SYS_ADMIN (run as root)\n",
				id, strerror(-err));
		else
			pr_warn("arena map %u: can't open it: %s\n", id, strerror(-err));
		return err;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		err = -errno;
		pr_warn("map %u: can't read its info: %s\n", id, strerror(-err));
		close(fd);
		return err;
	}
	if (info->type != BPF_ARENA_MAP_TYPE) {
		pr_warn("map %u ('%s'): not an arena (map type %u; arenas are type %u)\n", id,
			info->name, info->type, BPF_ARENA_MAP_TYPE);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int bpf_arena__next_id(__u32 start_id, __u32 *next_id)
{
	__u32 id = start_id;

	if (!next_id)
		return arena_err(-EINVAL);
	for (;;) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd, err;

		if (bpf_map_get_next_id(id, &id)) {
			err = -errno;
			if (err == -EPERM)
				pr_warn("listing maps was refused: %s: inspecting arenas needs "
					"CAP_SYS_ADMIN (run as root)\n",
					strerror(-err));
			return arena_err(err);
		}
		fd = bpf_map_get_fd_by_id(id);
		if (fd < 0)
			continue; /* gone since */
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (!err && info.type == BPF_ARENA_MAP_TYPE) {
			*next_id = id;
			return 0;
		}
	}
}

/* The map id an fd of this process refers to, from its fdinfo; 0: none. */
static __u32 fdinfo_map_id(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[256];
	__u32 id = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "map_id: %u", &id) == 1)
			break;
	fclose(f);
	return id;
}

int bpf_arena__id_from_pin(const char *path, __u32 *map_id)
{
	struct bpf_map_info info;
	char fdinfo[64];
	__u32 id;
	int fd, afd;

	if (!path || !map_id)
		return arena_err(-EINVAL);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		int err = -errno;

		pr_warn("pin '%s': can't open it: %s\n", path, strerror(-err));
		return arena_err(err);
	}
	snprintf(fdinfo, sizeof(fdinfo), "/proc/self/fdinfo/%d", fd);
	id = fdinfo_map_id(fdinfo);
	close(fd);
	if (!id) {
		pr_warn("pin '%s': not a map, so not an arena\n", path);
		return arena_err(-EINVAL);
	}
	afd = arena_inspect_open_arena(id, &info);
	if (afd < 0)
		return arena_err(afd);
	close(afd);
	*map_id = id;
	return 0;
}

static int push(void **arr, size_t *cnt, size_t elem_sz, const void *elem)
{
	void *n = realloc(*arr, (*cnt + 1) * elem_sz);

	if (!n)
		return -ENOMEM;
	memcpy((char *)n + *cnt * elem_sz, elem, elem_sz);
	*arr = n;
	(*cnt)++;
	return 0;
}

/* nftw() has no context argument: the walk in progress. */
static struct bpf_arena_desc *pin_walk_desc;
static int pin_walk_err;

static int pin_visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char fdinfo[64], *copy;
	int fd;

	(void)st;
	(void)ftw;
	if (flag != FTW_F)
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	snprintf(fdinfo, sizeof(fdinfo), "/proc/self/fdinfo/%d", fd);
	if (fdinfo_map_id(fdinfo) == pin_walk_desc->map_id) {
		copy = strdup(path);
		if (!copy || push((void **)&pin_walk_desc->pins, &pin_walk_desc->pin_cnt,
				  sizeof(char *), &copy)) {
			free(copy);
			pin_walk_err = -ENOMEM;
		}
	}
	close(fd);
	return pin_walk_err ? 1 : 0;
}

/* Every bpffs mount point, from /proc/self/mountinfo, then every file in it. */
static int find_pins(struct bpf_arena_desc *d)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PATH_MAX], fstype[64];
	char **seen = NULL;
	size_t seen_cnt = 0, i;

	if (!f)
		return 0;
	pin_walk_desc = d;
	pin_walk_err = 0;
	while (fgets(line, sizeof(line), f) && !pin_walk_err) {
		char *sep = strstr(line, " - ");
		bool dup = false;

		/* id parent major:minor root mountpoint ... - fstype source ... */
		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "bpf"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		for (i = 0; i < seen_cnt; i++)
			dup |= strcmp(seen[i], mnt) == 0;
		if (dup)
			continue; /* the same bpffs mounted twice shows its pins once */
		seen = realloc(seen, (seen_cnt + 1) * sizeof(*seen));
		if (!seen)
			break;
		seen[seen_cnt++] = strdup(mnt);
		nftw(mnt, pin_visit, 16, FTW_PHYS | FTW_MOUNT);
	}
	fclose(f);
	for (i = 0; i < seen_cnt; i++)
		free(seen[i]);
	free(seen);
	pin_walk_desc = NULL;
	return pin_walk_err;
}

/* Programs whose map ids include the arena. */
static int find_progs(struct bpf_arena_desc *d)
{
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info), map_ids[64], i;
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.nr_map_ids = 64;
		info.map_ids = (__u64)(unsigned long)map_ids;
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			close(fd);
			continue;
		}
		close(fd);
		for (i = 0; i < info.nr_map_ids && i < 64; i++) {
			struct bpf_arena_prog_ref ref = { .id = id };

			if (map_ids[i] != d->map_id)
				continue;
			memcpy(ref.name, info.name, sizeof(ref.name));
			ref.name[sizeof(ref.name) - 1] = '\0';
			if (push((void **)&d->progs, &d->prog_cnt, sizeof(ref), &ref))
				return -ENOMEM;
			if (!d->btf_id)
				d->btf_id = info.btf_id;
			break;
		}
	}
	return 0;
}

static void read_comm(int pid, char *comm, size_t sz)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	comm[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)sz, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* How many fds of process @pid refer to map @id. */
static int count_map_fds(int pid, __u32 id)
{
	char dir[64], path[320], link[64];
	struct dirent *e;
	int cnt = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	if (!fds)
		return 0;
	while ((e = readdir(fds))) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:bpf-map"))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, e->d_name);
		if (fdinfo_map_id(path) == id)
			cnt++;
	}
	closedir(fds);
	return cnt;
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define MAX_CANDIDATES 16

/* The bpf-map VMAs of @pid that are @size bytes long: up to @max starts,
 * with their Rss; the count.
 */
static int collect_mappings(int pid, __u64 size, __u64 *starts, __u64 *rss, int max)
{
	char path[64], line[512];
	int cnt = 0;
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, kb;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = strstr(line, "anon_inode:bpf-map") && hi - lo == size && cnt < max;
			if (in) {
				starts[cnt] = lo;
				rss[cnt++] = 0;
			}
			continue;
		}
		if (in && sscanf(line, "Rss: %lu kB", &kb) == 1)
			rss[cnt - 1] = (__u64)kb * 1024;
	}
	fclose(f);
	return cnt;
}

/*
 * Whether arena @id lives at user address @addr. The kernel lets an arena be
 * mapped only at its address once that is set (mmap elsewhere fails with
 * EINVAL, seen on 6.18, also for two arenas whose addresses share the upper
 * half), so a trial mapping answers it. The trial mapping is never touched,
 * so it allocates nothing, and it is made only when the address is known to
 * be set already (a first mmap would set it).
 */
static bool arena_is_at(__u32 id, __u64 addr, __u64 size)
{
	struct bpf_map_info info;
	int fd = arena_inspect_open_arena(id, &info);
	void *p;

	if (fd < 0)
		return false;
	p = mmap((void *)(unsigned long)addr, size, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd,
		 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	munmap(p, size);
	return p == (void *)(unsigned long)addr;
}

/* Processes holding an fd or a mapping of the arena. With the user address
 * unknown (map_extra 0, but set by a first mmap: @addr_set), a mapping of
 * the arena's size is the arena's when its upper half is @hi (not under
 * BPF_F_NO_USER_CONV, where the cast gives none) and the kernel says so
 * (arena_is_at()); then the address is known for the rest.
 */
static int find_holders(struct bpf_arena_desc *d, bool addr_set, __u32 hi)
{
	bool check_hi = !(d->map_flags & BPF_ARENA_F_NO_USER_CONV);
	__u64 starts[MAX_CANDIDATES], rss[MAX_CANDIDATES];
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int n, k;

	if (!proc)
		return 0;
	while ((e = readdir(proc))) {
		struct bpf_arena_holder h = {};
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		h.pid = (int)pid;
		h.fd_cnt = count_map_fds(h.pid, d->map_id);
		n = collect_mappings(h.pid, d->size, starts, rss, MAX_CANDIDATES);
		for (k = 0; k < n && !h.has_mapping; k++) {
			if (!d->user_addr) {
				if (!addr_set || (check_hi && (starts[k] >> 32) != hi) ||
				    !arena_is_at(d->map_id, starts[k], d->size))
					continue;
				d->user_addr = starts[k];
				d->user_addr_source = BPF_ARENA_ADDR_MAPPING;
			}
			if (starts[k] != d->user_addr)
				continue;
			h.has_mapping = true;
			h.map_start = starts[k];
			h.rss = rss[k];
		}
		if (!h.fd_cnt && !h.has_mapping)
			continue;
		read_comm(h.pid, h.comm, sizeof(h.comm));
		if (push((void **)&d->holders, &d->holder_cnt, sizeof(h), &h)) {
			closedir(proc);
			return -ENOMEM;
		}
	}
	closedir(proc);
	return 0;
}

struct bpf_arena_desc *bpf_arena__describe(__u32 map_id, const struct bpf_arena_describe_opts *opts)
{
	struct bpf_arena_desc *d;
	struct bpf_map_info info;
	bool addr_set = false;
	__u32 hi = 0;
	int fd, err;

	if (!INSPECT_OPTS_VALID(opts, bpf_arena_describe_opts))
		return arena_err_ptr(-EINVAL);
	fd = arena_inspect_open_arena(map_id, &info);
	if (fd < 0)
		return arena_err_ptr(fd);
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return arena_err_ptr(-ENOMEM);
	}
	d->map_id = map_id;
	memcpy(d->name, info.name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->page_cnt = info.max_entries;
	d->size = (__u64)info.max_entries * arena_page_size();
	d->map_flags = info.map_flags;
	d->map_extra = info.map_extra;
	if (info.map_extra) {
		d->user_addr = info.map_extra;
		d->user_addr_source = BPF_ARENA_ADDR_MAP_EXTRA;
	}
	/* The upper half of the user address, for a mapping to be recognised
	 * by. The kernel refuses a program bound to an arena whose address is
	 * not set yet, so this also tells whether it is set: if not, nobody
	 * ever mapped it and there is no mapping to find.
	 */
	if (!d->user_addr && !INSPECT_OPT(opts, bpf_arena_describe_opts, no_holders, false))
		addr_set = arena_inspect_user_hi32(fd, &hi) == 0;
	/* our own fd must not count among this process's holdings */
	close(fd);
	err = find_progs(d);
	if (!err && !INSPECT_OPT(opts, bpf_arena_describe_opts, no_pins, false))
		err = find_pins(d);
	if (!err && !INSPECT_OPT(opts, bpf_arena_describe_opts, no_holders, false))
		err = find_holders(d, addr_set, hi);
	if (err) {
		bpf_arena__desc_free(d);
		return arena_err_ptr(err);
	}
	return d;
}

void bpf_arena__desc_free(struct bpf_arena_desc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->pin_cnt; i++)
		free(d->pins[i]);
	free(d->pins);
	free(d->progs);
	free(d->holders);
	free(d);
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>

const char *test_prog_path(const char *name)
{
	static char path[4096];
	const char *dir = getenv("BPF_ARENA_PROGS");

	cr_assert(dir, "BPF_ARENA_PROGS is not set: run the tests through ctest");
	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, name);
	return path;
}

const char *test_variant(void)
{
	const char *dir = getenv("BPF_ARENA_PROGS");
	const char *slash = dir ? strrchr(dir, '/') : NULL;

	return slash ? slash + 1 : "native";
}

static bool in_ci(void)
{
	const char *ci = getenv("CI");

	return ci && strcmp(ci, "true") == 0;
}

static void skip_or_fail(const char *why)
{
	if (in_ci())
		cr_assert_fail("CI=true and this kernel test cannot run: %s", why);
	else
		cr_skip_test("%s", why);
}

void test_require_arena_kernel(void)
{
	int fd;

	if (geteuid() != 0) {
		skip_or_fail("needs root (CAP_BPF and CAP_PERFMON)");
		return;
	}
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_ARENA_F_MMAPABLE);
	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "probe", 0, 0, 1, &opts);
	if (fd < 0) {
		skip_or_fail("this kernel has no BPF arenas (Linux 6.9+)");
		return;
	}
	close(fd);
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert(f, "open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

int test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert(d, "opendir(/proc/self/fd): %s", strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

/* Under AddressSanitizer the allocator maps and splits memory as it goes,
 * so only the arena mappings themselves can be counted there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ONLY_ARENAS 1
#else
#define COUNT_ONLY_ARENAS 0
#endif

int test_count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	int n = 0;

	cr_assert(f, "fopen(/proc/self/maps): %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!COUNT_ONLY_ARENAS || strstr(line, "bpf-map"))
			n++;
	fclose(f);
	return n;
}

bool test_range_mapped(unsigned long addr, unsigned long len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[4096];
	bool found = false;

	cr_assert(f);
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < addr + len && addr < hi)
			found = true;
	fclose(f);
	return found;
}

long test_run_prog(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, prog_name);
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	cr_assert(prog, "no program '%s' in the object", prog_name);
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return -errno;
	return (long)(int)opts.retval;
}

static char *log_buf;
static size_t log_len, log_cap;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_len + n + 1 > log_cap) {
		size_t cap = (log_cap ? log_cap * 2 : 8192) + n;
		char *p = realloc(log_buf, cap);

		if (!p)
			return 0;
		log_buf = p;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, line, n);
	log_len += n;
	log_buf[log_len] = '\0';
	if (getenv("BPF_ARENA_TEST_VERBOSE"))
		fputs(line, stderr);
	return n;
}

void test_capture_log_start(void)
{
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	libbpf_set_print(capture_print);
}

const char *test_capture_log(void)
{
	return log_buf ? log_buf : "";
}

void test_capture_log_stop(void)
{
	libbpf_set_print(NULL);
}

void test_ensure_bpffs(void)
{
	struct statfs st;

	if (!statfs("/sys/fs/bpf", &st) &&
	    (unsigned long)st.f_type == 0xcafe4a11 /* BPF_FS_MAGIC */)
		return;
	cr_assert_eq(mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL), 0,
		     "mount -t bpf bpf /sys/fs/bpf: %s", strerror(errno));
}

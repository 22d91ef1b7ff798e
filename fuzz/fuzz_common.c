// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Helpers shared by the harnesses (see fuzz_common.h). */
#include "fuzz_common.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

static int print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static char sink[4096];
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		return vfprintf(stderr, fmt, ap);
	return vsnprintf(sink, sizeof(sink), fmt, ap);
}

void fuzz_quiet_libbpf(void)
{
	libbpf_set_print(print_quiet);
}

int fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

int fuzz_count_our_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "start-end perms offset dev inode [path]" */
		char perms[8] = "", path[256] = "";
		unsigned long start;

		if (sscanf(line, "%lx-%*x %7s %*s %*s %*s %255s", &start, perms, path) < 2)
			continue;
		/* ASan's allocator keeps its own PROT_NONE regions in its
		 * fixed space (x86-64: 0x600000000000, 4 TiB); reservations of
		 * ours are never there
		 */
		if (start >= 0x600000000000UL && start < 0x640000000000UL)
			continue;
		if (strstr(path, "bpf") || (!strcmp(perms, "---p") && !path[0]))
			n++;
	}
	fclose(f);
	return n;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Memory as the kernel accounts it for this process: VmRSS, the Size and
 * Rss of one mapping (the arena's) from /proc/self/smaps, and a map's
 * memlock estimate from /proc/self/fdinfo.
 *
 * An arena page that BPF allocated counts in a mapping's Rss only once
 * this process has touched it (the kernel inserts it into the process's
 * page tables on the first fault), so Rss is what user space has reached,
 * not what the arena holds; the allocator's own counters say the latter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_user.h"

long bench_vm_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int bench_vma_kib(const void *addr, long *size_kib, long *rss_kib)
{
	unsigned long a = (unsigned long)addr, start, end;
	char line[512];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	*size_kib = *rss_kib = -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (in)
				break;
			in = a >= start && a < end;
			continue;
		}
		if (!in)
			continue;
		found = 1;
		sscanf(line, "Size: %ld kB", size_kib);
		sscanf(line, "Rss: %ld kB", rss_kib);
	}
	fclose(f);
	return found && *size_kib >= 0 && *rss_kib >= 0 ? 0 : -1;
}

long bench_map_memlock(int map_fd)
{
	char path[64], line[256];
	long bytes = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", map_fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &bytes) == 1)
			break;
	fclose(f);
	return bytes;
}

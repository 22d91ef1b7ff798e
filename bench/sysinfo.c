// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The machine, kernel and compilers a table was measured with: numbers
 * without them can't be compared with anybody else's.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "bench_user.h"

#ifndef BENCH_BPF_CC
#define BENCH_BPF_CC "unknown"
#endif

static void cpu_model(char *buf, size_t size)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = 0;
		snprintf(buf, size, "%s", colon);
		break;
	}
	fclose(f);
}

/* AMD's SRSO mitigation decides what a BPF-to-BPF or kernel function call
 * costs (with "Safe RET" every return goes through a thunk): the ratios
 * against BPF_MAP_TYPE_HASH, whose lookup calls a kernel function, depend
 * on it, so the table names it.
 */
static void srso_status(char *buf, size_t size)
{
	FILE *f = fopen("/sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow", "r");

	snprintf(buf, size, "unknown (no spec_rstack_overflow file)");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

void bench_sysinfo_get(struct bench_sysinfo *si)
{
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	memset(si, 0, sizeof(*si));
	cpu_model(si->cpu, sizeof(si->cpu));
	si->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (!uname(&u))
		snprintf(si->kernel, sizeof(si->kernel), "%s %s %s", u.sysname, u.release,
			 u.machine);
#if defined(__clang__)
	snprintf(si->cc, sizeof(si->cc), "clang %s", __clang_version__);
#elif defined(__GNUC__)
	snprintf(si->cc, sizeof(si->cc), "gcc %s", __VERSION__);
#endif
	snprintf(si->bpf_cc, sizeof(si->bpf_cc), "%s", BENCH_BPF_CC);
	snprintf(si->libbpf, sizeof(si->libbpf), "%s", libbpf_version_string());
	srso_status(si->srso, sizeof(si->srso));
	gmtime_r(&now, &tm);
	strftime(si->date, sizeof(si->date), "%Y-%m-%d %H:%M UTC", &tm);
}

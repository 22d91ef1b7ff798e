// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "test_probe_helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <bpf_arena/bpf_arena_probe.h>

#ifndef CAP_BPF
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

bool test_manifest_has_entry(const char *id, const char *cap)
{
	FILE *f = fopen(BPF_ARENA_KERNEL_PATCHES "/series.tsv", "r");
	char line[1024], *fields[9], *save, *p;
	bool found = false;
	int n;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (n = 0, p = line; n < 9 && p; n++) {
			fields[n] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (n < 9 || strcmp(fields[0], id) != 0)
			continue;
		for (p = strtok_r(fields[5], ",", &save); p; p = strtok_r(NULL, ",", &save))
			if (strcmp(p, cap) == 0)
				found = true;
	}
	fclose(f);
	return found;
}

int test_run_tool(const char *args, char *out, size_t len)
{
	char cmd[4096];
	size_t got = 0, n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", BPF_ARENA_TOOL, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (got + 1 < len && (n = fread(out + got, 1, len - 1 - got, p)) > 0)
		got += n;
	out[got] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool test_tool_row(const char *out, const char *name, const char *status, const char *since,
		   const char *patch)
{
	const char *want[] = { name, status, since, patch };
	char line[1024], *tok, *save;
	const char *p = out;
	int i;

	while (*p) {
		size_t l = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		p += l + (p[l] ? 1 : 0);
		tok = strtok_r(line, " ", &save);
		if (!tok || strcmp(tok, name) != 0)
			continue;
		for (i = 1; i < 4; i++) {
			tok = strtok_r(NULL, " ", &save);
			/* "after 6.18" is two words */
			if (tok && i == 2 && strcmp(tok, "after") == 0)
				tok = strtok_r(NULL, " ", &save);
			if (!tok)
				return false;
			if (want[i] && strcmp(tok, want[i]) != 0)
				return false;
		}
		return true;
	}
	return false;
}

static int drop_bpf_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};
	static const int drop[] = { CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN };
	size_t i;

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		d[drop[i] / 32].effective &= ~(1U << (drop[i] % 32));
		d[drop[i] / 32].permitted &= ~(1U << (drop[i] % 32));
		d[drop[i] / 32].inheritable &= ~(1U << (drop[i] % 32));
	}
	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

int test_probe_unprivileged_child(void)
{
	LIBBPF_OPTS(bpf_arena_probe_opts, fresh, .no_cache = true);
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	int i;

	if (drop_bpf_caps())
		return 1;
	if (bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, &fresh) != __BPF_ARENA_CAP_CNT)
		return 2;
	if (r[BPF_ARENA_CAP_CAP_BPF].status != BPF_ARENA_PROBE_MISSING ||
	    r[BPF_ARENA_CAP_CAP_PERFMON].status != BPF_ARENA_PROBE_MISSING)
		return 3;
	if (r[BPF_ARENA_CAP_MAP_TYPE].status != BPF_ARENA_PROBE_UNKNOWN ||
	    r[BPF_ARENA_CAP_MAP_TYPE].err != EPERM)
		return 4;
	/* nothing that needs privileges may be called missing */
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
		if (i == BPF_ARENA_CAP_CAP_BPF || i == BPF_ARENA_CAP_CAP_PERFMON)
			continue;
		if (r[i].status == BPF_ARENA_PROBE_MISSING)
			return 10 + i;
	}
	if (bpf_arena__probe_usable(NULL) != -EPERM)
		return 5;
	return 0;
}

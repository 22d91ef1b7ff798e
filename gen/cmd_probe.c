// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf-arena probe: which parts of BPF arena support this kernel has, as a
 * table for people or JSON for scripts (one capability per line, so that
 * shell tools can read it without a JSON parser). The answers come from the
 * library's probes (bpf_arena__probe()); this file only presents them.
 *
 * Exit status: 0 when arena objects can be loaded here, 1 when the kernel
 * lacks something they need, 2 when that can't be told (no privileges, bad
 * usage, a failed probe).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "gen.h"

static void probe_usage(FILE *f)
{
	fprintf(f,
		"Usage: %1$s probe [--json]\n"
		"\n"
		"Probe the running kernel for each part of BPF arena support: status\n"
		"(supported, missing, unknown), the upstream Linux version that brought it\n"
		"and its entry in kernel-patches/series.tsv. Needs root (CAP_BPF and\n"
		"CAP_PERFMON). Exit status: 0 arenas usable, 1 not usable, 2 cannot tell.\n",
		bin_name);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void print_json(const struct bpf_arena_probe_result *r, int cnt, int usable)
{
	int i;

	printf("{\n\"usable\": %s,\n\"capabilities\": [\n", usable > 0	  ? "true"
							    : usable == 0 ? "false"
									  : "null");
	for (i = 0; i < cnt; i++) {
		printf("{\"name\": ");
		json_string(stdout, r[i].name);
		printf(", \"status\": \"%s\", \"since\": ",
		       bpf_arena__probe_status_str(r[i].status));
		json_string(stdout, r[i].since);
		printf(", \"patch\": ");
		json_string(stdout, r[i].patch);
		printf(", \"errno\": %d, \"reason\": ", r[i].err);
		json_string(stdout, r[i].reason);
		printf("}%s\n", i + 1 < cnt ? "," : "");
	}
	printf("]\n}\n");
}

/* The first capability arenas need that the kernel lacks (or can't be told). */
static const struct bpf_arena_probe_result *blocker(const struct bpf_arena_probe_result *r)
{
	static const enum bpf_arena_probe_cap needed[] = {
		BPF_ARENA_CAP_MAP_TYPE,
		BPF_ARENA_CAP_ADDR_SPACE_CAST,
		BPF_ARENA_CAP_JIT_LOAD_STORE,
	};
	size_t i;

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (r[needed[i]].status != BPF_ARENA_PROBE_SUPPORTED)
			return &r[needed[i]];
	return NULL;
}

/* "... lacks the BPF arena map type (BPF_MAP_TYPE_ARENA, upstream Linux 6.9;
 * kernel-patches/series.tsv entry 'arena-map')." as the library says it.
 */
static void print_lack(const struct bpf_arena_probe_result *b)
{
	size_t l = strlen(b->desc);
	bool paren = l && b->desc[l - 1] == ')';

	printf("BPF arenas are NOT usable: this kernel lacks %.*s%supstream Linux %s; "
	       "kernel-patches/series.tsv entry '%s').\n",
	       (int)(paren ? l - 1 : l), b->desc, paren ? ", " : " (", b->since, b->patch);
}

static void print_table(const struct bpf_arena_probe_result *r, int cnt, int usable)
{
	const struct bpf_arena_probe_result *b = blocker(r);
	int i;

	printf("%-20s %-10s %-11s %-26s %s\n", "CAPABILITY", "STATUS", "SINCE", "PATCH", "SEEN");
	for (i = 0; i < cnt; i++)
		printf("%-20s %-10s %-11s %-26s %s\n", r[i].name,
		       bpf_arena__probe_status_str(r[i].status), r[i].since, r[i].patch,
		       r[i].reason);
	printf("\n");
	if (usable > 0)
		printf("BPF arenas are usable on this kernel.\n");
	else if (b && usable == 0)
		print_lack(b);
	else if (b)
		printf("Cannot tell whether BPF arenas are usable: %s: %s.\n", b->name, b->reason);
}

int cmd_probe(int argc, char **argv)
{
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	bool json = false;
	int i, cnt, usable;

	/* Called with argv[0] == "probe" or with the arguments after it. */
	i = argc > 0 && strcmp(argv[0], "probe") == 0 ? 1 : 0;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
			   is_prefix(argv[i], "help")) {
			probe_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "Error: unknown argument '%s'\n", argv[i]);
			probe_usage(stderr);
			return 2;
		}
	}

	cnt = bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, NULL);
	if (cnt < 0) {
		fprintf(stderr, "Error: probing the kernel failed: %s\n", strerror(-cnt));
		return 2;
	}
	if (cnt > __BPF_ARENA_CAP_CNT)
		cnt = __BPF_ARENA_CAP_CNT;
	usable = bpf_arena__probe_usable(NULL);
	if (json)
		print_json(r, cnt, usable);
	else
		print_table(r, cnt, usable);
	return usable > 0 ? 0 : usable == 0 ? 1 : 2;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the probe tests share: the manifest, the tool, an unprivileged child. */
#ifndef __BPF_ARENA_TEST_PROBE_HELPERS_H
#define __BPF_ARENA_TEST_PROBE_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether kernel-patches/series.tsv has entry @id and lists capability @cap
 * among its probes.
 */
bool test_manifest_has_entry(const char *id, const char *cap);

/* Run "bpf-arena ARGS" (stderr too) into @out; returns its exit status, or
 * -1 if it didn't exit normally.
 */
int test_run_tool(const char *args, char *out, size_t len);

/* Whether the table in @out has a row for @name with these columns (NULL:
 * any value).
 */
bool test_tool_row(const char *out, const char *name, const char *status, const char *since,
		   const char *patch);

/* Drop CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, probe afresh and check the
 * answers; returns 0, or the number of the first check that failed.
 */
int test_probe_unprivileged_child(void);

#endif

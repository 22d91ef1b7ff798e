// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The figures of one run, kept in the order they were measured so that the
 * table, the CSV and the plot list them the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_user.h"

#define BENCH_MAX_RESULTS 1024

static struct bench_result results[BENCH_MAX_RESULTS];
static int nresults;

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void record(const char *section, const char *name, __u64 n, const char *variant,
		   const char *unit, double median, double min, double max, int samples)
{
	struct bench_result *r;

	if (nresults == BENCH_MAX_RESULTS) {
		fprintf(stderr, "bench: too many results, dropping %s/%s\n", section, name);
		return;
	}
	r = &results[nresults++];
	copy_str(r->section, sizeof(r->section), section);
	copy_str(r->name, sizeof(r->name), name);
	copy_str(r->variant, sizeof(r->variant), variant);
	copy_str(r->unit, sizeof(r->unit), unit);
	r->n = n;
	r->median = median;
	r->min = min;
	r->max = max;
	r->samples = samples;
}

void bench_record(const char *section, const char *name, __u64 n, const char *variant,
		  const char *unit, const double *v, int count)
{
	record(section, name, n, variant, unit, bench_median(v, count), bench_min(v, count),
	       bench_max(v, count), count);
}

void bench_record_value(const char *section, const char *name, __u64 n, const char *variant,
			const char *unit, double value)
{
	record(section, name, n, variant, unit, value, value, value, 1);
}

void bench_record_ratio(const char *section, const char *name, __u64 n, const char *variant,
			const double *a, const double *b, int count)
{
	double *r = calloc(count > 0 ? count : 1, sizeof(*r));
	int i;

	if (!r)
		return;
	for (i = 0; i < count; i++)
		r[i] = b[i] > 0 ? a[i] / b[i] : 0;
	bench_record(section, name, n, variant, "x", r, count);
	free(r);
}

const struct bench_result *bench_find(const char *section, const char *name, __u64 n,
				      const char *variant)
{
	int i;

	for (i = 0; i < nresults; i++)
		if (!strcmp(results[i].section, section) && !strcmp(results[i].name, name) &&
		    results[i].n == n && !strcmp(results[i].variant, variant))
			return &results[i];
	return NULL;
}

int bench_result_count(void)
{
	return nresults;
}

const struct bench_result *bench_result_at(int i)
{
	return i >= 0 && i < nresults ? &results[i] : NULL;
}

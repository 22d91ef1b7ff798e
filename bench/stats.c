// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Time and the statistics every figure goes through. Medians, not means:
 * a repeat that a concurrent build or an interrupt slowed down moves a
 * mean, not a median.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_user.h"

__u64 bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(const double *v, int n)
{
	double *s, m;

	if (n <= 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		return v[0];
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

double bench_min(const double *v, int n)
{
	double m = n > 0 ? v[0] : 0;
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double bench_max(const double *v, int n)
{
	double m = n > 0 ? v[0] : 0;
	int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

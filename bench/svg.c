// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The plot, written as SVG by the bench itself so that it needs nothing
 * beyond a C compiler: one panel per section, grouped bars (a group per
 * operation and N, a bar per way of doing it), on a log scale where the
 * ways differ by orders of magnitude. Each bar carries its value as a
 * tooltip (<title>).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "bench_user.h"

#define SVG_W 1100
#define PANEL_H 330
#define MAX_ITEMS 32

static const char *const palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

static void text(FILE *f, double x, double y, const char *anchor, int size, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">", x, y, anchor,
		size);
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
	fputs("</text>\n", f);
}

static void n_label(char *buf, size_t size, __u64 n)
{
	if (!n)
		snprintf(buf, size, " ");
	else if (n % 1000000 == 0)
		snprintf(buf, size, "N=%lluM", (unsigned long long)(n / 1000000));
	else if (n % 1000 == 0)
		snprintf(buf, size, "N=%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(buf, size, "N=%llu", (unsigned long long)n);
}

struct scale {
	bool log;
	double lo, hi, y0, h;
};

static double scale_y(const struct scale *s, double v)
{
	double t;

	if (s->log)
		t = (log10(v > s->lo ? v : s->lo) - log10(s->lo)) / (log10(s->hi) - log10(s->lo));
	else
		t = (v - s->lo) / (s->hi - s->lo);
	return s->y0 + s->h - t * s->h;
}

/* One panel: every figure of @section in @unit. */
static void panel(FILE *f, double y0, const char *title, const char *section, const char *unit,
		  bool logscale)
{
	const struct bench_result *groups[MAX_ITEMS], *vars[MAX_ITEMS], *r, *cell;
	int ng = 0, nv = 0, i, j;
	double lo = INFINITY, hi = 0, px = 80, pw = SVG_W - 100, py = y0 + 50, ph = PANEL_H - 110;
	double gw, bw, x, y, v, tick;
	struct scale s;
	char buf[64];

	for (i = 0; i < bench_result_count(); i++) {
		r = bench_result_at(i);
		if (strcmp(r->section, section) || strcmp(r->unit, unit) || r->samples < 2)
			continue;
		for (j = 0; j < ng && (strcmp(groups[j]->name, r->name) || groups[j]->n != r->n);
		     j++)
			;
		if (j == ng && ng < MAX_ITEMS)
			groups[ng++] = r;
		for (j = 0; j < nv && strcmp(vars[j]->variant, r->variant); j++)
			;
		if (j == nv && nv < MAX_ITEMS)
			vars[nv++] = r;
		if (r->median > 0 && r->median < lo)
			lo = r->median;
		if (r->median > hi)
			hi = r->median;
	}
	if (!ng || hi <= 0)
		return;
	s.log = logscale;
	s.y0 = py;
	s.h = ph;
	if (logscale) {
		s.lo = pow(10, floor(log10(lo)));
		s.hi = pow(10, ceil(log10(hi)));
		if (s.hi <= s.lo)
			s.hi = s.lo * 10;
	} else {
		s.lo = 0;
		s.hi = hi * 1.15;
	}

	snprintf(buf, sizeof(buf), "%s%s", title, logscale ? " (log scale)" : "");
	fprintf(f, "<g font-family=\"sans-serif\">\n");
	text(f, px, y0 + 20, "start", 15, buf);
	/* axis and grid */
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", px,
		py, px, py + ph);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", px,
		py + ph, px + pw, py + ph);
	for (i = 0; i <= 5; i++) {
		tick = logscale ? s.lo * pow(10, i) : s.lo + (s.hi - s.lo) * i / 5;
		if (tick > s.hi * 1.0001)
			break;
		y = scale_y(&s, tick);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			px, y, px + pw, y);
		snprintf(buf, sizeof(buf), "%g", tick);
		text(f, px - 6, y + 4, "end", 11, buf);
	}
	fprintf(f, "<g transform=\"translate(%.1f,%.1f) rotate(-90)\">", px - 50, py + ph / 2);
	text(f, 0, 0, "middle", 12, unit);
	fprintf(f, "</g>\n");
	/* bars */
	gw = pw / ng;
	bw = gw * 0.8 / nv;
	for (i = 0; i < ng; i++) {
		for (j = 0; j < nv; j++) {
			cell = bench_find(section, groups[i]->name, groups[i]->n, vars[j]->variant);
			if (!cell || strcmp(cell->unit, unit) || cell->median <= 0)
				continue;
			v = cell->median;
			x = px + i * gw + gw * 0.1 + j * bw;
			y = scale_y(&s, v);
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"><title>%s, %s: %.4g %s</title></rect>\n",
				x, y, bw > 1 ? bw - 1 : bw, py + ph - y,
				palette[j % (sizeof(palette) / sizeof(palette[0]))],
				vars[j]->variant, groups[i]->name, v, unit);
		}
		text(f, px + i * gw + gw / 2, py + ph + 16, "middle", 11, groups[i]->name);
		n_label(buf, sizeof(buf), groups[i]->n);
		text(f, px + i * gw + gw / 2, py + ph + 30, "middle", 11, buf);
	}
	/* legend, one line under the groups */
	x = px;
	for (j = 0; j < nv; j++) {
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			x, py + ph + 40, palette[j % (sizeof(palette) / sizeof(palette[0]))]);
		text(f, x + 16, py + ph + 50, "start", 12, vars[j]->variant);
		x += 30 + 7.0 * strlen(vars[j]->variant);
	}
	fprintf(f, "</g>\n");
}

int bench_write_svg(const char *path, const struct bench_sysinfo *si)
{
	int height = 4 * PANEL_H + 60;
	char buf[768];
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		SVG_W, height, SVG_W, height);
	fprintf(f, "<g font-family=\"sans-serif\">\n");
	text(f, 20, 24, "start", 17, "libbpf-arena benchmarks: arena data structures vs BPF maps");
	snprintf(buf, sizeof(buf), "%s, %d CPUs; %s; BPF %s; %s", si->cpu, si->ncpus, si->kernel,
		 si->bpf_cc, si->date);
	text(f, 20, 44, "start", 11, buf);
	fprintf(f, "</g>\n");
	panel(f, 60, "BPF side: hash table from BPF, ns per operation", "bpf", "ns/op", true);
	panel(f, 60 + PANEL_H, "BPF side: alloc+free pair, ns", "alloc", "ns/pair", true);
	panel(f, 60 + 2 * PANEL_H, "User side: reading all N entries BPF stored, ns per entry",
	      "user", "ns/entry", true);
	panel(f, 60 + 3 * PANEL_H, "Load time, ms", "load", "ms", true);
	fprintf(f, "</svg>\n");
	return fclose(f);
}

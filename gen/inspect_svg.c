// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The heap of an arena as a picture: one square per page, coloured by what
 * it holds (globals, pool, a size class, a page-run allocation, other data,
 * nothing), with a legend that gives each colour its numbers. Written by
 * hand as plain SVG: no dependency, opens in any browser. Arenas of more
 * than MAX_CELLS pages get one square per group of pages, coloured by the
 * group's most common non-empty kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect_svg.h"

#define COLS 64
#define CELL 11
#define GAP 1
#define MAX_CELLS 8192
#define MARGIN 16
#define HEADER 58

/* Colour keys: kinds other than classes, then the 16 classes. */
enum {
	KEY_EMPTY,
	KEY_GLOBALS,
	KEY_POOL,
	KEY_LARGE,
	KEY_DATA,
	KEY_CLASS0,
	KEY_CNT = KEY_CLASS0 + 16
};

static const char *const colours[KEY_CNT] = {
	"#eeeeee",
	"#4c72b0",
	"#b9e3b0",
	"#8c564b",
	"#9a9a9a",
	/* size classes 32 B .. 1 MiB: warm to cool */
	"#fde725",
	"#f8c932",
	"#f2a93b",
	"#e8893f",
	"#dd6b43",
	"#cf4f4a",
	"#bd3854",
	"#a52c60",
	"#8b2367",
	"#711f6b",
	"#5a1f6c",
	"#45206a",
	"#32206a",
	"#232667",
	"#1b2d5f",
	"#153656",
};

static int page_key(const struct bpf_arena_heap_stats *st, __u32 p)
{
	switch (st->page_kind[p]) {
	case BPF_ARENA_PAGE_GLOBALS:
		return KEY_GLOBALS;
	case BPF_ARENA_PAGE_POOL:
		return KEY_POOL;
	case BPF_ARENA_PAGE_LARGE:
		return KEY_LARGE;
	case BPF_ARENA_PAGE_DATA:
		return KEY_DATA;
	case BPF_ARENA_PAGE_CLASS:
		return KEY_CLASS0 + (st->page_class[p] & 15);
	default:
		return KEY_EMPTY;
	}
}

static void size_str(unsigned long long b, char *buf, size_t sz)
{
	if (b >= (1ULL << 20) && !(b % (1ULL << 20)))
		snprintf(buf, sz, "%llu MiB", b >> 20);
	else if (b >= 1024 && !(b % 1024))
		snprintf(buf, sz, "%llu KiB", b >> 10);
	else
		snprintf(buf, sz, "%llu B", b);
}

static void legend_text(const struct bpf_arena_heap_stats *st, int key, unsigned long pages,
			char *buf, size_t sz)
{
	static const char *const names[] = { "empty (absent or zero)", "globals", "heap pool",
					     "page-run blocks", "other data" };
	char bs[32];

	if (key < KEY_CLASS0) {
		snprintf(buf, sz, "%s: %lu pages", names[key], pages);
		if (key == KEY_LARGE)
			snprintf(buf + strlen(buf), sz - strlen(buf), ", %llu block%s",
				 (unsigned long long)st->large_live,
				 st->large_live == 1 ? "" : "s");
		return;
	}
	size_str(st->cls[key - KEY_CLASS0].block_size, bs, sizeof(bs));
	snprintf(buf, sz, "%s blocks: %lu pages, %llu live, %llu free, %llu uncarved", bs, pages,
		 (unsigned long long)st->cls[key - KEY_CLASS0].live,
		 (unsigned long long)st->cls[key - KEY_CLASS0].free,
		 (unsigned long long)st->cls[key - KEY_CLASS0].uncarved);
}

int inspect_svg_write(const char *path, const struct bpf_arena_desc *d,
		      const struct bpf_arena_heap_stats *st, const char *heap_name)
{
	unsigned long counts[KEY_CNT] = { 0 };
	__u32 per_cell = (st->page_cnt + MAX_CELLS - 1) / MAX_CELLS, cells, rows, c, p;
	int legend_cnt = 0, k, width, grid_h, height, y;
	char sz[32], line[256];
	FILE *f;

	if (!per_cell)
		per_cell = 1;
	cells = (st->page_cnt + per_cell - 1) / per_cell;
	rows = (cells + COLS - 1) / COLS;
	for (p = 0; p < st->page_cnt; p++)
		counts[page_key(st, p)]++;
	for (k = 0; k < KEY_CNT; k++)
		legend_cnt += counts[k] != 0;
	width = 2 * MARGIN + COLS * (CELL + GAP) + 470;
	grid_h = (int)rows * (CELL + GAP);
	height = HEADER + MARGIN + (grid_h > legend_cnt * 18 ? grid_h : legend_cnt * 18) + MARGIN;

	f = fopen(path, "we");
	if (!f)
		return -1;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		width, height, width, height);
	size_str(d->size, sz, sizeof(sz));
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">arena map %u '%s': "
		"%u pages (%s)</text>\n",
		MARGIN, MARGIN + 8, d->map_id, d->name, d->page_cnt, sz);
	fprintf(f,
		"<text x=\"%d\" y=\"%d\">heap %s: %llu pages, %llu in the pool; %llu bytes in use, "
		"%llu free; fragmentation %.1f%%</text>\n",
		MARGIN, MARGIN + 26, heap_name, (unsigned long long)st->pages,
		(unsigned long long)st->pool_pages, (unsigned long long)st->bytes_in_use,
		(unsigned long long)st->bytes_free, st->fragmentation * 100.0);
	fprintf(f,
		"<text x=\"%d\" y=\"%d\" fill=\"#555\">one square per %s%u page%s, "
		"offset 0 at the top left, %d pages a row</text>\n",
		MARGIN, MARGIN + 42, per_cell > 1 ? "group of " : "", per_cell,
		per_cell > 1 ? "s" : "", COLS * per_cell);
	for (c = 0; c < cells; c++) {
		unsigned long group[KEY_CNT] = { 0 };
		int best = KEY_EMPTY;

		for (p = c * per_cell; p < (c + 1) * per_cell && p < st->page_cnt; p++)
			group[page_key(st, p)]++;
		for (k = 1; k < KEY_CNT; k++)
			if (group[k] && (best == KEY_EMPTY || group[k] > group[best]))
				best = k;
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"%s\"><title>page %u%s</title></rect>\n",
			MARGIN + (int)(c % COLS) * (CELL + GAP),
			HEADER + MARGIN + (int)(c / COLS) * (CELL + GAP), CELL, CELL, colours[best],
			c * per_cell, per_cell > 1 ? "+" : "");
	}
	y = HEADER + MARGIN;
	for (k = 0; k < KEY_CNT; k++) {
		int x = 2 * MARGIN + COLS * (CELL + GAP);

		if (!counts[k])
			continue;
		legend_text(st, k, counts[k], line, sizeof(line));
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" "
			"stroke=\"#666\" stroke-width=\"0.5\"/>\n",
			x, y, CELL, CELL, colours[k]);
		fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + CELL + 6, y + CELL - 1, line);
		y += 18;
	}
	fprintf(f, "</svg>\n");
	if (fclose(f))
		return -1;
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Fills template blocks (see template.h and skeletons/skeleton.h.in). */
#include "template.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

/* "@@ name" heads a block; "@@#" lines are comments. */
static bool is_block_head(const char *line, const char *name)
{
	size_t n = strlen(name);

	return strncmp(line, "@@ ", 3) == 0 && strncmp(line + 3, name, n) == 0 &&
	       (line[3 + n] == '\n' || line[3 + n] == '\0');
}

static const char *find_block(const char *tpl, const char *name)
{
	const char *p;

	for (p = tpl; *p; p = line_end(p))
		if (is_block_head(p, name))
			return line_end(p);
	return NULL;
}

static const char *lookup(const struct tpl_var *vars, size_t nr_vars, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < nr_vars; i++)
		if (strlen(vars[i].key) == len && strncmp(vars[i].key, key, len) == 0)
			return vars[i].val;
	return NULL;
}

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int emit_line(struct strbuf *out, const char *line, const char *end, const char *block,
		     const struct tpl_var *vars, size_t nr_vars)
{
	const char *p = line, *at, *key, *val;

	while (p < end) {
		at = memchr(p, '@', end - p);
		if (!at) {
			strbuf_putn(out, p, end - p);
			break;
		}
		strbuf_putn(out, p, at - p);
		for (key = at + 1; key < end && is_key_char(*key); key++)
			;
		if (key == at + 1 || key >= end || *key != '@') {
			/* a lone '@' is text */
			strbuf_putn(out, "@", 1);
			p = at + 1;
			continue;
		}
		val = lookup(vars, nr_vars, at + 1, key - at - 1);
		if (!val) {
			fprintf(stderr,
				"bpf-arena: internal error: template block '%s' uses @%.*s@, "
				"which the generator does not give\n",
				block, (int)(key - at - 1), at + 1);
			return -EINVAL;
		}
		strbuf_puts(out, val);
		p = key + 1;
	}
	return 0;
}

int tpl_emit(struct strbuf *out, const char *tpl, const char *block, const struct tpl_var *vars,
	     size_t nr_vars)
{
	const char *p = find_block(tpl, block), *end;
	int err;

	if (!p) {
		fprintf(stderr, "bpf-arena: internal error: no template block '%s'\n", block);
		return -ENOENT;
	}
	for (; *p && strncmp(p, "@@ ", 3) != 0; p = end) {
		end = line_end(p);
		if (strncmp(p, "@@#", 3) == 0)
			continue;
		err = emit_line(out, p, end, block, vars, nr_vars);
		if (err)
			return err;
	}
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The JSON writer of the inspect command (see json_writer.h). */
#include "json_writer.h"

void jw_init(struct json_writer *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

/* Before any value: the comma that separates it from the previous one. */
static void value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void open_level(struct json_writer *w, char c)
{
	value_prefix(w);
	fputc(c, w->f);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_level(struct json_writer *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	fputc(c, w->f);
	if (!w->depth)
		fputc('\n', w->f);
}

void jw_start_object(struct json_writer *w)
{
	open_level(w, '{');
}

void jw_end_object(struct json_writer *w)
{
	close_level(w, '}');
}

void jw_start_array(struct json_writer *w)
{
	open_level(w, '[');
}

void jw_end_array(struct json_writer *w)
{
	close_level(w, ']');
}

static void put_string(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void jw_key(struct json_writer *w, const char *key)
{
	value_prefix(w);
	put_string(w->f, key, (size_t)-1);
	fputc(':', w->f);
	w->after_key = true;
}

void jw_string(struct json_writer *w, const char *s)
{
	jw_string_n(w, s, (size_t)-1);
}

void jw_string_n(struct json_writer *w, const char *s, size_t n)
{
	value_prefix(w);
	put_string(w->f, s, n);
}

void jw_uint(struct json_writer *w, unsigned long long v)
{
	value_prefix(w);
	fprintf(w->f, "%llu", v);
}

void jw_int(struct json_writer *w, long long v)
{
	value_prefix(w);
	fprintf(w->f, "%lld", v);
}

void jw_double(struct json_writer *w, double v)
{
	value_prefix(w);
	fprintf(w->f, "%.6g", v);
}

void jw_bool(struct json_writer *w, bool v)
{
	value_prefix(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct json_writer *w)
{
	value_prefix(w);
	fputs("null", w->f);
}

void jw_hex(struct json_writer *w, unsigned long long v)
{
	value_prefix(w);
	fprintf(w->f, "\"0x%llx\"", v);
}

void jw_hex_bytes(struct json_writer *w, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t i;

	value_prefix(w);
	fputc('"', w->f);
	for (i = 0; i < n; i++)
		fprintf(w->f, "%02x", b[i]);
	fputc('"', w->f);
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A small JSON writer (bpftool has one of its own): it keeps track of
 * commas and nesting, so callers only say what comes next.
 */
#ifndef __BPF_ARENA_GEN_JSON_WRITER_H
#define __BPF_ARENA_GEN_JSON_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;
};

void jw_init(struct json_writer *w, FILE *f);
void jw_start_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_start_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s);
/* At most @n bytes of @s, stopping at a NUL. */
void jw_string_n(struct json_writer *w, const char *s, size_t n);
void jw_uint(struct json_writer *w, unsigned long long v);
void jw_int(struct json_writer *w, long long v);
void jw_double(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* "0x..." as a string: addresses are past what JSON numbers hold exactly. */
void jw_hex(struct json_writer *w, unsigned long long v);

/* @n bytes as one string of hex digits. */
void jw_hex_bytes(struct json_writer *w, const void *buf, size_t n);

#endif

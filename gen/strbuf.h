/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A growable text buffer: the generator builds its whole output in one and
 * prints it only when nothing failed, so bad input never leaves a partial
 * header behind.
 */
#ifndef __BPF_ARENA_GEN_STRBUF_H
#define __BPF_ARENA_GEN_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	/* set once an allocation failed; later appends do nothing */
	bool failed;
};

void strbuf_free(struct strbuf *sb);
void strbuf_putn(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);

#endif

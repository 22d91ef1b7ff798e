// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Our messages go wherever the application sends libbpf's, so that one
 * libbpf_set_print() call governs both. libbpf has no getter for its print
 * callback: libbpf_set_print() returns the previous one, so we swap and put
 * it back under a lock. A libbpf message from another thread in that
 * instant is lost; nothing else is.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static libbpf_print_fn_t current_print_fn(void)
{
	libbpf_print_fn_t fn;

	pthread_mutex_lock(&print_lock);
	fn = libbpf_set_print(NULL);
	libbpf_set_print(fn);
	pthread_mutex_unlock(&print_lock);
	return fn;
}

static int call_print(libbpf_print_fn_t fn, enum libbpf_print_level level, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(level, fmt, ap);
	va_end(ap);
	return ret;
}

/* The prefix goes into the format, not a formatted copy: the callback then
 * formats only what it prints (most drop LIBBPF_DEBUG), as libbpf's own
 * messages do. A format too long for the buffer is formatted here instead.
 */
void arena_pr(enum libbpf_print_level level, const char *fmt, ...)
{
	static const char prefix[] = "libbpf_arena: ";
	libbpf_print_fn_t fn = current_print_fn();
	size_t len = strlen(fmt);
	char pfmt[512], msg[1024];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	if (len + sizeof(prefix) <= sizeof(pfmt)) {
		memcpy(pfmt, prefix, sizeof(prefix) - 1);
		memcpy(pfmt + sizeof(prefix) - 1, fmt, len + 1);
		fn(level, pfmt, ap);
	} else {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		call_print(fn, level, "%s%s", prefix, msg);
	}
	va_end(ap);
}

void arena_pr_text(enum libbpf_print_level level, const char *prog_name, const char *text)
{
	const char *line = text, *end;

	arena_pr(level, "prog '%s': -- BEGIN PROG LOAD LOG --\n", prog_name);
	while (*line) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		arena_pr(level, "%.*s\n", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
	arena_pr(level, "-- END PROG LOAD LOG --\n");
}

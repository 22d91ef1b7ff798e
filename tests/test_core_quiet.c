// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Quiet by default: opening, loading and closing an arena object makes
 * neither libbpf nor libbpf_arena say anything at the levels libbpf's
 * default print callback shows (WARN and INFO). Part of test_core, so it
 * runs on libbpf 1.1 and, in tests/newer_libbpf.sh, on 1.5.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "test_helpers.h"

static char said[8192];
static size_t said_len;

/* Keeps what the default callback would print; drops debug as it does. */
static int default_level_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || said_len >= sizeof(said) - 1)
		return 0;
	said_len += vsnprintf(said + said_len, sizeof(said) - said_len, fmt, ap);
	if (said_len > sizeof(said) - 1)
		said_len = sizeof(said) - 1;
	return 0;
}

static void assert_silent_lifecycle(const char *name)
{
	libbpf_print_fn_t old;
	struct bpf_object *obj;
	int err;

	test_require_arena_kernel();
	said_len = 0;
	said[0] = '\0';
	old = libbpf_set_print(default_level_print);
	obj = bpf_arena__open_file(test_prog_path(name), NULL);
	err = obj ? bpf_arena__load(obj) : -errno;
	bpf_arena__close(obj);
	libbpf_set_print(old);
	cr_assert_eq(err, 0, "%s: %d", name, err);
	cr_assert_eq(said_len, 0, "%s printed at the default level:\n%s", name, said);
}

Test(core_quiet, arena_globals_object_opens_and_loads_silently)
{
	assert_silent_lifecycle("core_globals");
}

Test(core_quiet, arena_with_global_data_opens_and_loads_silently)
{
	assert_silent_lifecycle("core_data");
}

Test(core_quiet, arena_list_opens_and_loads_silently)
{
	assert_silent_lifecycle("core_list");
}

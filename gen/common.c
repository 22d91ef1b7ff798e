// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Helpers every subcommand of the bpf-arena tool shares (see common.h). */
#include <string.h>

#include "common.h"

const char *bin_name = "bpf-arena";

bool is_prefix(const char *arg, const char *cmd)
{
	return *arg && strncmp(arg, cmd, strlen(arg)) == 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bad input: __arena globals and no arena map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

/* no arena map */

int __arena_global some_global = 1;

SEC("syscall")
int prog(void *ctx)
{
	return *arena_deref(&some_global);
}

char _license[] SEC("license") = "GPL";

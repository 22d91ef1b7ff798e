// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* No arena at all: the library must hand it to libbpf untouched. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("syscall")
int count(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (!v)
		return 1;
	*v += 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

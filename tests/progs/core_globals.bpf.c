// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* __arena globals of every kind: initialised, zero, static, arrays, structs. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

struct point {
	int x, y;
	long tag;
};

int __arena_global init_int = 42;
long __arena_global init_arr[4] = { 1, 2, 3, 4 };
struct point __arena_global init_pt = { .x = 7, .y = 8, .tag = 9 };
int __arena_global zero_int;
char __arena_global zero_buf[100];
static int __arena_global static_int = 5;
/* volatile: a static that is only ever stored one value may be shrunk to a
 * bool by clang, and user space reads it as a long.
 */
static volatile long __arena_global static_zero;

/* Where BPF saw its globals: user space compares with its own pointers. */
__u64 addr_init_int, addr_static_int, addr_zero_buf;

SEC("syscall")
int check_initial(void *ctx)
{
	long sum = 0;
	int i;

	if (*arena_deref(&init_int) != 42)
		return 1;
	for (i = 0; i < 4; i++)
		sum += arena_deref(&init_arr[0])[i];
	if (sum != 10)
		return 2;
	if (arena_deref(&init_pt)->x != 7 || arena_deref(&init_pt)->y != 8 ||
	    arena_deref(&init_pt)->tag != 9)
		return 3;
	if (*arena_deref(&zero_int) != 0 || arena_deref(&zero_buf[0])[99] != 0)
		return 4;
	if (*arena_deref(&static_int) != 5 || *arena_deref(&static_zero) != 0)
		return 5;
	addr_init_int = (__u64)(unsigned long)&init_int;
	addr_static_int = (__u64)(unsigned long)&static_int;
	addr_zero_buf = (__u64)(unsigned long)&zero_buf;
	return 0;
}

SEC("syscall")
int write_all(void *ctx)
{
	int i;

	*arena_deref(&init_int) = 1042;
	for (i = 0; i < 4; i++)
		arena_deref(&init_arr[0])[i] *= 10;
	arena_deref(&init_pt)->x = -7;
	arena_deref(&init_pt)->tag = 0x1122334455667788L;
	*arena_deref(&zero_int) = 77;
	arena_deref(&zero_buf[0])[99] = 'z';
	*arena_deref(&static_int) += 100;
	*arena_deref(&static_zero) = *arena_deref(&init_int) * 3;
	return 0;
}

/* Returns what user space wrote into init_int and static_zero, summed. */
SEC("syscall")
int read_back(void *ctx)
{
	return *arena_deref(&init_int) + (int)*arena_deref(&static_zero);
}

char _license[] SEC("license") = "GPL";

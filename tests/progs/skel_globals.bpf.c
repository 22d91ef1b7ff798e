// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Globals of every kind, for the skeleton tests: .data, .rodata, .bss,
 * .kconfig and __arena globals of every C shape (scalars, arrays, structs,
 * unions, enums, typedefs, pointers), with a static arena variable between
 * them so that the skeleton must pad the hole it leaves.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>
#include "skel_globals.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, long long);
} results SEC(".maps");

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

int data_int = 7; /* .data */
const volatile int rodata_int = 11; /* .rodata */
long long bss_sum; /* .bss */
unsigned int seen_kernel_version; /* .bss */

int __arena_global a_int = 100;
char __arena_global a_char = 'x';
/* static: not in the skeleton, so a hole the skeleton pads */
static long long __arena_global a_hidden = 5;
long long __arena_global a_u64 = 1ULL << 40;
int __arena_global a_array[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
struct skel_pair __arena_global a_pair = { .a = 3, .b = 4 };
union skel_word __arena_global a_word = { .u = 0x01020304 };
enum skel_color __arena_global a_color = SKEL_GREEN;
skel_u16 __arena_global a_u16 = 65535;
int __arena *__arena_global a_ptr;
int __arena_global a_zero;
long long __arena_global a_out;

/* Sums every arena global into a_out and bss_sum, so the test sees what BPF
 * saw after user space changed initial values; then bumps a_int and points
 * a_ptr at a_array[2] for user space to follow.
 */
SEC("syscall")
int sum_globals(void *ctx)
{
	long long s = 0;
	int i;

	s += *arena_deref(&a_int);
	s += *arena_deref(&a_char);
	s += *arena_deref(&a_hidden);
	s += *arena_deref(&a_u64);
	for (i = 0; i < 8; i++)
		s += arena_deref(&a_array[0])[i];
	s += arena_deref(&a_pair)->a + arena_deref(&a_pair)->b;
	s += arena_deref(&a_word)->u;
	s += *arena_deref(&a_color);
	s += *arena_deref(&a_u16);
	s += *arena_deref(&a_zero);
	s += data_int + rodata_int;
	*arena_deref(&a_out) = s;
	bss_sum = s;
	seen_kernel_version = LINUX_KERNEL_VERSION;
	*arena_deref(&a_int) += 1;
	*arena_deref(&a_hidden) += 1;
	*arena_deref(&a_ptr) = &a_array[2];
	return 0;
}

/* Adds 1 to data_int: a second program in the skeleton. */
SEC("syscall")
int bump_data(void *ctx)
{
	data_int++;
	return data_int;
}

char _license[] SEC("license") = "GPL";

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF-side basics of arenas, in one header that compiles three ways:
 *
 *  - BPF C with clang 19+ (__BPF_FEATURE_ADDR_SPACE_CAST): __arena is
 *    address space 1, the compiler emits every cast, __arena globals go to
 *    the .addr_space.1 section by themselves.
 *  - BPF C with clang 14 to 18: no address spaces. __arena globals are put in
 *    .addr_space.1 by a section attribute, and the casts are the raw bytes of
 *    the addr_space_cast instruction in inline asm (opcode 0xbf, off 1, imm
 *    dst_as << 16 | src_as), because those compilers can't spell it. Pointer
 *    values stay in user form everywhere (that is what BPF stores and what
 *    user space follows); only a copy is cast to kernel form right before it
 *    is dereferenced: use arena_deref()/cast_kern() for every access.
 *  - Plain C or C++ in user space: __arena is empty and casts do nothing,
 *    because user space dereferences arena pointers as they are.
 *
 * In BPF, include vmlinux.h or <linux/bpf.h> and <bpf/bpf_helpers.h> first.
 */
#ifndef __BPF_ARENA_COMMON_H
#define __BPF_ARENA_COMMON_H

#if defined(__bpf__) || defined(__BPF__)
#define BPF_ARENA_IN_BPF 1
#else
#define BPF_ARENA_IN_BPF 0
#endif

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

/* The arena's uapi, for BPF code built against pre-6.9 <linux/bpf.h>.
 * vmlinux.h has them as enum constants already.
 */
#if BPF_ARENA_IN_BPF && !defined(__VMLINUX_H__)
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA 33
#endif
#ifndef BPF_F_MMAPABLE
#define BPF_F_MMAPABLE (1U << 10)
#endif
#ifndef BPF_F_SEGV_ON_FAULT
#define BPF_F_SEGV_ON_FAULT (1U << 17)
#endif
#ifndef BPF_F_NO_USER_CONV
#define BPF_F_NO_USER_CONV (1U << 18)
#endif
#endif

#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

/*
 * __ulong(name, val): a 64-bit field of a map definition, such as an arena's
 * map_extra above 4 GiB. libbpf 1.4+ takes it as an enum, whose BTF (enum64)
 * clang 15+ emits. clang 14 emits no enum64 and cuts the value to 32 bits,
 * so there it is spelled `char (*name)[val >> 32][val & 0xffffffff]`, which
 * libbpf_arena reads back as one 64-bit value.
 */
#if BPF_ARENA_IN_BPF
#define ___bpf_arena_concat(a, b) a##b
#define ___bpf_arena_concat2(a, b) ___bpf_arena_concat(a, b)
#if defined(__clang_major__) && __clang_major__ < 15
#undef __ulong
#define __ulong(name, val) \
	char(*name)[(unsigned long long)(val) >> 32][(unsigned int)(unsigned long long)(val)]
#elif !defined(__ulong)
#define __ulong(name, val) enum { ___bpf_arena_concat2(__unique_value, __COUNTER__) = val } name
#endif
#endif

#if BPF_ARENA_IN_BPF

#ifdef __BPF_FEATURE_ADDR_SPACE_CAST
#define BPF_ARENA_NATIVE 1
#define __arena __attribute__((address_space(1)))
#define __arena_global __attribute__((address_space(1)))
#else
#define BPF_ARENA_NATIVE 0
#define __arena
#define __arena_global __attribute__((section(".addr_space.1"), used))
#endif

/* A global function argument that is an arena pointer (kernel 6.9+).
 * libbpf 1.4+'s <bpf/bpf_helpers.h> defines it the same way.
 */
#ifndef __arg_arena
#define __arg_arena __attribute__((btf_decl_tag("arg:arena")))
#endif

#if BPF_ARENA_NATIVE
/* clang emits the casts: nothing to do. */
#define bpf_arena_kern(ptr) (ptr)
#define bpf_arena_user(ptr) (ptr)
#else
/* r0 = ptr; r0 = addr_space_cast(r0, 0, 1); ptr = r0 */
static inline __attribute__((always_inline)) void *bpf_arena__cast_kern(void *ptr)
{
	asm volatile("r0 = %[p]\n\t"
		     ".byte 0xbf, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00\n\t"
		     "%[p] = r0"
		     : [p] "+r"(ptr)
		     :
		     : "r0");
	return ptr;
}

/* r0 = ptr; r0 = addr_space_cast(r0, 1, 0); ptr = r0 */
static inline __attribute__((always_inline)) void *bpf_arena__cast_user(void *ptr)
{
	asm volatile("r0 = %[p]\n\t"
		     ".byte 0xbf, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00\n\t"
		     "%[p] = r0"
		     : [p] "+r"(ptr)
		     :
		     : "r0");
	return ptr;
}
#define bpf_arena_kern(ptr) ((__typeof__(ptr))bpf_arena__cast_kern((void *)(ptr)))
#define bpf_arena_user(ptr) ((__typeof__(ptr))bpf_arena__cast_user((void *)(ptr)))
#endif

/* The arena kfuncs. __weak so that a program that doesn't call one loads on
 * a kernel that lacks it (bpf_arena_reserve_pages came with 6.17).
 */
#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif
void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;
int bpf_arena_reserve_pages(void *map, void __arena *addr, __u32 page_cnt) __ksym __weak;

#else /* user space */

#define BPF_ARENA_NATIVE 1
#define __arena
#define __arena_global
#define __arg_arena
#define bpf_arena_kern(ptr) (ptr)
#define bpf_arena_user(ptr) (ptr)

#endif /* BPF_ARENA_IN_BPF */

/* In-place forms, as in the kernel selftests: cast_kern(p) before p is
 * dereferenced by clang < 19, cast_user(p) before p is stored where user
 * space will follow it. Both do nothing with clang 19+ and in user space.
 */
#define cast_kern(ptr) ((ptr) = bpf_arena_kern(ptr))
#define cast_user(ptr) ((ptr) = bpf_arena_user(ptr))

/* The object an arena pointer points to, whatever the compiler: use it for
 * every access, e.g. arena_deref(node)->next = head;
 */
#define arena_deref(ptr) bpf_arena_kern(ptr)

#endif /* __BPF_ARENA_COMMON_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* libbpf 1.8 changed btf_vlen() to return __u32 (it was __u16 up to 1.7):
 * a loop `int i < btf_vlen(t)` is then a -Wsign-compare error that older
 * headers never show. CI can't fetch libbpf HEAD, so scripts/test.sh
 * builds everything once more with -Werror and this header forced in
 * (-include), which gives btf_vlen() 1.8's type on Debian's 1.1 headers.
 */
#ifndef __BPF_ARENA_COMPAT_BTF_VLEN_U32_H
#define __BPF_ARENA_COMPAT_BTF_VLEN_U32_H

/* Forced in ahead of each file's own first lines, this include pulls in
 * the C library's headers before the file can ask for GNU extensions: ask
 * for them here (an identical #define in the file is no redefinition).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <bpf/btf.h>

/* not expanded again inside itself: calls libbpf's inline function */
#define btf_vlen(t) ((__u32)btf_vlen(t))

#endif

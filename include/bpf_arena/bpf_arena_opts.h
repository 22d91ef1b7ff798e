/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF_ARENA_OPTS(TYPE, NAME, .field = value, ...): declare and fill an
 * options struct (struct bpf_arena_open_opts, struct bpf_arena_probe_opts,
 * or any libbpf-style struct with a leading size_t sz) in C and in C++.
 *
 * In C it is LIBBPF_OPTS(). In C++ LIBBPF_OPTS() does not compile cleanly:
 * designated initializers that skip a field are refused by clang++ -Werror
 * (-Wmissing-designated-field-initializers) and g++ -Wextra, must follow the
 * declaration order, and the statement expression around them is a GNU
 * extension. So in C++ the struct is value-initialised (every byte zero,
 * padding included, as LIBBPF_OPTS' memset gives), sz is set, and each
 * ".field = value" becomes the assignment "NAME.field = value;", in any
 * order. Up to 8 fields; a value must not contain a top-level comma (wrap it
 * in parentheses).
 *
 *	BPF_ARENA_OPTS(bpf_arena_open_opts, opts, .no_prog_bind = true);
 *	obj = bpf_arena__open_file(path, &opts);
 *
 * It expands to a declaration followed (in C++) by statements, so use it
 * where a declaration may stand in a block, as LIBBPF_OPTS().
 */
#ifndef __BPF_ARENA_BPF_ARENA_OPTS_H
#define __BPF_ARENA_BPF_ARENA_OPTS_H

#include <bpf/libbpf_common.h> /* LIBBPF_OPTS() */

#ifndef __cplusplus

#define BPF_ARENA_OPTS(TYPE, NAME, ...) LIBBPF_OPTS(TYPE, NAME, ##__VA_ARGS__)

#else /* __cplusplus */

#define BPF_ARENA_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = {};          \
	NAME.sz = sizeof(struct TYPE);  \
	__BPF_ARENA_OPTS_SET(NAME, ##__VA_ARGS__)

/* NAME plus 0..8 ".field = value" arguments -> one assignment each. */
#define __BPF_ARENA_OPTS_SET(...)                                                         \
	__BPF_ARENA_OPTS_PICK(__VA_ARGS__, __BPF_ARENA_OPTS_8, __BPF_ARENA_OPTS_7,        \
			      __BPF_ARENA_OPTS_6, __BPF_ARENA_OPTS_5, __BPF_ARENA_OPTS_4, \
			      __BPF_ARENA_OPTS_3, __BPF_ARENA_OPTS_2, __BPF_ARENA_OPTS_1, \
			      __BPF_ARENA_OPTS_0, )                                       \
	(__VA_ARGS__)
#define __BPF_ARENA_OPTS_PICK(_n, _1, _2, _3, _4, _5, _6, _7, _8, M, ...) M
#define __BPF_ARENA_OPTS_0(N)
#define __BPF_ARENA_OPTS_1(N, a) N a;
#define __BPF_ARENA_OPTS_2(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_1(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_3(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_2(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_4(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_3(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_5(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_4(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_6(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_5(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_7(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_6(N, __VA_ARGS__)
#define __BPF_ARENA_OPTS_8(N, a, ...) \
	N a;                          \
	__BPF_ARENA_OPTS_7(N, __VA_ARGS__)

#endif /* __cplusplus */

#endif /* __BPF_ARENA_BPF_ARENA_OPTS_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A check of BTF that libbpf 1.1 trusts without checking. */
#ifndef __BPF_ARENA_BTF_CHECK_H
#define __BPF_ARENA_BTF_CHECK_H

#include <stdbool.h>
#include <bpf/btf.h>

/* Whether every type @btf refers to exists and has the kind its user
 * expects, and every name is inside the string section. libbpf 1.1 checks
 * the shape of BTF when it parses it, not these, and follows them blindly
 * (open, btf_dump): a corrupt object must be an error, never a crash.
 * @what, if not NULL, gets a description of the first problem.
 */
bool arena_btf_is_sane(const struct btf *btf, char *what, size_t what_sz);

#endif

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Pinned and shared arenas: the header an arena carries in its first page
 * so that any later process can find its globals (pin.c, reader.c).
 */
#ifndef __BPF_ARENA_PIN_H
#define __BPF_ARENA_PIN_H

#include <linux/types.h>
#include <bpf/btf.h>

#include "internal.h"

#define ARENA_HDR_MAGIC 0x414e455241465042ULL /* "BPFARENA" in memory order */
#define ARENA_HDR_VERSION 1
#define ARENA_HDR_NAME_LEN 48
#define ARENA_HDR_MAX_VARS 56
#define BPF_FS_MAGIC_ 0xcafe4a11

/* One __arena global, so readers without the object can find it by name. */
struct arena_hdr_var {
	char name[ARENA_HDR_NAME_LEN];
	__u64 off; /* from the start of the globals */
	__u32 size;
	__u32 pad;
};

/* Page 0 of an arena made by libbpf_arena that is pinned or shared. */
struct arena_hdr {
	__u64 magic;
	__u32 version;
	__u32 hdr_size;
	__u64 checksum; /* FNV-1a over the header with this field 0 */
	__u64 user_addr;
	__u64 globals_off;
	__u64 globals_sz;
	__u64 btf_hash; /* of DATASEC .addr_space.1 and its variables' types */
	__u32 page_cnt;
	__u32 map_flags;
	__u32 layout;
	__u32 var_cnt; /* recorded below */
	__u32 var_total; /* in the object */
	__u32 pad;
	char obj_name[64];
	char map_name[64];
	struct arena_hdr_var vars[ARENA_HDR_MAX_VARS];
};

/* Fill @h from the object's BTF (hash and variables): var_cnt, var_total,
 * btf_hash; the caller sets the rest. Returns 0, or -ENOENT without BTF.
 */
int arena_hdr_describe_btf(const struct btf *btf, size_t globals_sz, struct arena_hdr *h);
void arena_hdr_seal(struct arena_hdr *h);
/* 0: a sound header; -ENOENT: no header; -EBADMSG: one that is damaged. */
int arena_hdr_check(const struct arena_hdr *h);

/* 0 when the directory of @pin_path is on a BPF filesystem, else a message
 * and -EINVAL (-errno when it can't be looked at).
 */
int arena_bpffs_check(const char *pin_path, const char *map_name);

/* The user address and size of the arena behind @fd, from the kernel. */
int arena_fd_info(int fd, struct bpf_map_info *info, const char *what);

/* At open, map_extra 0: reserve the arena's range at an address every
 * process opening the same object picks (pin.c says why).
 */
int arena_reserve_stable(struct bpf_arena *a, size_t size);

/* object.c hooks. At open: reuse an arena pinned where the object's
 * LIBBPF_PIN_BY_NAME puts it. Returns 1 when the image was re-patched for
 * its address and libbpf must open it again, 0 otherwise, or an error.
 */
int arena_pin_open(struct bpf_arena *a);
/* At load, when the arena has a pin path or a preset fd (or was taken at
 * open): create and pin, or reuse; map; bind; hand the fd to libbpf.
 */
int arena_pin_load(struct bpf_arena *a, const struct arena_map_def *def);
/* After a failed load: remove a pin this load made. */
void arena_pin_undo(struct bpf_arena *a);

#endif

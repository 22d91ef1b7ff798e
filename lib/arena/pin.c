// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pinned and shared arenas: one arena, many processes, across restarts.
 *
 * An arena outlives the process that made it while it is pinned in a BPF
 * filesystem or any process holds an fd or a mapping of it. A later process
 * (the daemon after a restart, a CLI) must map it at the same user address
 * and find the __arena globals where the first process put them, with the
 * values they have now. Three facts shape the design:
 *
 *  - The kernel fixes an arena's user address once: map_extra at creation,
 *    or the first mmap() when map_extra is 0. Every later mmap, in any
 *    process, must use that address and length. The kernel reports
 *    map_extra in bpf_map_info (and fdinfo), but for an arena created with
 *    map_extra 0 both say 0 after the first mmap (measured on 6.18), and a
 *    second mmap(NULL) fails: nobody else can learn the address. So an
 *    arena this library pins or shares is always created with an explicit
 *    map_extra: the object's, or the range reserved at open for the
 *    globals (arena_reserve_stable(), below), so bpf_map_info tells every
 *    process where it lives.
 *
 *  - Where the globals are, how big they are and what types they have is
 *    known only to the object. It is recorded in a header (struct
 *    arena_hdr, pin.h) in the arena's first page, written once by the
 *    process that creates the arena, after the globals and before the pin,
 *    so nobody can see one without the other. A header inside the arena
 *    needs nothing else to exist: it lives and dies with the arena, it is
 *    found from the pin path, a map id or an fd alike (a sidecar pinned
 *    map would not be found from an id or an fd, and could be unpinned
 *    apart), and a reader maps the arena anyway. Page 0 because it is the
 *    one place fixed for every size and layout: with the default layout
 *    (globals at the end) it holds nothing else, and being present from
 *    the start it is never handed out by bpf_arena_alloc_pages(), so no
 *    data structure lands on it.
 *    The cost: a BPF store through a NULL arena pointer lands in the
 *    header; a checksum catches that and the next open says so. The
 *    layout with globals at offset 0 can't have the header, and is refused
 *    for pinned arenas. The header holds the user address, page count and
 *    flags, the globals' offset and size, the layout, a hash of the
 *    .addr_space.1 DATASEC and its variables' types (names, sizes,
 *    offsets, members, recursively), the object's and map's names, and a
 *    table of the globals (name, offset, size) for readers that have no
 *    object file.
 *
 *  - Instructions that reference globals are rewritten at open into
 *    constants holding the globals' final user addresses (internal.h). So
 *    the address must be known when those constants are written. With
 *    LIBBPF_PIN_BY_NAME the pin path is known at open: arena_pin_open()
 *    maps the pinned arena there and then, and when its address differs
 *    from the one planned, re-patches the image and has libbpf open it
 *    again, which reaches every instruction, subprograms included. A pin
 *    path set with bpf_map__set_pin_path() or an fd given with
 *    bpf_map__reuse_fd() after open is seen only at load: the constants
 *    are found again in the programs libbpf holds (a 64-bit constant
 *    inside the globals' old range, counted against the references open
 *    found) and rewritten with bpf_program__set_insns(). libbpf 1.1 shows
 *    only entry programs, not subprograms of .text: when a reference lives
 *    in one, the count falls short and load says to use LIBBPF_PIN_BY_NAME
 *    or a fixed map_extra (with which the address never moves). Rarely
 *    needed: with map_extra 0 the address reserved at open depends only on
 *    the arena's definition (arena_reserve_stable()), so every process that
 *    opens the same object plans the address the first one created.
 *
 * Create: no pin yet. The arena is created with its map_extra, mapped,
 * page 0 and the globals' pages populated, the initial image copied in,
 * the header written, then pinned with bpf_obj_pin(). Two processes racing
 * here: the loser's pin fails with EEXIST and it reuses the winner's.
 * Reuse: bpf_obj_get(), bpf_map_info (type, pages, flags, map_extra), mmap
 * at map_extra with MAP_FIXED_NOREPLACE (a clash names the address and what
 * holds it), the header checked against this object: any difference in
 * page count, flags, globals size, layout or BTF is listed in one message.
 * The globals are never initialised again. Either way the programs are
 * bound to the arena (arena_bind_programs()) and libbpf gets the fd
 * (bpf_map__reuse_fd(), which also tells it not to create, fill or unpin
 * it); libbpf then finds the pin in place and leaves it.
 *
 * Lifetime: the kernel frees an arena when its last pin, fd and mapping
 * are gone. A process that dies takes only its own fds and mappings. A
 * load that created a pin and then failed removes it (arena_pin_undo());
 * closing an object never unpins: bpf_map__unpin() or unlink() does.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "pin.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define TYPE_HASH_DEPTH 12

static __u64 fnv(__u64 h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * FNV_PRIME;
	return h;
}

static __u64 fnv_u64(__u64 h, __u64 v)
{
	return fnv(h, &v, sizeof(v));
}

static __u64 fnv_str(__u64 h, const char *s)
{
	return s ? fnv(h, s, strlen(s) + 1) : fnv_u64(h, 0);
}

/* A type as far as its layout goes: kind, name, size, members with their
 * offsets and types. Pointers count by what they point to's kind and name
 * (not its members), which ends recursion through self-referencing structs.
 */
static __u64 hash_type(const struct btf *btf, __u32 id, int depth, __u64 h)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u16 kind, vlen, i;

	if (!t || depth > TYPE_HASH_DEPTH)
		return fnv_u64(h, 0xbad);
	kind = btf_kind(t);
	vlen = btf_vlen(t);
	h = fnv_u64(h, kind);
	h = fnv_str(h, btf__name_by_offset(btf, t->name_off));
	switch (kind) {
	case BTF_KIND_INT:
		h = fnv_u64(h, t->size);
		h = fnv_u64(h, *(const __u32 *)(t + 1));
		break;
	case BTF_KIND_FLOAT:
		h = fnv_u64(h, t->size);
		break;
	case BTF_KIND_PTR: {
		const struct btf_type *to = btf__type_by_id(btf, t->type);

		h = fnv_u64(h, to ? btf_kind(to) : 0);
		h = fnv_str(h, to ? btf__name_by_offset(btf, to->name_off) : NULL);
		break;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);

		h = fnv_u64(h, arr->nelems);
		h = hash_type(btf, arr->type, depth + 1, h);
		break;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		h = fnv_u64(h, t->size);
		h = fnv_u64(h, vlen);
		for (i = 0; i < vlen; i++, m++) {
			h = fnv_str(h, btf__name_by_offset(btf, m->name_off));
			h = fnv_u64(h, m->offset);
			h = hash_type(btf, m->type, depth + 1, h);
		}
		break;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		h = fnv_u64(h, t->size);
		for (i = 0; i < vlen; i++, e++) {
			h = fnv_str(h, btf__name_by_offset(btf, e->name_off));
			h = fnv_u64(h, (__u32)e->val);
		}
		break;
	}
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_VAR:
		h = hash_type(btf, t->type, depth + 1, h);
		break;
	default:
		/* enum64, type tags, functions: their size and count */
		h = fnv_u64(h, t->size);
		h = fnv_u64(h, vlen);
		break;
	}
	return h;
}

int arena_hdr_describe_btf(const struct btf *btf, size_t globals_sz, struct arena_hdr *h)
{
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	__u64 hash = FNV_OFFSET;
	int id;
	__u16 i;

	h->var_cnt = h->var_total = 0;
	h->btf_hash = fnv_u64(hash, globals_sz);
	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, ARENA_SEC, BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	hash = fnv_u64(hash, globals_sz);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(btf, vsi->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;

		hash = fnv_str(hash, name);
		hash = fnv_u64(hash, vsi->offset);
		hash = fnv_u64(hash, vsi->size);
		hash = hash_type(btf, vsi->type, 0, hash);
		h->var_total++;
		if (!name || strlen(name) >= ARENA_HDR_NAME_LEN || h->var_cnt >= ARENA_HDR_MAX_VARS)
			continue;
		snprintf(h->vars[h->var_cnt].name, ARENA_HDR_NAME_LEN, "%s", name);
		h->vars[h->var_cnt].off = vsi->offset;
		h->vars[h->var_cnt].size = vsi->size;
		h->var_cnt++;
	}
	h->btf_hash = hash;
	return 0;
}

static __u64 hdr_checksum(const struct arena_hdr *h)
{
	struct arena_hdr copy = *h;

	copy.checksum = 0;
	return fnv(FNV_OFFSET, &copy, sizeof(copy));
}

void arena_hdr_seal(struct arena_hdr *h)
{
	h->magic = ARENA_HDR_MAGIC;
	h->version = ARENA_HDR_VERSION;
	h->hdr_size = sizeof(*h);
	h->checksum = hdr_checksum(h);
}

int arena_hdr_check(const struct arena_hdr *h)
{
	if (h->magic != ARENA_HDR_MAGIC)
		return -ENOENT;
	if (h->version != ARENA_HDR_VERSION || h->hdr_size != sizeof(*h) ||
	    h->checksum != hdr_checksum(h) || h->var_cnt > ARENA_HDR_MAX_VARS)
		return -EBADMSG;
	return 0;
}

int arena_bpffs_check(const char *pin_path, const char *map_name)
{
	char *copy = strdup(pin_path), *dir;
	struct statfs st;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (statfs(dir, &st)) {
		err = -errno;
		pr_warn("arena '%s': can't pin at %s: %s: %s\n", map_name, pin_path, dir,
			strerror(-err));
	} else if ((unsigned long)st.f_type != BPF_FS_MAGIC_) {
		pr_warn("arena '%s': can't pin at %s: %s is not a BPF filesystem (type 0x%lx); "
			"mount one there first, e.g. 'mount -t bpf bpf /sys/fs/bpf'\n",
			map_name, pin_path, dir, (unsigned long)st.f_type);
		err = -EINVAL;
	}
	free(copy);
	return err;
}

/* As libbpf does before it pins: the pin's directory, one level, when it
 * would be on a BPF filesystem.
 */
static int make_parent_dir(const char *pin_path, const char *map_name)
{
	char *copy = strdup(pin_path), *dir;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (access(dir, F_OK) && errno == ENOENT) {
		err = arena_bpffs_check(dir, map_name);
		if (!err && mkdir(dir, 0700) && errno != EEXIST) {
			err = -errno;
			pr_warn("arena '%s': can't create %s for its pin: %s\n", map_name, dir,
				strerror(-err));
		}
	}
	free(copy);
	return err;
}

int arena_fd_info(int fd, struct bpf_map_info *info, const char *what)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		int err = -errno;

		pr_warn("%s: can't get the map's info: %s\n", what, strerror(-err));
		return err;
	}
	if (info->type != BPF_ARENA_MAP_TYPE) {
		pr_warn("%s: map '%s' (id %u) is not an arena (map type %u)\n", what, info->name,
			info->id, info->type);
		return -EINVAL;
	}
	return 0;
}

/* The header lives in page 0; the globals must not. */
static int check_header_room(const struct bpf_arena *a, const char *map_name)
{
	if (!a->elf.globals_sz || a->globals_off >= arena_page_size())
		return 0;
	pr_warn("arena '%s': a pinned or shared arena keeps its header in page 0, where the "
		"__arena globals are (%s): use the default globals layout (at the end) and "
		"leave at least one page free\n",
		map_name,
		a->layout == BPF_ARENA_GLOBALS_AT_ZERO ? "BPF_ARENA_GLOBALS_AT_ZERO"
						       : "they fill the arena");
	return -EINVAL;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

/* A fresh arena (ours, or one that nobody wrote to): its globals get their
 * initial image, then page 0 the header.
 */
static int init_fresh(struct bpf_arena *a, const char *map_name, __u32 map_flags)
{
	bool segv = map_flags & BPF_ARENA_F_SEGV_ON_FAULT;
	struct arena_hdr *h;
	int err;

	err = arena_populate(&a->mapping, 0, sizeof(*h), segv, map_name);
	if (!err && a->elf.globals_sz)
		err = arena_populate(&a->mapping, a->globals_off, a->elf.globals_sz, segv,
				     map_name);
	if (err)
		return err;
	if (a->elf.globals_sz)
		memcpy((char *)a->mapping.addr + a->globals_off, a->elf.globals_init,
		       a->elf.globals_sz);

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->user_addr = (unsigned long)a->mapping.addr;
	h->page_cnt = (__u32)(a->mapping.size / arena_page_size());
	h->map_flags = map_flags;
	h->layout = a->layout;
	h->globals_off = a->globals_off;
	h->globals_sz = a->elf.globals_sz;
	snprintf(h->obj_name, sizeof(h->obj_name), "%s", bpf_object__name(a->obj));
	snprintf(h->map_name, sizeof(h->map_name), "%s", map_name);
	arena_hdr_describe_btf(bpf_object__btf(a->obj), a->elf.globals_sz, h);
	arena_hdr_seal(h);
	memcpy(a->mapping.addr, h, sizeof(*h));
	free(h);
	return 0;
}

#define DIFF(buf, n, ...)                                                                       \
	do {                                                                                    \
		if ((n) < sizeof(buf))                                                          \
			(n) += snprintf((buf) + (n), sizeof(buf) - (n), "%s", (n) ? "; " : ""); \
		if ((n) < sizeof(buf))                                                          \
			(n) += snprintf((buf) + (n), sizeof(buf) - (n), __VA_ARGS__);           \
	} while (0)

static int report_incompatible(const struct bpf_arena *a, const char *map_name, const char *src,
			       const char *made_by, const char *diff)
{
	pr_warn("object '%s': arena '%s' at %s%s%s%s is not compatible with this object: %s. "
		"Load the object that made it, or unpin it to start over (its data is lost)\n",
		bpf_object__name(a->obj), map_name, src, made_by ? " (made by object '" : "",
		made_by ? made_by : "", made_by ? "')" : "", diff);
	return -EINVAL;
}

/*
 * Take the existing arena behind @fd (ours from now on: the mapping owns it)
 * for this object: check it against @def, map it at its address, read and
 * check its header. *@base gets its user address. On success a->shared says
 * whether it carries state (false: it was empty, init_fresh() it).
 */
static int adopt(struct bpf_arena *a, int fd, const struct arena_map_def *def, const char *src,
		 __u64 *base)
{
	const char *map_name = def->name;
	const __u32 flags_mask = ~(__u32)BPF_F_NUMA_NODE;
	struct bpf_map_info info;
	struct arena_hdr h;
	char what[512], diff[1024];
	size_t n = 0;
	__u64 addr;
	void *reserved = a->mapping.reserved;
	bool fresh = false;
	int err;

	a->mapping.fd = fd;
	snprintf(what, sizeof(what), "arena '%s' at %s", map_name, src);
	err = arena_fd_info(fd, &info, what);
	if (err)
		return err;
	if (info.max_entries != def->max_entries)
		DIFF(diff, n, "page count: %u there, %u in this object", info.max_entries,
		     def->max_entries);
	if ((info.map_flags & flags_mask) != (def->map_flags & flags_mask))
		DIFF(diff, n, "map_flags: 0x%x there, 0x%x in this object", info.map_flags,
		     def->map_flags);
	if (def->map_extra && info.map_extra != def->map_extra)
		DIFF(diff, n, "map_extra: 0x%llx there, 0x%llx in this object",
		     (unsigned long long)info.map_extra, (unsigned long long)def->map_extra);
	if (n)
		return report_incompatible(a, map_name, src, NULL, diff);

	addr = info.map_extra;
	if (!addr)
		/* never mapped, or its address is lost: try ours */
		addr = reserved ? (unsigned long)reserved : a->planned_addr;
	a->mapping.size = (size_t)info.max_entries * arena_page_size();
	err = addr ? arena_mmap(&a->mapping, addr, map_name) : -EINVAL;
	if (err) {
		if (!info.map_extra)
			pr_warn("arena '%s' at %s was created with map_extra 0 and mapped "
				"elsewhere by its first user: its address can't be learnt from "
				"the kernel. Create shared arenas through libbpf_arena or with "
				"map_extra set\n",
				map_name, src);
		else if (err == -EEXIST)
			pr_warn("arena '%s' at %s lives at 0x%llx in every process that maps "
				"it: this process must keep that range free\n",
				map_name, src, (unsigned long long)addr);
		return err;
	}
	if (a->mapping.reserved && a->mapping.reserved != a->mapping.addr) {
		munmap(a->mapping.reserved, a->mapping.reserved_sz);
		a->mapping.reserved = NULL;
	}
	*base = (unsigned long)a->mapping.addr;

	/* An arena set up by libbpf_arena has page 0 present, also with
	 * BPF_F_SEGV_ON_FAULT (populated by BPF then).
	 */
	memcpy(&h, a->mapping.addr, sizeof(h));
	err = arena_hdr_check(&h);
	if (err == -EBADMSG) {
		pr_warn("arena '%s' at %s: its header (page 0) is damaged: was something stored "
			"through a NULL arena pointer? Unpin it to start over\n",
			map_name, src);
		return err;
	}
	if (err == -ENOENT) {
		/* Made by someone else. Empty: it's ours to set up. */
		fresh = all_zero(a->mapping.addr, arena_page_size()) &&
			(!a->elf.globals_sz ||
			 ((info.map_flags & BPF_ARENA_F_SEGV_ON_FAULT) == 0 &&
			  all_zero((char *)a->mapping.addr + a->globals_off, a->elf.globals_sz)));
		if (!fresh) {
			pr_warn("arena '%s' at %s holds data but no libbpf_arena header: it was "
				"not set up by libbpf_arena, so where its globals are is unknown\n",
				map_name, src);
			return -EINVAL;
		}
		a->shared = false;
		return 0;
	}

	if (h.user_addr != addr)
		DIFF(diff, n, "its header says 0x%llx but it lives at 0x%llx",
		     (unsigned long long)h.user_addr, (unsigned long long)addr);
	if (h.globals_sz != a->elf.globals_sz)
		DIFF(diff, n, "globals size: %llu bytes there, %zu in this object",
		     (unsigned long long)h.globals_sz, a->elf.globals_sz);
	if (h.layout != (__u32)a->layout)
		DIFF(diff, n, "globals layout: %s there, %s in this object",
		     h.layout == BPF_ARENA_GLOBALS_AT_ZERO ? "at zero" : "at the end",
		     a->layout == BPF_ARENA_GLOBALS_AT_ZERO ? "at zero" : "at the end");
	else if (h.globals_off != a->globals_off)
		DIFF(diff, n, "globals offset: %llu there, %zu in this object",
		     (unsigned long long)h.globals_off, a->globals_off);
	if (h.page_cnt != info.max_entries)
		DIFF(diff, n, "page count: %u in its header, %u in the kernel", h.page_cnt,
		     info.max_entries);
	if (!n) {
		struct arena_hdr mine;

		memset(&mine, 0, sizeof(mine));
		arena_hdr_describe_btf(bpf_object__btf(a->obj), a->elf.globals_sz, &mine);
		if (mine.btf_hash != h.btf_hash)
			DIFF(diff, n,
			     "the types of the __arena globals (BTF of %s) differ: %u variables "
			     "there, %u in this object",
			     ARENA_SEC, h.var_total, mine.var_total);
	}
	if (n) {
		h.obj_name[sizeof(h.obj_name) - 1] = '\0';
		return report_incompatible(a, map_name, src, h.obj_name, diff);
	}
	a->shared = true;
	return 0;
}

/*
 * The object's constants were written for globals at @old_g; the arena
 * turned out to live elsewhere: find them in the programs libbpf holds and
 * move them to @new_g. Every reference must be found, or nothing changes.
 */
static int repatch_programs(struct bpf_arena *a, __u64 old_g, __u64 new_g, const char *map_name)
{
	__u64 end = old_g + a->elf.globals_sz;
	struct bpf_program *prog;
	size_t found = 0;
	int pass, err;

	for (pass = 0; pass < 2; pass++) {
		bpf_object__for_each_program(prog, a->obj) {
			const struct bpf_insn *insns = bpf_program__insns(prog);
			size_t cnt = bpf_program__insn_cnt(prog), i;
			struct bpf_insn *copy = NULL;

			for (i = 0; insns && i + 1 < cnt; i++) {
				__u64 v;

				if (insns[i].code != BPF_LD_IMM64_CODE)
					continue;
				v = (__u64)(__u32)insns[i].imm | (__u64)(__u32)insns[i + 1].imm
									 << 32;
				if (insns[i].src_reg || v < old_g || v > end) {
					i++;
					continue;
				}
				if (!pass) {
					found++;
					i++;
					continue;
				}
				if (!copy) {
					copy = malloc(cnt * sizeof(*copy));
					if (!copy)
						return -ENOMEM;
					memcpy(copy, insns, cnt * sizeof(*copy));
				}
				v = v - old_g + new_g;
				copy[i].imm = (__s32)(__u32)v;
				copy[i + 1].imm = (__s32)(__u32)(v >> 32);
				i++;
			}
			if (copy) {
				err = bpf_program__set_insns(prog, copy, cnt);
				free(copy);
				if (err)
					return err;
			}
		}
		if (!pass && found != a->elf.ref_cnt) {
			pr_warn("object '%s': arena '%s' lives at 0x%llx, not at 0x%llx where "
				"this object's globals were placed at open, and %zu of %zu "
				"references to them are in subprograms libbpf doesn't show "
				"before load. Set the pin path before open (LIBBPF_PIN_BY_NAME "
				"with pin_root_path), or give the arena a fixed map_extra\n",
				bpf_object__name(a->obj), map_name,
				(unsigned long long)(new_g - a->globals_off),
				(unsigned long long)(old_g - a->globals_off),
				a->elf.ref_cnt - found, a->elf.ref_cnt);
			return -EOPNOTSUPP;
		}
	}
	pr_debug("object '%s': %zu references to the globals moved from 0x%llx to 0x%llx\n",
		 bpf_object__name(a->obj), found, (unsigned long long)old_g,
		 (unsigned long long)new_g);
	return 0;
}

/*
 * Where to reserve the arena at open when map_extra is 0. Not where the
 * kernel's mmap would put it, which differs in every process, but at an
 * address that depends only on the arena's definition (name, pages, size of
 * the globals): every process that opens the same object plans the same
 * address, so a later one that meets the pinned arena only at load (a pin
 * path set after open, bpf_map__reuse_fd()) finds its constants already
 * right. 4 GiB slots from 64 TiB (above ASan's shadow); the arena ends where
 * its slot ends, so it never crosses a 4 GiB boundary and, unless it is
 * 4 GiB big, doesn't start on one (where its first page's pointers would be
 * NULL to BPF). A second open of the same object in one process finds that
 * taken and goes right below it, in the same slot (the k-th open of an
 * object in a process plans the same address everywhere, and arenas of one
 * size share their upper half as the kernel's own placement would have
 * them). Slot full: the kernel's choice, as before.
 */
#define STABLE_BASE (64ULL << 40)
#define STABLE_SLOTS 4096ULL
#define STABLE_TRIES 64
#define SZ_4G (1ULL << 32)

int arena_reserve_stable(struct bpf_arena *a, size_t size)
{
	const struct arena_map_def *def = &a->elf.def;
	__u64 h = fnv_str(FNV_OFFSET, def->name), slot, start;
	void *p;
	int k;

	h = fnv_u64(h, def->max_entries);
	h = fnv_u64(h, a->elf.globals_sz);
	slot = STABLE_BASE + h % STABLE_SLOTS * SZ_4G;
	for (k = 0; k < STABLE_TRIES && (__u64)(k + 1) * size <= SZ_4G; k++) {
		start = slot + SZ_4G - (__u64)(k + 1) * size;
		if (start == slot && size != SZ_4G)
			break;
		p = mmap((void *)(unsigned long)start, size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)(unsigned long)start) {
			a->mapping.reserved = p;
			a->mapping.reserved_sz = size;
			return 0;
		}
		if (p != MAP_FAILED) {
			munmap(p, size); /* a kernel without MAP_FIXED_NOREPLACE */
			break;
		}
	}
	return arena_reserve_range(size, &a->mapping, def->name);
}

int arena_pin_open(struct bpf_arena *a)
{
	const char *path = bpf_map__pin_path(a->map);
	const char *map_name = a->elf.def.name;
	__u64 base;
	int fd, err;

	if (!path || access(path, F_OK))
		return 0; /* nothing pinned yet: load creates it */
	err = arena_bpffs_check(path, map_name);
	if (err)
		return err;
	err = check_header_room(a, map_name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		pr_warn("arena '%s': can't open the pin %s: %s\n", map_name, path, strerror(-err));
		return err;
	}
	err = adopt(a, fd, &a->elf.def, path, &base);
	if (err)
		return err;
	pr_debug("arena '%s': reusing %s at 0x%llx%s\n", map_name, path, (unsigned long long)base,
		 a->shared ? "" : " (empty: set up at load)");
	if (a->elf.ref_cnt && base != a->planned_addr) {
		a->planned_addr = base;
		arena_elf_patch_refs(&a->elf, base + a->globals_off);
		return 1;
	}
	a->planned_addr = base;
	return 0;
}

/* Create the arena, set it up and pin it. -EEXIST: somebody pinned one
 * first; everything of ours is released.
 */
static int create_pinned(struct bpf_arena *a, const struct arena_map_def *def, const char *path)
{
	struct arena_map_def d = *def;
	int fd, err;

	d.map_extra = a->planned_addr ? a->planned_addr : def->map_extra;
	if (!d.map_extra) {
		/* no globals referenced: still, every process must learn the
		 * address from map_extra
		 */
		err = arena_reserve_range((size_t)def->max_entries * arena_page_size(), &a->mapping,
					  def->name);
		if (err)
			return err;
		d.map_extra = (unsigned long)a->mapping.reserved;
	}
	fd = arena_create_map(&d, d.name);
	if (fd < 0)
		return fd;
	a->mapping.fd = fd;
	a->mapping.size = (size_t)d.max_entries * arena_page_size();
	err = arena_mmap(&a->mapping, d.map_extra, d.name);
	if (!err)
		err = init_fresh(a, d.name, d.map_flags);
	if (err)
		return err;
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		if (err != -EEXIST)
			pr_warn("arena '%s': pinning it at %s failed: %s\n", d.name, path,
				strerror(-err));
		arena_mapping_release(&a->mapping);
		return err;
	}
	a->pin_made = strdup(path);
	if (!a->pin_made)
		return -ENOMEM;
	a->shared = false;
	pr_debug("arena '%s': created at 0x%llx and pinned at %s\n", d.name,
		 (unsigned long long)d.map_extra, path);
	return 0;
}

int arena_pin_load(struct bpf_arena *a, const struct arena_map_def *def)
{
	const char *path = bpf_map__pin_path(a->map);
	const char *map_name = def->name;
	__u64 base = 0, planned = a->planned_addr;
	int fd, err, tries;

	err = check_header_room(a, map_name);
	if (err)
		return err;
	if (a->mapping.addr) {
		/* taken at open (arena_pin_open()) */
		base = (unsigned long)a->mapping.addr;
	} else if (bpf_map__fd(a->map) >= 0) {
		fd = fcntl(bpf_map__fd(a->map), F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
		err = adopt(a, fd, def, "the fd given to bpf_map__reuse_fd()", &base);
		if (err)
			return err;
	} else {
		err = make_parent_dir(path, map_name);
		if (!err)
			err = arena_bpffs_check(path, map_name);
		if (err)
			return err;
		for (tries = 0;; tries++) {
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				err = adopt(a, fd, def, path, &base);
				break;
			}
			err = -errno;
			if (err != -ENOENT || tries == 2) {
				pr_warn("arena '%s': can't open the pin %s: %s\n", map_name, path,
					strerror(-err));
				break;
			}
			err = create_pinned(a, def, path);
			if (err != -EEXIST)
				break;
		}
		if (err)
			return err;
		base = (unsigned long)a->mapping.addr;
	}
	if (!a->shared && !a->pin_made) {
		/* an empty arena taken from elsewhere */
		err = init_fresh(a, map_name, def->map_flags);
		if (err)
			return err;
	}
	if (a->elf.ref_cnt && planned && base != planned) {
		err = repatch_programs(a, planned + a->globals_off, base + a->globals_off,
				       map_name);
		if (err)
			return err;
	}
	a->planned_addr = base;

	if (!a->no_prog_bind) {
		err = arena_bind_programs(a->obj, a->elf.insn_refs, a->mapping.fd);
		if (err)
			return err;
	}
	if (bpf_map__fd(a->map) < 0) {
		/* libbpf compares map_extra with the pin's before reusing it */
		err = bpf_map__set_map_extra(a->map, base);
		if (err)
			return err;
	}
	err = bpf_map__reuse_fd(a->map, a->mapping.fd);
	if (err) {
		pr_warn("arena '%s': handing it to libbpf failed: %s\n", map_name, strerror(-err));
		return err;
	}
	return 0;
}

void arena_pin_undo(struct bpf_arena *a)
{
	if (!a->pin_made)
		return;
	if (unlink(a->pin_made))
		pr_warn("arena pin %s: removing it after the failed load failed: %s\n", a->pin_made,
			strerror(errno));
	free(a->pin_made);
	a->pin_made = NULL;
}

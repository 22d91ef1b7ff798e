// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Loading and running the foreign corpus, through libbpf_arena or through
 * plain libbpf (see foreign_run.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf_arena/bpf_arena.h>

#include "foreign_run.h"
#include "progs/foreign.h"

#define ARENA_MAP_TYPE 33
#define PROG_LOG_SZ (1U << 20)

int foreign_open(struct foreign_obj *fo, const char *path, enum foreign_via via,
		 const struct bpf_arena_open_opts *opts)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	memset(fo, 0, sizeof(*fo));
	fo->via = via;
	fo->obj = via == FOREIGN_VIA_ARENA ? bpf_arena__open_file(path, opts)
					   : bpf_object__open_file(path, NULL);
	if (!fo->obj)
		return -errno;
	bpf_object__for_each_map(map, fo->obj)
		if (bpf_map__type(map) == ARENA_MAP_TYPE)
			fo->arena = map;
	bpf_object__for_each_program(prog, fo->obj) {
		char **logs = realloc(fo->logs, (fo->log_cnt + 1) * sizeof(*logs));

		if (!logs)
			return -ENOMEM;
		fo->logs = logs;
		logs[fo->log_cnt] = calloc(1, PROG_LOG_SZ);
		if (!logs[fo->log_cnt])
			return -ENOMEM;
		/* level 0: libbpf asks again with level 1 only on a refusal */
		bpf_program__set_log_buf(prog, logs[fo->log_cnt++], PROG_LOG_SZ);
	}
	if (via == FOREIGN_VIA_LIBBPF && fo->arena) {
		size_t sz = 0;
		const void *img = bpf_map__initial_value(fo->arena, &sz);

		if (img && sz) {
			fo->image = malloc(sz);
			if (!fo->image)
				return -ENOMEM;
			memcpy(fo->image, img, sz);
			fo->globals_sz = sz;
		}
	}
	return 0;
}

static bool skip_line(const char *line, size_t len)
{
	static const char *const noise[] = { "processed ", "verification time", "stack depth",
					     "mark_precise", "-- " };
	size_t i;

	if (!len)
		return true;
	for (i = 0; i < sizeof(noise) / sizeof(noise[0]); i++)
		if (!strncmp(line, noise[i], strlen(noise[i])))
			return true;
	return false;
}

/* The verifier's reason: the last line of the log that isn't a summary. */
static void refusal_reason(const char *log, char *out, size_t out_sz)
{
	const char *line = log, *best = NULL;
	size_t best_len = 0;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (!skip_line(line, len)) {
			best = line;
			best_len = len;
		}
		line += len + (end ? 1 : 0);
	}
	if (!best)
		snprintf(out, out_sz, "(no verifier log)");
	else
		snprintf(out, out_sz, "%.*s", (int)best_len, best);
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* libbpf 1.4-1.6 put the globals at the arena's start, 1.7+ at its end
 * where the kernel allows it: find the copy of the image.
 */
static void locate_globals_libbpf(struct foreign_obj *fo)
{
	size_t page = page_size(), end_off;

	if (!fo->image || !fo->base) {
		fo->globals = NULL;
		return;
	}
	end_off = fo->size - (fo->globals_sz + page - 1) / page * page;
	fo->globals = fo->base;
	if (memcmp(fo->base, fo->image, fo->globals_sz) &&
	    !memcmp(fo->base + end_off, fo->image, fo->globals_sz))
		fo->globals = fo->base + end_off;
}

int foreign_load(struct foreign_obj *fo)
{
	struct bpf_program *prog;
	size_t i = 0, sz = 0;
	int err;

	err = fo->via == FOREIGN_VIA_ARENA ? bpf_arena__load(fo->obj) : bpf_object__load(fo->obj);
	if (err) {
		bpf_object__for_each_program(prog, fo->obj) {
			char why[900];

			if (i < fo->log_cnt && fo->logs[i][0]) {
				refusal_reason(fo->logs[i], why, sizeof(why));
				snprintf(fo->refused, sizeof(fo->refused), "prog '%s': %s",
					 bpf_program__name(prog), why);
				break;
			}
			i++;
		}
		if (!fo->refused[0])
			snprintf(fo->refused, sizeof(fo->refused), "no verifier log: %s",
				 strerror(-err));
		return err;
	}
	if (!fo->arena)
		return 0;
	fo->size = (size_t)bpf_map__max_entries(fo->arena) * page_size();
	if (fo->via == FOREIGN_VIA_ARENA) {
		struct bpf_arena *a = bpf_arena__from_object(fo->obj);

		fo->base = a ? bpf_arena__base(a) : NULL;
		fo->globals = a ? bpf_arena__globals(a, &fo->globals_sz) : NULL;
	} else {
		/* upstream: the arena itself after load */
		fo->base = (char *)bpf_map__initial_value(fo->arena, &sz);
		locate_globals_libbpf(fo);
	}
	return fo->base ? 0 : -ENOENT;
}

void foreign_close(struct foreign_obj *fo)
{
	size_t i;

	if (fo->via == FOREIGN_VIA_ARENA)
		bpf_arena__close(fo->obj);
	else
		bpf_object__close(fo->obj);
	for (i = 0; i < fo->log_cnt; i++)
		free(fo->logs[i]);
	free(fo->logs);
	free(fo->image);
	memset(fo, 0, sizeof(*fo));
}

void *foreign_global(struct foreign_obj *fo, const char *name, size_t *size)
{
	struct btf *btf = bpf_object__btf(fo->obj);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	int id;
	__u32 i;

	if (!btf || !fo->globals)
		return NULL;
	id = btf__find_by_name_kind(btf, ".addr_space.1", BTF_KIND_DATASEC);
	if (id < 0)
		return NULL;
	sec = btf__type_by_id(btf, id);
	vsi = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(btf, vsi->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (size)
			*size = vsi->size;
		return fo->globals + vsi->offset;
	}
	return NULL;
}

__u64 foreign_in_value(size_t word)
{
	return foreign_in_word(word);
}

__u64 foreign_prepare_inputs(struct foreign_obj *fo)
{
	static const __u64 vals[FOREIGN_LIST_LEN] = FOREIGN_LIST_VALS;
	struct btf *btf = bpf_object__btf(fo->obj);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	struct foreign_node *nodes;
	size_t page = page_size(), k;
	int id;
	__u32 i;

	if (!fo->base)
		return 0;
	id = btf ? btf__find_by_name_kind(btf, ".addr_space.1", BTF_KIND_DATASEC) : -1;
	sec = id >= 0 ? btf__type_by_id(btf, id) : NULL;
	vsi = sec ? btf_var_secinfos(sec) : NULL;
	for (i = 0; sec && i < btf_vlen(sec); i++, vsi++) {
		const char *name =
			btf__name_by_offset(btf, btf__type_by_id(btf, vsi->type)->name_off);
		__u64 *w = (__u64 *)(fo->globals + vsi->offset);

		if (strncmp(name, "in_", 3))
			continue;
		if (!strcmp(name, "in_pid")) {
			*w = (__u64)getpid();
			continue;
		}
		for (k = 0; k < vsi->size / sizeof(__u64); k++)
			w[k] = foreign_in_value(k);
	}
	/* a page in the middle: neither the globals (first or last pages)
	 * nor what BPF allocates (from the lowest free page)
	 */
	nodes = (struct foreign_node *)(fo->base + fo->size / page / 2 * page);
	for (k = 0; k < FOREIGN_LIST_LEN; k++) {
		nodes[k].val = vals[k];
		nodes[k].next = k + 1 < FOREIGN_LIST_LEN ? &nodes[k + 1] : NULL;
	}
	return (__u64)(unsigned long)nodes;
}

struct packet {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
	char payload[8];
} __attribute__((packed));

static void build_packet(struct packet *p)
{
	static const unsigned char dst[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };

	memset(p, 0, sizeof(*p));
	memcpy(p->eth.h_dest, dst, ETH_ALEN);
	memcpy(p->eth.h_source, src, ETH_ALEN);
	p->eth.h_proto = htons(ETH_P_IP);
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 64;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p) - sizeof(p->eth));
	p->ip.saddr = htonl(FOREIGN_PKT_SADDR);
	p->ip.daddr = htonl(FOREIGN_PKT_DADDR);
	p->udp.source = htons(FOREIGN_PKT_SPORT);
	p->udp.dest = htons(FOREIGN_PKT_DPORT);
	p->udp.len = htons(sizeof(p->udp) + sizeof(p->payload));
	memcpy(p->payload, "foreign!", sizeof(p->payload));
}

void foreign_prepare_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return;
	/* left mounted: other users of this machine expect it, as most
	 * distributions mount it at boot
	 */
	mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static void trigger_syscalls(void)
{
	int i;

	for (i = 0; i < FOREIGN_PGID_CALLS; i++)
		syscall(FOREIGN_NR_GETPGID, FOREIGN_PGID_ARG);
	for (i = 0; i < FOREIGN_PRIO_CALLS; i++)
		syscall(FOREIGN_NR_GETPRIORITY, FOREIGN_PRIO_WHICH, FOREIGN_PRIO_WHO);
}

int foreign_run_prog(struct foreign_obj *fo, struct bpf_program *prog, __u64 list_head, int *retval,
		     struct foreign_args *args_out)
{
	struct foreign_args args = { (__u64)(unsigned long)fo->base, FOREIGN_ARG_A, list_head, 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct bpf_link *link;
	struct packet pkt;
	char out[256];
	int err;

	*retval = 0;
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_SYSCALL:
		opts.ctx_in = &args;
		opts.ctx_size_in = sizeof(args);
		break;
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
		build_packet(&pkt);
		opts.data_in = &pkt;
		opts.data_size_in = sizeof(pkt);
		opts.data_out = out;
		opts.data_size_out = sizeof(out);
		opts.repeat = 1;
		break;
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_TRACEPOINT:
		link = bpf_program__attach(prog);
		if (!link)
			return -errno;
		trigger_syscalls();
		bpf_link__destroy(link);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return -errno;
	*retval = (int)opts.retval;
	if (args_out)
		*args_out = args;
	return 0;
}

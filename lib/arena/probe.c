// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel feature probes for BPF arenas: how this works.
 *
 * Arena support reached the kernel in pieces, so "does this kernel have
 * arenas" has many answers. Each probe here asks the kernel the way a user
 * would and checks the effect, never a version number: versions lie on
 * distribution kernels, which backport some pieces and not others.
 *
 * One probe arena of 1 GiB (room for the 512 MiB offset probe) is created and
 * mmapped by user space, which also writes into its first page so that the
 * page exists before any program runs (a BPF store to a page nobody
 * populated is dropped silently). That first page is cut into slots, one per
 * probe, where user space leaves inputs and programs leave results; the
 * kfunc probes each get pages of their own further up. The programs are
 * assembled here instruction by instruction, loaded as sleepable
 * BPF_PROG_TYPE_SYSCALL programs (which BPF_PROG_TEST_RUN runs without a
 * packet or a context; the non-sleepable probe uses a raw tracepoint
 * program) and run once; user space then reads what they wrote through the
 * mapping.
 * Where a flag needs an arena of its own (BPF_F_SEGV_ON_FAULT,
 * BPF_F_NO_USER_CONV) it gets a one-page one.
 *
 * A refusal is reported with the kernel's own words: the errno of the
 * syscall and the verifier's last message. Everything created is closed and
 * unmapped before returning. The answers are cached for the process.
 *
 * This file runs the probes in order, caches their answers and holds the
 * public API. The probes live by kernel area: probe_map.c (the map and its
 * flags), probe_verifier.c (casts, the JIT, atomics, direct values,
 * arg:arena), probe_kfunc.c (the kernel's BTF and the kfuncs),
 * probe_streams.c (streams and fault reports); probe_prog.c loads and runs
 * their programs, probe_caps.c holds the tables, probe_internal.h what they
 * share.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf_arena/bpf_arena.h>

#include "log.h"
#include "probe.h"
#include "probe_internal.h"

#ifndef CAP_BPF
#define CAP_PERFMON 38
#define CAP_BPF 39
#endif

/* ---- the process's privileges ------------------------------------------ */

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

static void probe_privileges(struct probe_ctx *c)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	static const int wanted[] = { CAP_BPF, CAP_PERFMON };
	static const enum bpf_arena_probe_cap which[] = { BPF_ARENA_CAP_CAP_BPF,
							  BPF_ARENA_CAP_CAP_PERFMON };
	bool admin;
	size_t i;

	if (syscall(SYS_capget, &hdr, data)) {
		for (i = 0; i < ARRAY_SIZE(wanted); i++)
			arena_probe_set_res(c, which[i], BPF_ARENA_PROBE_UNKNOWN, errno,
					    "capget: %s", strerror(errno));
		return;
	}
	admin = has_cap(data, CAP_SYS_ADMIN);
	for (i = 0; i < ARRAY_SIZE(wanted); i++) {
		if (has_cap(data, wanted[i]))
			arena_probe_set_res(c, which[i], BPF_ARENA_PROBE_SUPPORTED, 0,
					    "effective capability");
		else if (admin)
			arena_probe_set_res(c, which[i], BPF_ARENA_PROBE_SUPPORTED, 0,
					    "implied by CAP_SYS_ADMIN");
		else
			arena_probe_set_res(c, which[i], BPF_ARENA_PROBE_MISSING, EPERM,
					    "not in the effective set: run as root or grant it");
	}
}

/* Everything that needs the probe arena gets this answer when there is none. */
static void inherit_map_answer(struct probe_ctx *c, enum bpf_arena_probe_cap cap)
{
	const struct bpf_arena_probe_result *m = &c->res[BPF_ARENA_CAP_MAP_TYPE];

	arena_probe_set_res(c, cap,
			    m->status == BPF_ARENA_PROBE_MISSING ? BPF_ARENA_PROBE_MISSING
								 : BPF_ARENA_PROBE_UNKNOWN,
			    m->err, "needs an arena: %s", m->reason);
}

static void run_probes(struct probe_ctx *c)
{
	bool have_arena;
	size_t i;

	probe_privileges(c);
	arena_probe_kernel_btf(c);
	arena_probe_streams(c);
	have_arena = arena_probe_map_type(c) == 0;

	if (have_arena) {
		arena_probe_cast(c);
		arena_probe_jit(c);
		for (i = 0; i < arena_probe_atomic_cnt; i++)
			arena_probe_atomic(c, &arena_probe_atomics[i], i);
		arena_probe_arg_arena(c);
		arena_probe_direct_value(c, BPF_ARENA_CAP_GLOBALS, SLOT_GLOBALS * SLOT_SZ);
		arena_probe_direct_value(c, BPF_ARENA_CAP_BIG_OFFSETS, PROBE_BIG_OFF);
		arena_probe_fault_report(c);
	} else {
		arena_probe_cast_without_arena(c);
		for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
			switch (i) {
			case BPF_ARENA_CAP_MAP_TYPE:
			case BPF_ARENA_CAP_ADDR_SPACE_CAST:
			case BPF_ARENA_CAP_CAP_BPF:
			case BPF_ARENA_CAP_CAP_PERFMON:
			case BPF_ARENA_CAP_STREAMS:
				break;
			default:
				inherit_map_answer(c, i);
			}
		}
	}
	/* The kfuncs are missing when BTF lacks them, whatever else. */
	if (arena_probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, KF_ALLOC) && have_arena)
		arena_probe_alloc(c, BPF_ARENA_CAP_KFUNC_ALLOC_PAGES, PAGE_ALLOC, SLOT_ALLOC, true);
	if (arena_probe_kfunc_in_btf(c, BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, KF_ALLOC) && have_arena)
		arena_probe_alloc(c, BPF_ARENA_CAP_NONSLEEPABLE_ALLOC, PAGE_NONSLEEP, SLOT_NONSLEEP,
				  false);
	if (arena_probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_FREE_PAGES, KF_FREE) && have_arena &&
	    c->kfunc_id[KF_ALLOC])
		arena_probe_free(c);
	if (arena_probe_kfunc_in_btf(c, BPF_ARENA_CAP_KFUNC_RESERVE_PAGES, KF_RESERVE) &&
	    have_arena && c->kfunc_id[KF_ALLOC])
		arena_probe_reserve(c);
	if (have_arena) {
		arena_probe_segv_on_fault(c);
		arena_probe_no_user_conv(c);
	}

	if (c->base)
		munmap(c->base, PROBE_ARENA_SZ);
	if (c->arena_fd >= 0)
		close(c->arena_fd);
}

/* ---- the cache and the API ------------------------------------------- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bpf_arena_probe_result cache[__BPF_ARENA_CAP_CNT];
static bool cache_valid;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Fill the cache if needed; called with cache_lock held. */
static int ensure_probed(bool fresh)
{
	struct probe_ctx *c;
	double t0;
	size_t i;

	if (cache_valid && !fresh)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->res = calloc(__BPF_ARENA_CAP_CNT, sizeof(*c->res));
	if (!c->res) {
		free(c);
		return -ENOMEM;
	}
	c->arena_fd = -1;
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++) {
		c->res[i].cap = i;
		c->res[i].name = arena_probe_caps[i].name;
		c->res[i].desc = arena_probe_caps[i].what;
		c->res[i].since = arena_probe_caps[i].since;
		c->res[i].patch = arena_probe_caps[i].patch;
		snprintf(c->res[i].reason, sizeof(c->res[i].reason), "not probed");
	}
	t0 = now_ms();
	run_probes(c);
	pr_debug("kernel feature probes took %.1f ms\n", now_ms() - t0);
	for (i = 0; i < __BPF_ARENA_CAP_CNT; i++)
		pr_debug("probe %s: %s: %s\n", c->res[i].name,
			 bpf_arena__probe_status_str(c->res[i].status), c->res[i].reason);
	memcpy(cache, c->res, sizeof(cache));
	cache_valid = true;
	free(c->res);
	free(c);
	return 0;
}

/* libbpf's OPTS_VALID: a caller's struct may be larger than ours only if
 * the bytes we don't know are zero.
 */
static bool probe_opts_valid(const struct bpf_arena_probe_opts *opts)
{
	size_t known = offsetof(struct bpf_arena_probe_opts, no_cache) + sizeof(opts->no_cache);
	const char *p = (const char *)opts;
	size_t i;

	if (!opts)
		return true;
	if (opts->sz < sizeof(size_t))
		return false;
	for (i = known; i < opts->sz; i++)
		if (p[i])
			return false;
	return true;
}

static bool probe_opts_fresh(const struct bpf_arena_probe_opts *opts)
{
	size_t end = offsetof(struct bpf_arena_probe_opts, no_cache) + sizeof(opts->no_cache);

	return opts && opts->sz >= end && opts->no_cache;
}

BPF_ARENA_API int bpf_arena__probe(struct bpf_arena_probe_result *results, size_t cnt,
				   const struct bpf_arena_probe_opts *opts)
{
	int err;

	if (!probe_opts_valid(opts) || (cnt && !results)) {
		errno = EINVAL;
		return -EINVAL;
	}
	pthread_mutex_lock(&cache_lock);
	err = ensure_probed(probe_opts_fresh(opts));
	if (!err && cnt)
		memcpy(results, cache,
		       (cnt < __BPF_ARENA_CAP_CNT ? cnt : __BPF_ARENA_CAP_CNT) * sizeof(*cache));
	pthread_mutex_unlock(&cache_lock);
	if (err) {
		errno = -err;
		return err;
	}
	return __BPF_ARENA_CAP_CNT;
}

BPF_ARENA_API int bpf_arena__probe_cap(enum bpf_arena_probe_cap cap,
				       struct bpf_arena_probe_result *result,
				       const struct bpf_arena_probe_opts *opts)
{
	int err;

	if ((unsigned int)cap >= __BPF_ARENA_CAP_CNT || !result || !probe_opts_valid(opts)) {
		errno = EINVAL;
		return -EINVAL;
	}
	pthread_mutex_lock(&cache_lock);
	err = ensure_probed(probe_opts_fresh(opts));
	if (!err)
		*result = cache[cap];
	pthread_mutex_unlock(&cache_lock);
	if (err)
		errno = -err;
	return err;
}

const enum bpf_arena_probe_cap arena_probe_needed[] = {
	BPF_ARENA_CAP_MAP_TYPE,
	BPF_ARENA_CAP_ADDR_SPACE_CAST,
	BPF_ARENA_CAP_JIT_LOAD_STORE,
};
const size_t arena_probe_needed_cnt = ARRAY_SIZE(arena_probe_needed);

BPF_ARENA_API int bpf_arena__probe_usable(const struct bpf_arena_probe_opts *opts)
{
	struct bpf_arena_probe_result r[__BPF_ARENA_CAP_CNT];
	int err = bpf_arena__probe(r, __BPF_ARENA_CAP_CNT, opts);
	int unknown_err = 0;
	size_t i;

	if (err < 0)
		return err;
	for (i = 0; i < arena_probe_needed_cnt; i++) {
		const struct bpf_arena_probe_result *x = &r[arena_probe_needed[i]];

		if (x->status == BPF_ARENA_PROBE_MISSING)
			return 0;
		if (x->status == BPF_ARENA_PROBE_UNKNOWN && !unknown_err)
			unknown_err = x->err ? x->err : EIO;
	}
	if (unknown_err) {
		errno = unknown_err;
		return -unknown_err;
	}
	return 1;
}

BPF_ARENA_API const char *bpf_arena__probe_cap_str(enum bpf_arena_probe_cap cap)
{
	if ((unsigned int)cap >= __BPF_ARENA_CAP_CNT)
		return NULL;
	return arena_probe_caps[cap].name;
}

BPF_ARENA_API const char *bpf_arena__probe_status_str(enum bpf_arena_probe_status status)
{
	switch (status) {
	case BPF_ARENA_PROBE_UNKNOWN:
		return "unknown";
	case BPF_ARENA_PROBE_SUPPORTED:
		return "supported";
	case BPF_ARENA_PROBE_MISSING:
		return "missing";
	}
	return NULL;
}

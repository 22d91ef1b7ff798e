// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel feature probes' tables: what each capability is and since when
 * upstream has it (for the results, the messages and the manifest), the
 * atomic operations probed one by one, and the names of the kfuncs looked
 * up in the kernel's BTF.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf_arena/bpf_arena_probe.h>

#include "probe_internal.h"

#if defined(__aarch64__)
#define JIT_SINCE "6.10"
#define JIT_PATCH "arena-jit-arm64-mem32"
#else
#define JIT_SINCE "6.9"
#define JIT_PATCH "arena-jit-x86-mem32"
#endif
/* No x86-64 kernel up to 6.18 JITs fetch-and/or/xor on arena memory
 * (bpf_jit_supports_insn() refuses them).
 */
#define ATOMIC_FETCH_SINCE "none yet"
#define ATOMIC_FETCH_PATCH "arena-atomics-fetch-x86"

const struct cap_info arena_probe_caps[__BPF_ARENA_CAP_CNT] = {
	[BPF_ARENA_CAP_MAP_TYPE] = { "map_type", "the BPF arena map type (BPF_MAP_TYPE_ARENA)",
				     "6.9", "arena-map" },
	[BPF_ARENA_CAP_KFUNC_ALLOC_PAGES] = { "kfunc_alloc_pages",
					      "the kfunc bpf_arena_alloc_pages", "6.9",
					      "arena-map" },
	[BPF_ARENA_CAP_KFUNC_FREE_PAGES] = { "kfunc_free_pages", "the kfunc bpf_arena_free_pages",
					     "6.9", "arena-map" },
	[BPF_ARENA_CAP_KFUNC_RESERVE_PAGES] = { "kfunc_reserve_pages",
						"the kfunc bpf_arena_reserve_pages", "6.17",
						"arena-reserve-pages" },
	[BPF_ARENA_CAP_ADDR_SPACE_CAST] = { "addr_space_cast",
					    "the addr_space_cast instruction in the verifier",
					    "6.9", "arena-verifier-cast" },
	[BPF_ARENA_CAP_JIT_LOAD_STORE] = { "jit_load_store",
					   "a JIT that runs arena loads and stores", JIT_SINCE,
					   JIT_PATCH },
	[BPF_ARENA_CAP_ATOMIC_ADD] = { "atomic_add", "atomic add on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_FETCH_ADD] = { "atomic_fetch_add", "atomic fetch-add on arena memory",
					     "6.10", "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_XCHG] = { "atomic_xchg", "atomic xchg on arena memory", "6.10",
					"arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_CMPXCHG] = { "atomic_cmpxchg", "atomic cmpxchg on arena memory",
					   "6.10", "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_AND] = { "atomic_and", "atomic and on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_OR] = { "atomic_or", "atomic or on arena memory", "6.10",
				      "arena-atomics-x86" },
	[BPF_ARENA_CAP_ATOMIC_XOR] = { "atomic_xor", "atomic xor on arena memory", "6.10",
				       "arena-atomics-x86" },
	[BPF_ARENA_CAP_ARG_ARENA] = { "arg_arena", "__arg_arena arguments of global functions",
				      "6.9", "arena-arg-tag" },
	[BPF_ARENA_CAP_GLOBALS] = { "globals",
				    "__arena globals (a direct value address into the arena)",
				    "6.9", "arena-verifier-cast" },
	[BPF_ARENA_CAP_BIG_OFFSETS] = { "big_offsets",
					"direct value offsets of 512 MiB and more into an arena",
					"after 6.18", "arena-big-offsets" },
	[BPF_ARENA_CAP_SEGV_ON_FAULT] = { "segv_on_fault", "the arena flag BPF_F_SEGV_ON_FAULT",
					  "6.9", "arena-map" },
	[BPF_ARENA_CAP_NO_USER_CONV] = { "no_user_conv", "the arena flag BPF_F_NO_USER_CONV", "6.9",
					 "arena-map" },
	[BPF_ARENA_CAP_NONSLEEPABLE_ALLOC] = { "nonsleepable_alloc",
					       "arena allocation from non-sleepable programs",
					       "7.0", "arena-nonsleepable-alloc" },
	[BPF_ARENA_CAP_STREAMS] = { "streams", "BPF streams (bpf_stream_vprintk, read by prog fd)",
				    "6.17", "bpf-streams" },
	[BPF_ARENA_CAP_CAP_BPF] = { "cap_bpf", "CAP_BPF (or CAP_SYS_ADMIN) in this process", "5.8",
				    "cap-bpf" },
	[BPF_ARENA_CAP_CAP_PERFMON] = { "cap_perfmon",
					"CAP_PERFMON (or CAP_SYS_ADMIN) in this process", "5.8",
					"cap-perfmon" },
	[BPF_ARENA_CAP_FAULT_REPORT] = { "fault_report",
					 "arena faults reported on the program's BPF stderr stream",
					 "6.18", "arena-fault-stream" },
	[BPF_ARENA_CAP_ATOMIC_FETCH_AND] = { "atomic_fetch_and", "atomic fetch-and on arena memory",
					     ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
	[BPF_ARENA_CAP_ATOMIC_FETCH_OR] = { "atomic_fetch_or", "atomic fetch-or on arena memory",
					    ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
	[BPF_ARENA_CAP_ATOMIC_FETCH_XOR] = { "atomic_fetch_xor", "atomic fetch-xor on arena memory",
					     ATOMIC_FETCH_SINCE, ATOMIC_FETCH_PATCH },
};

/* Each atomic's before, operand and after differ, so that user space sees
 * whether the operation took place.
 */
const struct atomic_probe arena_probe_atomics[] = {
	{ BPF_ARENA_CAP_ATOMIC_ADD, BPF_ADD, 5, 10, 15, false },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_ADD, BPF_ADD | BPF_FETCH, 5, 10, 15, true },
	{ BPF_ARENA_CAP_ATOMIC_XCHG, BPF_XCHG, 7, 10, 7, true },
	{ BPF_ARENA_CAP_ATOMIC_CMPXCHG, BPF_CMPXCHG, 42, 10, 42, true },
	{ BPF_ARENA_CAP_ATOMIC_AND, BPF_AND, 0xff00, 0xf0f0, 0xf000, false },
	{ BPF_ARENA_CAP_ATOMIC_OR, BPF_OR, 0x0f, 0xf0, 0xff, false },
	{ BPF_ARENA_CAP_ATOMIC_XOR, BPF_XOR, 0x0f, 0xff, 0xf0, false },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_AND, BPF_AND | BPF_FETCH, 0xff00, 0xf0f0, 0xf000, true },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_OR, BPF_OR | BPF_FETCH, 0x0f, 0xf0, 0xff, true },
	{ BPF_ARENA_CAP_ATOMIC_FETCH_XOR, BPF_XOR | BPF_FETCH, 0x0f, 0xff, 0xf0, true },
};

const size_t arena_probe_atomic_cnt = ARRAY_SIZE(arena_probe_atomics);

/* bpf_stream_vprintk() was renamed bpf_stream_vprintk_impl() (same
 * arguments) when the verifier learnt to pass implicit arguments itself.
 */
const char *const arena_probe_kfunc_names[KF_CNT] = {
	"bpf_arena_alloc_pages",   "bpf_arena_free_pages", "bpf_arena_reserve_pages",
	"bpf_stream_vprintk_impl", "bpf_stream_vprintk",
};

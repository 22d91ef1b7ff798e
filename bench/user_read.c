// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading every entry that BPF stored, the ways user space can: following
 * the arena table's pointers as they are (the same walk serves the native
 * table, the limit), one get_next_key + lookup syscall pair per key, and
 * BPF_MAP_LOOKUP_BATCH. Each reader adds key + value of every entry to a
 * sum the caller checks, so a reader that skips or repeats entries fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include "bench.h"
#include "bench_user.h"

__u64 bench_walk_htab(struct arena_htab *t, __u64 *sum)
{
	struct arena_htab_elem *e;
	__u64 count = 0, s = 0;
	int b;

	arena_htab_for_each_unlocked(e, b, t) {
		s += *(__u64 *)arena_htab_elem_key(e) + *(__u64 *)arena_htab_elem_value(t, e);
		count++;
	}
	*sum += s;
	return count;
}

/* The flat table: its bucket array from start to end, every slot read and
 * kept or dropped by its tag without a branch (a tag's top bit is set iff
 * the slot holds an entry), so the loop streams through memory at the
 * prefetcher's pace instead of mispredicting on every fourth slot. Keys and
 * values are 8 bytes here.
 */
__u64 bench_walk_fhtab(struct arena_fhtab *t, __u64 *sum)
{
	const char *bk = (const char *)t->buckets, *end;
	__u64 count = 0, s = 0, meta, bit, bsize = t->bucket_size, slot = t->slot_size;
	__u64 slots = t->slots, i;

	end = bk + arena_fhtab_nr_buckets(t) * bsize;
	for (; bk < end; bk += bsize) {
		meta = ((const struct arena_fhtab_bucket *)bk)->meta;
		for (i = 0; i < slots; i++) {
			const __u64 *kv = (const __u64 *)(bk + ARENA_FHTAB_HDR + i * slot);

			bit = (meta >> (8 * i + 7)) & 1;
			s += (kv[0] + kv[1]) & (0 - bit);
			count += bit;
		}
	}
	*sum += s;
	return count;
}

__u64 bench_read_per_key(int map_fd, __u64 *sum)
{
	__u64 key = 0, next, val, count = 0, s = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		if (bpf_map_lookup_elem(map_fd, &next, &val))
			break;
		s += next + val;
		count++;
		key = next;
		prev = &key;
	}
	*sum += s;
	return count;
}

/* The batch buffers: allocated once and kept, as a reader that polls a
 * map would, so the figure is the syscalls' and not malloc's.
 */
static __u64 *batch_keys, *batch_vals;
static __u64 batch_cap;

static int batch_buffers(__u64 batch)
{
	if (batch <= batch_cap)
		return 0;
	free(batch_keys);
	free(batch_vals);
	batch_keys = malloc(batch * sizeof(__u64));
	batch_vals = malloc(batch * sizeof(__u64));
	batch_cap = batch_keys && batch_vals ? batch : 0;
	return batch_cap ? 0 : -ENOMEM;
}

__u64 bench_read_batch(int map_fd, __u64 batch, __u64 *sum)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 in = 0, out = 0, count = 0, s = 0, i;
	void *in_batch = NULL;
	__u32 got;
	int err;

	if (batch_buffers(batch))
		return 0;
	for (;;) {
		got = (__u32)batch;
		err = bpf_map_lookup_batch(map_fd, in_batch, &out, batch_keys, batch_vals, &got,
					   &opts);
		if (err && err != -ENOENT)
			break;
		for (i = 0; i < got; i++)
			s += batch_keys[i] + batch_vals[i];
		count += got;
		if (err)
			break; /* -ENOENT: that was the last batch */
		in = out;
		in_batch = &in;
	}
	*sum += s;
	return count;
}

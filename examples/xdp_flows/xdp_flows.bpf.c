// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Packets per flow, counted by XDP in an arena hash table: every TCP or UDP
 * packet over IPv4 or IPv6 bumps its 5-tuple's counters; everything passes.
 * The table lives in the arena, so user space (xdp_flows.c) reads it with
 * plain pointers while packets arrive, without a syscall per flow.
 *
 * XDP can't sleep, and so can't ask the kernel for arena pages: the sleepable
 * setup program fills the heap's pool and creates the table once, and the
 * XDP program allocates elements from that pool.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf_arena/bpf_arena_common.h>

#include "xdp_flows.h"

#define AF_INET 2
#define AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024); /* 4 MiB */
} arena SEC(".maps");

struct xdp_flows __arena_global flows;

SEC("syscall")
int setup(void *ctx)
{
	int err;

	err = arena_heap_refill(&flows.heap, &arena, XDP_FLOWS_POOL_PAGES);
	if (!err)
		err = arena_htab_init(&flows.table, &flows.heap, sizeof(struct flow_key),
				      sizeof(struct flow_stats), XDP_FLOWS_MAX);
	arena_deref(&flows)->setup_err = err;
	return err;
}

/* The ports of a TCP or UDP header at @l4; -1 if the packet is too short or
 * of another protocol.
 */
static __always_inline int parse_ports(void *l4, void *end, __u8 proto, struct flow_key *k)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > end)
			return -1;
		k->sport = th->source;
		k->dport = th->dest;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > end)
			return -1;
		k->sport = uh->source;
		k->dport = uh->dest;
	} else {
		return -1;
	}
	k->proto = proto;
	return 0;
}

static __always_inline int parse(struct xdp_md *xdp, struct flow_key *k)
{
	void *data = (void *)(long)xdp->data;
	void *end = (void *)(long)xdp->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->ihl < 5)
			return -1;
		/* a fragment after the first has no ports */
		if (ip->frag_off & bpf_htons(0x1fff))
			return -1;
		k->family = AF_INET;
		k->saddr[10] = k->saddr[11] = 0xff;
		k->daddr[10] = k->daddr[11] = 0xff;
		__builtin_memcpy(&k->saddr[12], &ip->saddr, 4);
		__builtin_memcpy(&k->daddr[12], &ip->daddr, 4);
		return parse_ports((void *)ip + ip->ihl * 4, end, ip->protocol, k);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return -1;
		/* TCP or UDP right after the fixed header; extension
		 * headers are counted as "other"
		 */
		k->family = AF_INET6;
		__builtin_memcpy(k->saddr, &ip6->saddr, 16);
		__builtin_memcpy(k->daddr, &ip6->daddr, 16);
		return parse_ports(ip6 + 1, end, ip6->nexthdr, k);
	}
	return -1;
}

SEC("xdp")
int count_flows(struct xdp_md *xdp)
{
	struct flow_stats init = { .packets = 1 };
	struct flow_stats __arena *s;
	struct flow_key k;
	int err;

	/* the frame's length (a helper: the verifier refuses a subtraction
	 * of packet pointers)
	 */
	init.bytes = bpf_xdp_get_buff_len(xdp);
	__builtin_memset(&k, 0, sizeof(k));
	arena_atomic_add(&arena_deref(&flows)->packets, 1);
	if (parse(xdp, &k)) {
		arena_atomic_add(&arena_deref(&flows)->other, 1);
		return XDP_PASS;
	}
	s = arena_htab_lookup(&flows.table, &k);
	if (!s) {
		err = arena_htab_update(&flows.table, &k, &init, ARENA_HTAB_NOEXIST);
		if (!err)
			return XDP_PASS;
		/* another CPU inserted the same flow first: count on it */
		if (err == -EEXIST)
			s = arena_htab_lookup(&flows.table, &k);
		if (!s) {
			arena_atomic_add(&arena_deref(&flows)->not_counted, 1);
			return XDP_PASS;
		}
	}
	arena_atomic_add(&arena_deref(s)->packets, 1);
	arena_atomic_add(&arena_deref(s)->bytes, init.bytes);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

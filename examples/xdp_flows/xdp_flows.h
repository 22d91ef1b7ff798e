/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What xdp_flows.bpf.c and xdp_flows.c share: the flow key, its counters,
 * and the one __arena global that holds the heap and the hash table. The
 * same header compiles for BPF and for user space (the arena headers are
 * dual-compiled), so both sides agree on every offset.
 */
#ifndef __XDP_FLOWS_H
#define __XDP_FLOWS_H

#include <bpf_arena/arena_htab.h>

/* Flows the table holds; packets of further flows are counted in
 * flows.not_counted.
 */
#define XDP_FLOWS_MAX 4096
/* Pages the setup program puts in the heap's pool: the buckets (24 B each,
 * rounded to a power of two) and XDP_FLOWS_MAX elements of 128 B.
 */
#define XDP_FLOWS_POOL_PAGES 256

/* A 5-tuple. IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d) so one
 * key serves both families; ports in network byte order. Every byte,
 * padding included, is part of the hash: build keys zeroed.
 */
struct flow_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* AF_INET or AF_INET6 */
	__u16 pad;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes; /* frame length, Ethernet header included */
};

struct xdp_flows {
	struct arena_heap heap;
	struct arena_htab table; /* flow_key -> flow_stats */
	__u64 packets; /* every packet the program saw */
	__u64 not_counted; /* TCP/UDP packets that found no room in the table */
	__u64 other; /* not TCP or UDP over IPv4/IPv6 (ARP, ICMP, ...) */
	__s64 setup_err; /* what setup returned */
};

#endif /* __XDP_FLOWS_H */

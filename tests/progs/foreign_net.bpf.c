// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Packet programs that keep state in the arena: an XDP parser and a tc
 * classifier (non-sleepable, unlike SEC("syscall")), run on a crafted
 * packet through BPF_PROG_TEST_RUN.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "foreign.h"

#define ETH_P_IP 0x0800
#define IPPROTO_UDP 17
#define TC_ACT_OK 0

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 8);
} arena SEC(".maps");

/* packets, saddr, dport, payload's first 8 bytes */
__u64 __arena_global out_xdp[4];
/* skb->len, protocol, packets */
__u64 __arena_global out_tc[3];

SEC("xdp")
int xdp_parse(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u64 *payload = (void *)(udp + 1);

	if ((void *)(payload + 1) > end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	__sync_fetch_and_add(arena_deref(&out_xdp[0]), 1);
	*arena_deref(&out_xdp[1]) = bpf_ntohl(ip->saddr);
	*arena_deref(&out_xdp[2]) = bpf_ntohs(udp->dest);
	*arena_deref(&out_xdp[3]) = *payload;
	return udp->dest == bpf_htons(FOREIGN_PKT_DPORT) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	*arena_deref(&out_tc[0]) = skb->len;
	*arena_deref(&out_tc[1]) = bpf_ntohs(skb->protocol);
	__sync_fetch_and_add(arena_deref(&out_tc[2]), 1);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Packets per flow, counted by XDP in an arena hash table and read here with
 * plain pointers (xdp_flows.bpf.c counts). Run as root.
 *
 *   xdp_flows test               crafted IPv4/IPv6 TCP/UDP packets through
 *                                BPF_PROG_TEST_RUN; checks every count
 *   xdp_flows watch IFNAME       attaches to IFNAME and prints the table every
 *                                second until SIGINT/SIGTERM, then detaches
 *   xdp_flows send {udp|tcp} ADDR PORT SPORT N
 *                                sends N UDP datagrams (or N TCP connection
 *                                attempts) from port SPORT: traffic for watch
 *
 * The reader walks the table's buckets and chains as BPF left them: the
 * elements' next pointers are arena addresses, which are this process's
 * addresses too. Nothing here makes a syscall per flow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

#include "xdp_flows.h"

#ifndef XDP_FLOWS_OBJ
#define XDP_FLOWS_OBJ "xdp_flows.bpf.o"
#endif

struct app {
	struct bpf_object *obj;
	struct xdp_flows *flows; /* the __arena global, in the arena */
};

static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int app_open(struct app *app)
{
	const char *path = getenv("XDP_FLOWS_OBJ") ? getenv("XDP_FLOWS_OBJ") : XDP_FLOWS_OBJ;
	struct bpf_program *setup;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	app->obj = bpf_arena__open_file(path, NULL);
	if (!app->obj) {
		err = -errno;
		fprintf(stderr, "xdp_flows: open %s: %s\n", path, strerror(errno));
		return err;
	}
	err = bpf_arena__load(app->obj);
	if (err) {
		fprintf(stderr, "xdp_flows: load: %s\n", strerror(-err));
		return err;
	}
	app->flows = bpf_arena__find_global(bpf_arena__from_object(app->obj), "flows", NULL);
	setup = bpf_object__find_program_by_name(app->obj, "setup");
	if (!app->flows || !setup)
		return -ENOENT;
	err = bpf_prog_test_run_opts(bpf_program__fd(setup), &opts);
	if (err || opts.retval) {
		fprintf(stderr, "xdp_flows: setup: %s\n",
			strerror(err ? errno : -(int)app->flows->setup_err));
		return err ? -errno : -EINVAL;
	}
	return 0;
}

static void flow_str(const struct flow_key *k, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto = k->proto == IPPROTO_TCP ? "tcp" : "udp";

	if (k->family == AF_INET) {
		inet_ntop(AF_INET, &k->saddr[12], s, sizeof(s));
		inet_ntop(AF_INET, &k->daddr[12], d, sizeof(d));
		snprintf(buf, len, "%s %s:%u -> %s:%u", proto, s, ntohs(k->sport), d,
			 ntohs(k->dport));
	} else {
		inet_ntop(AF_INET6, k->saddr, s, sizeof(s));
		inet_ntop(AF_INET6, k->daddr, d, sizeof(d));
		snprintf(buf, len, "%s [%s]:%u -> [%s]:%u", proto, s, ntohs(k->sport), d,
			 ntohs(k->dport));
	}
}

/* Calls @fn for every flow, following BPF's pointers. Elements are never
 * deleted here, and an insert fills an element before linking it, so the
 * walk is safe while XDP runs; counters read mid-update are at most one
 * packet behind.
 */
static unsigned long walk(struct xdp_flows *f,
			  void (*fn)(const struct flow_key *, const struct flow_stats *, void *),
			  void *arg)
{
	struct arena_htab *t = &f->table;
	struct arena_htab_elem *e;
	unsigned long n = 0;
	int b;

	arena_htab_for_each_unlocked(e, b, t) {
		fn(arena_htab_elem_key(e), arena_htab_elem_value(t, e), arg);
		n++;
	}
	return n;
}

static void print_flow(const struct flow_key *k, const struct flow_stats *s, void *arg)
{
	char buf[160];

	flow_str(k, buf, sizeof(buf));
	printf("  %-70s packets %llu bytes %llu\n", buf, (unsigned long long)s->packets,
	       (unsigned long long)s->bytes);
}

static void print_table(struct xdp_flows *f)
{
	unsigned long n;

	printf("flows: %llu in the table, %llu packets seen, %llu other, %llu not counted\n",
	       (unsigned long long)f->table.count, (unsigned long long)f->packets,
	       (unsigned long long)f->other, (unsigned long long)f->not_counted);
	n = walk(f, print_flow, NULL);
	if (n != f->table.count)
		printf("  (walked %lu while BPF was adding)\n", n);
	fflush(stdout);
}

/* ---- test: crafted packets through BPF_PROG_TEST_RUN ---- */

struct packet {
	const char *name;
	__u16 family;
	__u8 proto;
	const char *src, *dst;
	__u16 sport, dport;
	__u16 payload; /* bytes after the TCP/UDP header */
	__u32 repeat;
	/* filled by build() */
	unsigned char buf[256];
	__u32 len;
	struct flow_key key;
};

static void build(struct packet *p)
{
	struct ethhdr *eth = (struct ethhdr *)p->buf;
	unsigned char *l4;
	__u16 l4len = (p->proto == IPPROTO_TCP ? sizeof(struct tcphdr) : sizeof(struct udphdr)) +
		      p->payload;

	memset(p->buf, 0, sizeof(p->buf));
	memset(&p->key, 0, sizeof(p->key));
	memcpy(eth->h_dest, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x02", ETH_ALEN);
	if (p->family == AF_INET) {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = p->proto;
		ip->tot_len = htons(sizeof(*ip) + l4len);
		inet_pton(AF_INET, p->src, &ip->saddr);
		inet_pton(AF_INET, p->dst, &ip->daddr);
		l4 = (unsigned char *)(ip + 1);
		p->key.saddr[10] = p->key.saddr[11] = 0xff;
		p->key.daddr[10] = p->key.daddr[11] = 0xff;
		memcpy(&p->key.saddr[12], &ip->saddr, 4);
		memcpy(&p->key.daddr[12], &ip->daddr, 4);
	} else {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = p->proto;
		ip6->hop_limit = 64;
		ip6->payload_len = htons(l4len);
		inet_pton(AF_INET6, p->src, &ip6->saddr);
		inet_pton(AF_INET6, p->dst, &ip6->daddr);
		l4 = (unsigned char *)(ip6 + 1);
		memcpy(p->key.saddr, &ip6->saddr, 16);
		memcpy(p->key.daddr, &ip6->daddr, 16);
	}
	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->source = htons(p->sport);
		th->dest = htons(p->dport);
		th->doff = 5;
		th->syn = 1;
	} else {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons(p->sport);
		uh->dest = htons(p->dport);
		uh->len = htons(l4len);
	}
	p->len = (l4 - p->buf) + l4len;
	p->key.sport = htons(p->sport);
	p->key.dport = htons(p->dport);
	p->key.proto = p->proto;
	p->key.family = p->family;
}

static int run_xdp(int prog_fd, const void *pkt, __u32 len, __u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = len, .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	if (err)
		return -errno;
	return opts.retval == XDP_PASS ? 0 : -EPROTO;
}

struct find {
	const struct flow_key *key;
	const struct flow_stats *found;
};

static void find_flow(const struct flow_key *k, const struct flow_stats *s, void *arg)
{
	struct find *f = arg;

	if (memcmp(k, f->key, sizeof(*k)) == 0)
		f->found = s;
}

/* A reader walking the table while XDP counts: a flow's counter must never
 * go down.
 */
struct live {
	struct xdp_flows *flows;
	const struct flow_key *key;
	volatile int stop;
	unsigned long walks, changes, regressions;
};

static void *live_reader(void *arg)
{
	struct live *l = arg;
	__u64 last = 0;

	while (!l->stop) {
		struct find f = { .key = l->key };

		walk(l->flows, find_flow, &f);
		if (f.found) {
			__u64 now = __atomic_load_n(&f.found->packets, __ATOMIC_RELAXED);

			if (now < last)
				l->regressions++;
			if (now != last)
				l->changes++;
			last = now;
		}
		l->walks++;
	}
	return NULL;
}

static int cmd_test(void)
{
	struct packet pkts[] = {
		{ "ipv4 tcp", AF_INET, IPPROTO_TCP, "192.0.2.1", "198.51.100.7", 40001, 80, 0, 3 },
		{ "ipv4 udp", AF_INET, IPPROTO_UDP, "192.0.2.1", "198.51.100.7", 40001, 53, 20, 5 },
		{ "ipv4 udp reply", AF_INET, IPPROTO_UDP, "198.51.100.7", "192.0.2.1", 53, 40001,
		  100, 2 },
		{ "ipv6 tcp", AF_INET6, IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 50000, 443, 64,
		  7 },
		{ "ipv6 udp", AF_INET6, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 50000, 443, 8,
		  11 },
	};
	/* An ARP request: not TCP or UDP, counted as "other". */
	unsigned char arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 2, 0x08, 0x06
	};
	const int nr = sizeof(pkts) / sizeof(pkts[0]);
	__u64 total = 0;
	struct live live = {};
	pthread_t reader;
	struct app app = {};
	int prog_fd, err, i, bad = 0;

	err = app_open(&app);
	if (err)
		goto out;
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(app.obj, "count_flows"));
	for (i = 0; i < nr; i++) {
		build(&pkts[i]);
		err = run_xdp(prog_fd, pkts[i].buf, pkts[i].len, pkts[i].repeat);
		if (err) {
			fprintf(stderr, "xdp_flows: test run of %s: %s\n", pkts[i].name,
				strerror(-err));
			goto out;
		}
		total += pkts[i].repeat;
	}
	err = run_xdp(prog_fd, arp, sizeof(arp), 2);
	if (err)
		goto out;
	print_table(app.flows);

	for (i = 0; i < nr; i++) {
		struct find f = { .key = &pkts[i].key };

		walk(app.flows, find_flow, &f);
		if (!f.found || f.found->packets != pkts[i].repeat ||
		    f.found->bytes != (__u64)pkts[i].repeat * pkts[i].len) {
			printf("FAIL %s: want %u packets %llu bytes, have %llu %llu\n",
			       pkts[i].name, pkts[i].repeat,
			       (unsigned long long)pkts[i].repeat * pkts[i].len,
			       f.found ? (unsigned long long)f.found->packets : 0ULL,
			       f.found ? (unsigned long long)f.found->bytes : 0ULL);
			bad++;
		} else {
			printf("ok   %-15s %u packets, %llu bytes\n", pkts[i].name, pkts[i].repeat,
			       (unsigned long long)f.found->bytes);
		}
	}
	if (app.flows->table.count != (__u64)nr || app.flows->packets != total + 2 ||
	    app.flows->other != 2 || app.flows->not_counted != 0) {
		printf("FAIL totals: %llu flows, %llu packets, %llu other, %llu not counted\n",
		       (unsigned long long)app.flows->table.count,
		       (unsigned long long)app.flows->packets, (unsigned long long)app.flows->other,
		       (unsigned long long)app.flows->not_counted);
		bad++;
	}

	/* Live: a reader thread walks the table while XDP counts 200000
	 * packets of one flow.
	 */
	live.flows = app.flows;
	live.key = &pkts[0].key;
	if (pthread_create(&reader, NULL, live_reader, &live) == 0) {
		err = run_xdp(prog_fd, pkts[0].buf, pkts[0].len, 200000);
		live.stop = 1;
		pthread_join(reader, NULL);
		if (err)
			goto out;
		printf("live reader: %lu walks during 200000 packets, saw the count change %lu "
		       "times, %lu times go down\n",
		       live.walks, live.changes, live.regressions);
		{
			struct find f = { .key = &pkts[0].key };

			walk(app.flows, find_flow, &f);
			if (live.regressions || !f.found ||
			    f.found->packets != 200000 + pkts[0].repeat) {
				printf("FAIL live: final count %llu\n",
				       f.found ? (unsigned long long)f.found->packets : 0ULL);
				bad++;
			}
		}
	}
	err = bad ? -EINVAL : 0;
	printf("xdp_flows test: %s\n", bad ? "FAILED" : "ok");
out:
	bpf_arena__close(app.obj);
	return err ? 1 : 0;
}

/* ---- watch: attached to an interface ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int cmd_watch(const char *ifname)
{
	struct app app = {};
	int ifindex = if_nametoindex(ifname);
	int prog_fd, err;

	if (!ifindex) {
		fprintf(stderr, "xdp_flows: no interface '%s'\n", ifname);
		return 1;
	}
	err = app_open(&app);
	if (err)
		goto out;
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(app.obj, "count_flows"));
	err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err) {
		fprintf(stderr, "xdp_flows: attach to %s: %s\n", ifname, strerror(-err));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached to %s (ifindex %d)\n", ifname, ifindex);
	fflush(stdout);
	while (!stop) {
		sleep(1);
		print_table(app.flows);
	}
	bpf_xdp_detach(ifindex, XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	printf("final:\n");
	print_table(app.flows);
out:
	bpf_arena__close(app.obj);
	return err ? 1 : 0;
}

/* ---- send: traffic for watch ---- */

static int cmd_send(const char *proto, const char *addr, int port, int sport, int n)
{
	struct sockaddr_storage dst = {}, src = {};
	socklen_t len;
	int family, i, one = 1;

	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		family = AF_INET;
		((struct sockaddr_in *)&dst)->sin_port = htons(port);
		((struct sockaddr_in *)&src)->sin_port = htons(sport);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1) {
		family = AF_INET6;
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(port);
		((struct sockaddr_in6 *)&src)->sin6_port = htons(sport);
		len = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "xdp_flows: bad address '%s'\n", addr);
		return 1;
	}
	dst.ss_family = src.ss_family = family;
	for (i = 0; i < n; i++) {
		int tcp = strcmp(proto, "tcp") == 0;
		int fd = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(fd, (struct sockaddr *)&src, len)) {
			perror("xdp_flows: socket");
			return 1;
		}
		if (tcp) {
			/* a SYN; refused or not, one packet of the flow */
			connect(fd, (struct sockaddr *)&dst, len);
		} else if (sendto(fd, "xdp_flows", 9, 0, (struct sockaddr *)&dst, len) != 9) {
			perror("xdp_flows: sendto");
			close(fd);
			return 1;
		}
		close(fd);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "Usage: xdp_flows test\n"
			"       xdp_flows watch IFNAME\n"
			"       xdp_flows send {udp|tcp} ADDR PORT SPORT N\n");
}

int main(int argc, char **argv)
{
	libbpf_set_print(print_warnings);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "test") == 0)
		return cmd_test();
	if (argc == 3 && strcmp(argv[1], "watch") == 0)
		return cmd_watch(argv[2]);
	if (argc == 7 && strcmp(argv[1], "send") == 0)
		return cmd_send(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	usage();
	return 2;
}

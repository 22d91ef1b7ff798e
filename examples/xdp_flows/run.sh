#!/bin/sh
# The test of examples/xdp_flows (ctest example_xdp_flows):
#  1. `xdp_flows test`: crafted IPv4/IPv6 TCP/UDP packets through
#     BPF_PROG_TEST_RUN, every count checked, and a reader walking the table
#     live while XDP counts;
#  2. real packets: a veth pair into a network namespace made here, XDP
#     attached to the host end, UDP over IPv4 and IPv6 and TCP SYNs sent from
#     the namespace, and the counts of those flows checked in what the
#     reader printed. Everything made is removed again.
# Exit 77 (skipped) when not root, unless CI=true.
#   run.sh XDP_FLOWS_BINARY
set -eu
bin=$1
if [ "$(id -u)" -ne 0 ]; then
	[ "${CI:-}" = true ] && { echo "CI=true and this test needs root" >&2; exit 1; }
	echo "skipped: needs root"
	exit 77
fi

echo "== xdp_flows test (BPF_PROG_TEST_RUN)"
"$bin" test

echo "== xdp_flows watch on a veth pair"
if ! command -v ip >/dev/null 2>&1; then
	[ "${CI:-}" = true ] && { echo "CI=true and ip (iproute2) is missing" >&2; exit 1; }
	echo "skipped the veth part: no ip (apt-get install iproute2)"
	exit 0
fi
id=$$
ns=xdpflows$id
host=xfh$id
peer=xfp$id
net=10.231.$((id % 250)).
log=$(mktemp)
watcher=
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null
	ip link del "$host" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -f "$log"
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip link add "$host" type veth peer name "$peer" netns "$ns"
ip addr add "${net}1/24" dev "$host"
ip -6 addr add "fd00:231::1/64" dev "$host" nodad
ip link set "$host" up
ip -n "$ns" link set lo up
ip -n "$ns" addr add "${net}2/24" dev "$peer"
ip -n "$ns" -6 addr add "fd00:231::2/64" dev "$peer" nodad
ip -n "$ns" link set "$peer" up

"$bin" watch "$host" > "$log" 2>&1 &
watcher=$!
i=0
until grep -q '^attached' "$log"; do
	i=$((i + 1))
	if [ $i -gt 600 ] || ! kill -0 "$watcher" 2>/dev/null; then
		cat "$log"
		echo "xdp_flows watch did not attach" >&2
		exit 1
	fi
	sleep 0.1
done
ip netns exec "$ns" "$bin" send udp "${net}1" 9999 40000 5
ip netns exec "$ns" "$bin" send udp fd00:231::1 9999 40001 4
ip netns exec "$ns" "$bin" send tcp "${net}1" 9998 40002 3
# XDP counts in the receiving softirq, which a loaded machine may run late:
# wait (up to 60 s) until the table the watcher prints every second shows
# all three flows, then stop it and check its final table
flow_udp4="udp ${net}2:40000 -> ${net}1:9999"
flow_udp6="udp \\[fd00:231::2\\]:40001 -> \\[fd00:231::1\\]:9999"
flow_tcp4="tcp ${net}2:40002 -> ${net}1:9998"
i=0
until grep -q "$flow_udp4 .* packets 5 " "$log" && grep -q "$flow_udp6 .* packets 4 " "$log" &&
	grep -q "$flow_tcp4 .* packets 3 " "$log"; do
	i=$((i + 1))
	[ $i -le 600 ] && kill -0 "$watcher" 2>/dev/null || break
	sleep 0.1
done
kill -TERM "$watcher"
wait "$watcher"
watcher=
sed -n '/^final:/,$p' "$log"

fail=0
check() {
	if sed -n '/^final:/,$p' "$log" | grep -q "$1 .* packets $2 "; then
		echo "ok   $(echo "$1" | tr -d "\\\\"): $2 packets"
	else
		echo "FAIL $1: expected $2 packets"
		fail=1
	fi
}
check "$flow_udp4" 5
check "$flow_udp6" 4
check "$flow_tcp4" 3
exit $fail

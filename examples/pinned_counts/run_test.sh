#!/bin/sh
# The example at work (ctest example_pinned_counts): the daemon counts, a
# process of ours makes a known number of syscalls, the CLI shows them; the
# daemon stops, the CLI still shows them (the pin holds the arena); the
# daemon restarts into the same counts. Pins under a directory of its own,
# removed at the end. Exit 77 (skip) without root or arenas, unless CI=true.
set -u
daemon=$1
cli=$2
root=/sys/fs/bpf/pinned_counts_test_$$
out=$(mktemp -d)
dpid=

skip() {
	echo "SKIP: $*"
	[ "${CI:-}" = true ] && exit 1
	exit 77
}
fail() {
	echo "FAIL: $*"
	for f in "$out"/*; do echo "== $f"; cat "$f"; done
	exit 1
}
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid"
	rm -f "$root/arena"
	rmdir "$root" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || skip "needs root"
if [ "$(stat -f -c %t /sys/fs/bpf 2>/dev/null)" != cafe4a11 ]; then
	mount -t bpf bpf /sys/fs/bpf || skip "no BPF filesystem at /sys/fs/bpf"
fi
mkdir "$root" || fail "mkdir $root"

start_daemon() {
	"$daemon" -r "$root" -s 60 >"$out/daemon$1" 2>&1 &
	dpid=$!
	i=0
	until grep -q counting "$out/daemon$1" 2>/dev/null; do
		kill -0 "$dpid" 2>/dev/null || {
			grep -q "arena" "$out/daemon$1" && grep -qi "not supported\|no arena" "$out/daemon$1" &&
				skip "this kernel has no arenas"
			fail "the daemon died"
		}
		i=$((i + 1))
		[ $i -lt 300 ] || fail "the daemon never started"
		sleep 0.1
	done
}
stop_daemon() {
	kill "$dpid" && wait "$dpid" || fail "the daemon failed"
	dpid=
}
# the CLI's line for pid $1: "PID COMM SYSCALLS"
line_of() {
	"$cli" -p "$root/arena" -n 100000 >"$out/cli" 2>&1 || fail "the CLI failed"
	awk -v p="$1" '$1 == p' "$out/cli"
}

start_daemon 1
# 3000 one-byte reads and 3000 writes: at least 6000 syscalls by one pid
dd if=/dev/zero of=/dev/null bs=1 count=3000 2>/dev/null &
wpid=$!
wait $wpid
line=$(line_of $wpid)
echo "while the daemon runs: $line"
set -- $line
[ "${2:-}" = dd ] || fail "no line for dd ($wpid)"
[ "${3:-0}" -ge 6000 ] || fail "dd made $3 syscalls, expected 6000 or more"
first=$3

stop_daemon
line=$(line_of $wpid)
echo "after the daemon stopped: $line"
set -- $line
[ "${3:-0}" = "$first" ] || fail "the count changed or went away: $line"

start_daemon 2
grep -q "start #2" "$out/daemon2" || fail "the restarted daemon didn't find its state"
line=$(line_of $wpid)
echo "after a restart: $line"
set -- $line
[ "${3:-0}" = "$first" ] || fail "the restart lost the count: $line"
head -3 "$out/cli"
stop_daemon
echo PASS

#!/usr/bin/env bash
# The foreign corpus, run the two ways a user would: through libbpf_arena
# on the installed libbpf (1.1 on Debian 12), and through plain libbpf
# 1.4+ as programs written for upstream load it. Both must tell the same
# story: the same objects load, the same programs return the same values,
# the arena holds the same words afterwards, and what is refused is refused
# with the same verifier message. libbpf_arena on the newer libbpf must
# agree too.
#   foreign_compare.sh <foreign_runner> <progs dir> <newer libbpf dir> "<variants>" <prog>...
set -euo pipefail
runner=$1
progs=$2
newer=$3
variants=$4
shift 4

if [ ! -f "$newer/libbpf.so.1" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true): no newer libbpf at $newer (the newer_libbpf test builds it)" >&2
		exit 1
	fi
	echo "SKIP: no newer libbpf at $newer (run the newer_libbpf test first)"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

status=0
for variant in $variants; do
	objs=()
	for p in "$@"; do
		objs+=("$progs/$variant/$p.bpf.o")
	done
	"$runner" --via arena "${objs[@]}" >"$out/arena.txt"
	LD_LIBRARY_PATH=$newer "$runner" --via libbpf "${objs[@]}" >"$out/libbpf.txt"
	LD_LIBRARY_PATH=$newer "$runner" --via arena "${objs[@]}" >"$out/arena-newer.txt"
	echo "== $variant: libbpf_arena on the installed libbpf"
	cat "$out/arena.txt"
	if grep -q "open: failed\|run failed" "$out/arena.txt"; then
		echo "FAIL ($variant): an object didn't open or a program didn't run" >&2
		status=1
	fi
	if ! diff -u "$out/arena.txt" "$out/libbpf.txt"; then
		echo "FAIL ($variant): libbpf_arena and plain $(basename "$(readlink -f "$newer/libbpf.so.1")") differ (- arena, + libbpf)" >&2
		status=1
	fi
	if ! diff -u "$out/arena.txt" "$out/arena-newer.txt"; then
		echo "FAIL ($variant): libbpf_arena differs between libbpf versions" >&2
		status=1
	fi
	[ $status = 0 ] && echo "== $variant: the same through plain libbpf and on the newer libbpf"
done
exit $status

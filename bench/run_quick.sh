#!/bin/sh
# ctest's bench_quick: run the quick mode into a fresh directory and check
# that it finished and wrote a CSV with figures in it. Times are never
# checked. Exit code 77 (not root, no arena kernel) passes through: a skip.
# usage: run_quick.sh <arena-bench> <out dir>
set -u
bench=$1
out=$2
rm -rf "$out" && mkdir -p "$out" || exit 1
"$bench" --quick --out "$out" >"$out/stdout.md"
rc=$?
[ $rc -eq 77 ] && exit 77
if [ $rc -ne 0 ]; then
	echo "bench_quick: arena-bench --quick failed ($rc)" >&2
	exit 1
fi
lines=$(grep -c . "$out/results.csv" 2>/dev/null || echo 0)
if [ "$lines" -lt 20 ]; then
	echo "bench_quick: $out/results.csv has $lines lines" >&2
	exit 1
fi
echo "bench_quick: $lines lines in $out/results.csv"

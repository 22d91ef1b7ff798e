#!/usr/bin/env bash
# Build the benchmarks and run them: a table on stdout, and results.csv,
# results.md and results.svg in bench/results/ (or --out DIR).
#
#   scripts/bench.sh [--quick] [--out DIR]
#
# --quick: N = 1k and 10k, fewer repeats; well under a minute (CI runs it
# through ctest as bench_quick). Its results go to build-bench/bench/quick/
# unless --out says otherwise, so that bench/results/ keeps the full run.
# Needs root: it loads BPF programs.
# Builds in build-bench/ (BUILD_DIR=... to change), in Release mode plus
# debug info, the same flags as the project's default build.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
out=""
quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) args+=(--quick); quick=1; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: $0 [--quick] [--out DIR]" >&2; exit 2 ;;
	esac
done

./scripts/install-deps.sh
build=${BUILD_DIR:-build-bench}
if [ -z "$out" ]; then
	if [ $quick -eq 1 ]; then out=$build/bench/quick; else out=bench/results; fi
fi
cmake -S . -B "$build" -DBPF_ARENA_BENCH=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target arena-bench >/dev/null

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
mkdir -p "$out"
$sudo "$build/bench/arena-bench" "${args[@]}" --out "$out"

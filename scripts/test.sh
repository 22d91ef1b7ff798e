#!/usr/bin/env bash
# Install what is missing, build with -Werror, and run every test; then the
# same against libbpf 1.5 (headers and library); a -Werror build as against
# libbpf 1.8's headers; the Debian packages; then the 1.1 build's tests
# again under AddressSanitizer + UBSan. Needs root (the tests load
# BPF programs); with CI=true a kernel test that can't run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh qemu packaging
jobs=$(nproc)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

echo "== build (-Werror) and test"
cmake -S . -B build -DBPF_ARENA_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && $sudo ctest --output-on-failure -j1)

# The same against libbpf 1.5's headers and library (trixie's source).
./scripts/test-libbpf15.sh build-libbpf15 build/cache/libbpf-1.5

# libbpf 1.8's headers (CI can't fetch them): the one change in them that
# breaks a -Werror build, btf_vlen() returning __u32, forced onto 1.1's.
echo "== build (-Werror) with libbpf 1.8's btf_vlen() type (compile only)"
cmake -S . -B build-btf-vlen32 -DBPF_ARENA_WERROR=ON -DBPF_ARENA_EXAMPLES=OFF \
	-DBPF_ARENA_BENCH=OFF -DCMAKE_C_FLAGS="-include $PWD/tests/compat/btf_vlen_u32.h" >/dev/null
cmake --build build-btf-vlen32 -j"$jobs"

echo "== Debian packages: build, install, use from outside, remove"
./scripts/test-packages.sh

echo "== build with AddressSanitizer + UBSan and test again"
cmake -S . -B build-sanitize -DBPF_ARENA_WERROR=ON -DBPF_ARENA_SANITIZE=ON \
	-DBPF_ARENA_EXAMPLES=OFF -DBPF_ARENA_BENCH=OFF >/dev/null
cmake --build build-sanitize -j"$jobs"
# Tests that run other binaries (qemu, installed copies) don't need it twice.
(cd build-sanitize && $sudo ctest --output-on-failure -j1 -LE no_sanitize)

# Separate from the tests above: libFuzzer, with clang-14's runtime. Every
# input that ever crashed a harness is replayed, then each harness fuzzes for
# a short fixed time from a fixed seed, so a run repeats (README,
# "Reliability"; scripts/fuzz.sh runs for hours with random seeds).
echo "== fuzzing: replay fuzz/regressions, then ${BPF_ARENA_FUZZ_TIME:-45} s per harness"
./scripts/install-deps.sh fuzz
$sudo ./scripts/fuzz.sh --time "${BPF_ARENA_FUZZ_TIME:-45}" --seed "${BPF_ARENA_FUZZ_SEED:-1}"

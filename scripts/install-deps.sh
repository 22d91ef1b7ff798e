#!/usr/bin/env bash
# Install the Debian 12 packages libbpf-arena builds, tests and demos with.
# Only what is missing is installed; a machine that has everything is left
# alone (no apt-get update, no network).
set -euo pipefail

pkgs=(
	build-essential cmake pkg-config
	libbpf-dev libelf-dev zlib1g-dev bpftool
	# every compiler the tests build BPF programs with (14: inline-asm
	# casts; 19 and 22: address spaces, 22 emitting fetch atomics), and
	# llvm-objdump to check what they emit
	clang-14 llvm-14 clang-19 llvm-19 lld-19 clang-22 llvm-22
	libcriterion-dev
	git # tests/test_kernel_patches.sh builds git trees
)
# Optional groups, asked for by name: "qemu" for the kernel-without-arenas
# test, "bench" for plotting, "packaging" for the man page and Debian
# package checks and the XDP example's veth test (man, groff, dpkg-shlibdeps,
# ip, and lintian: Debian's own package checker), "fuzz" for the libFuzzer
# harnesses (clang-14's libFuzzer and sanitizer runtimes).
for extra in "$@"; do
	case "$extra" in
	qemu) pkgs+=(qemu-system-x86 busybox-static cpio xz-utils kmod) ;;
	bench) pkgs+=(gnuplot-nox) ;;
	packaging) pkgs+=(man-db groff-base dpkg-dev iproute2 lintian) ;;
	fuzz) pkgs+=(clang-14 libclang-rt-14-dev) ;;
	*) echo "install-deps: unknown group '$extra'" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing ${missing[*]}"
# Third-party sources this machine cannot reach make update warn; the
# install below fails loudly if Debian's own archive was not reachable.
$sudo apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

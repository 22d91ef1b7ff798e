#!/bin/sh
# The outside project without CMake, the way a Makefile would build it:
# every path from `pkg-config libbpf_arena` (includes, libraries, the tool
# from its bindir), the BPF object by clang, the skeleton by the installed
# bpf-arena, the C program by cc and the C++ program by g++ and clang++.
# Then runs them all.
#   build-pkgconfig.sh SRC WORK   (PKG_CONFIG_PATH as the user has it)
set -eu
src=$1 work=$2
mkdir -p "$work"
cd "$work"

pc() { pkg-config "$@" libbpf_arena; }
pc --exists || { echo "pkg-config finds no libbpf_arena" >&2; exit 1; }
echo "pkg-config: libbpf_arena $(pc --modversion) in $(pc --variable=prefix)"
tool=$(pc --variable=bindir)/bpf-arena
libdir=$(pc --variable=libdir)
cflags=$(pc --cflags)
cflags_i=$(pc --cflags-only-I)
libs="$(pc --libs) -Wl,-rpath,$libdir"
[ -x "$tool" ] || { echo "no bpf-arena at $tool" >&2; exit 1; }

clang=
for c in clang-22 clang-21 clang-20 clang-19 clang-18 clang-17 clang-16 clang-15 clang-14 clang; do
	command -v "$c" >/dev/null 2>&1 && { clang=$c; break; }
done
[ -n "$clang" ] || { echo "no clang for BPF" >&2; exit 1; }
multiarch=$(gcc -print-multiarch)
set -x
"$clang" -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror $cflags_i \
	-I/usr/include/"$multiarch" -c "$src/outside.bpf.c" -o outside.bpf.o
"$tool" gen skeleton outside.bpf.o name outside > outside.skel.h
cc -Wall -Wextra -Werror -I. $cflags "$src/outside.c" -o outside_pc $libs
set +x
cxxs=g++
for c in clang++-22 clang++-21 clang++-20 clang++-19 clang++; do
	command -v "$c" >/dev/null 2>&1 && { cxxs="$cxxs $c"; break; }
done
for cxx in $cxxs; do
	(set -x; "$cxx" -Wall -Wextra -Werror -I. $cflags "$src/outside_cxx.cpp" \
		-o "outside_cxx_pc.$cxx" $libs)
done
./outside_pc
for cxx in $cxxs; do
	"./outside_cxx_pc.$cxx"
done

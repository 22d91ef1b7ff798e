#!/bin/sh
# The install test: installs the build in $1 into a temporary prefix under
# $2, MOVES the installed tree elsewhere (nothing may point back to where it
# was installed), checks every installed piece is there, then builds and runs
# the project in $3 against the moved tree twice: with CMake
# (find_package(BpfArena)) and with pkg-config alone (build-pkgconfig.sh),
# each a C and a C++ program. Exit 77 (skipped) when not root, unless CI=true.
set -eu
build=$1
work=$2
src=$3

if [ "$(id -u)" -ne 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "CI=true and this test needs root to load BPF" >&2
		exit 1
	fi
	echo "skipped: needs root to load BPF"
	exit 77
fi

rm -rf "$work"
mkdir -p "$work/installed"
cmake --install "$build" --prefix "$work/installed/prefix" > "$work/install.log"
mkdir -p "$work/moved"
mv "$work/installed/prefix" "$work/moved/prefix"
rmdir "$work/installed"
prefix=$work/moved/prefix
echo "installed, then moved to $prefix"

fail=0
for f in bin/bpf-arena include/bpf_arena/bpf_arena.h include/bpf_arena/bpf_arena_opts.h \
	lib/libbpf_arena.so lib/libbpf_arena.so.0 lib/libbpf_arena.a \
	lib/pkgconfig/libbpf_arena.pc lib/cmake/BpfArena/BpfArenaConfig.cmake \
	share/man/man8/bpf-arena.8.gz share/man/man3/libbpf_arena.3.gz \
	share/bash-completion/completions/bpf-arena; do
	if [ -e "$prefix/$f" ]; then
		echo "ok:   $f"
	else
		echo "FAIL: $f is not installed"
		fail=1
	fi
done
if grep -rl "$work/installed" "$prefix" 2>/dev/null; then
	echo "FAIL: the files above name the place they were installed to"
	fail=1
fi
for page in "$prefix"/share/man/man8/bpf-arena.8.gz "$prefix"/share/man/man3/libbpf_arena.3.gz; do
	if ! warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || [ -n "$warn" ]; then
		echo "FAIL: the installed $page does not render cleanly: $warn"
		fail=1
	fi
done
[ $fail -eq 0 ] || exit 1

# pkg-config: paths under the moved prefix.
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
cflags=$(pkg-config --cflags libbpf_arena)
libs=$(pkg-config --libs libbpf_arena)
echo "pkg-config --cflags --libs: $cflags $libs"
case "$cflags $libs" in
*"$prefix"/lib/pkgconfig/../../include*"$prefix"/lib/pkgconfig/../../lib*) ;;
*) echo "FAIL: pkg-config does not point into $prefix" >&2; exit 1 ;;
esac

# CMake: nothing of the source or build tree may leak in, only the prefix.
cp -r "$src" "$work/src"
cmake -S "$work/src" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF | tee "$work/configure.log"
grep -q "BpfArena package: $prefix/lib/cmake/BpfArena" "$work/configure.log" ||
	{ echo "FAIL: find_package(BpfArena) did not take the moved tree" >&2; exit 1; }
cmake --build "$work/build"
"$work/build/outside"
"$work/build/outside_cxx"

sh "$work/src/build-pkgconfig.sh" "$work/src" "$work/pkgconfig"

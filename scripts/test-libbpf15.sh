#!/usr/bin/env bash
# The whole project built and tested against libbpf 1.5 instead of Debian
# 12's 1.1: its headers (user space with -Werror, and the BPF programs'
# <bpf/bpf_helpers.h>) and its library at run time. libbpf 1.5.0 comes from
# Debian trixie's source package, the one tests/newer_libbpf.sh builds,
# installed under the cache directory.
#   test-libbpf15.sh [build dir] [cache dir]
# Defaults: build-libbpf15 and build/cache/libbpf-1.5 (where the main build's
# newer_libbpf test leaves the source). Needs root for the tests; with
# CI=true a source that can't be fetched fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bdir=$(realpath -m "${1:-build-libbpf15}")
cache=$(realpath -m "${2:-build/cache/libbpf-1.5}")
prefix=$cache/prefix
jobs=$(nproc)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true): $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 0
}

mkdir -p "$cache"
src=$(ls -d "$cache"/src/libbpf-1.5*/src 2>/dev/null | head -1 || true)
if [ -z "$src" ]; then
	# The same source tests/newer_libbpf.sh fetches, into the same place.
	(
		cd "$cache"
		mkdir -p lists/partial archives/partial src
		echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >sources.list
		apt_opts=(-o Dir::Etc::sourcelist="$PWD/sources.list" -o Dir::Etc::sourceparts=/nonexistent
			-o Dir::State::Lists="$PWD/lists" -o Dir::Cache="$PWD" -o APT::Sandbox::User=root)
		apt-get -qq "${apt_opts[@]}" update &&
			(cd src && apt-get -qq "${apt_opts[@]}" source --download-only libbpf) &&
			tar -C src -xzf src/libbpf_*.orig.tar.gz
	) || skip "can't fetch libbpf's source from Debian trixie"
	src=$(ls -d "$cache"/src/libbpf-1.5*/src | head -1)
fi

if [ ! -f "$prefix/lib/libbpf.so.1" ] || [ ! -f "$prefix/include/bpf/libbpf_version.h" ]; then
	echo "== libbpf 1.5: install headers, library and libbpf.pc into $prefix"
	make -s -C "$src" -j"$jobs" OBJDIR="$cache/obj-install" PREFIX="$prefix" \
		LIBDIR="$prefix/lib" install >"$cache/install.log" 2>&1 ||
		{ tail -20 "$cache/install.log"; exit 1; }
fi
grep -q "LIBBPF_MINOR_VERSION 5" "$prefix/include/bpf/libbpf_version.h" ||
	{ echo "not libbpf 1.5 headers in $prefix" >&2; exit 1; }

echo "== build against libbpf 1.5 (-Werror) and test"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig cmake -S "$root" -B "$bdir" -DBPF_ARENA_WERROR=ON \
	-DBPF_ARENA_BENCH=OFF >/dev/null
grep -q "^LIBBPF_INCLUDE_DIRS:INTERNAL=$prefix/include" "$bdir/CMakeCache.txt" ||
	{ echo "the build doesn't use $prefix/include" >&2; exit 1; }
cmake --build "$bdir" -j"$jobs"
# Every test binary must run on 1.5 (the build's RPATH), not on the system's 1.1.
used=$(ldd "$bdir/tests/test_core" | awk '/libbpf.so/ {print $3}')
case "$(readlink -f "$used")" in
"$prefix"/lib/libbpf.so.1.5*) echo "libbpf used: $(readlink -f "$used")" ;;
*) echo "test_core runs on $used, not on $prefix/lib" >&2; exit 1 ;;
esac
# newer_libbpf and foreign_compare put libbpf 1.5 under the 1.1 build; they
# have nothing to add here.
(cd "$bdir" && $sudo ctest --output-on-failure -j1 -E "^(newer_libbpf|foreign_compare)$")

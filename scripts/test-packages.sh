#!/usr/bin/env bash
# The Debian packages, as a machine that deploys them would use them:
# builds libbpf-arena0, libbpf-arena-dev and bpf-arena with CPack (in
# build-packages/, installed prefix /usr), checks them with lintian,
# installs them with `apt-get install ./*.deb`, then builds the outside
# project (tests/outside, copied away from the source tree) against the
# installed packages only: with CMake's find_package and with pkg-config, a
# C and a C++ program, and runs them. The packages are removed again at the
# end, also on failure, so later steps and reruns start from the same
# machine. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
jobs=$(nproc)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
pkgs=(libbpf-arena-dev bpf-arena libbpf-arena0)
export DEBIAN_FRONTEND=noninteractive

remove_packages() {
	local installed=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' &&
			installed+=("$p")
	done
	if [ ${#installed[@]} -gt 0 ]; then
		echo "test-packages: removing ${installed[*]}"
		$sudo apt-get purge -y -qq "${installed[@]}" >/dev/null
	fi
}

echo "== Debian packages: build"
# With the compiler and linker flags Debian builds its own packages with
# (dpkg-buildflags, all hardening on: fortify, stack protector, relro, bindnow).
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cppflags=$(dpkg-buildflags --get CPPFLAGS)
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S . -B build-packages -DCMAKE_INSTALL_PREFIX=/usr -DBPF_ARENA_WERROR=ON \
	-DBPF_ARENA_TESTS=OFF -DBPF_ARENA_EXAMPLES=OFF -DBPF_ARENA_BENCH=OFF \
	-DCMAKE_C_FLAGS="$(dpkg-buildflags --get CFLAGS) $cppflags" \
	-DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CXXFLAGS) $cppflags" \
	-DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build build-packages -j"$jobs"
rm -f build-packages/*.deb
echo "(CPack warns that no-maintainer-scripts/postinst and postrm are missing:" \
	"deliberate, so that ldconfig runs from a trigger; see cmake/BpfArenaPackaging.cmake)"
(cd build-packages && cpack -G DEB >/dev/null)
debs=(build-packages/*.deb)
[ ${#debs[@]} -eq 3 ] || { echo "test-packages: expected 3 .debs, got ${debs[*]}" >&2; exit 1; }
for d in "${debs[@]}"; do
	echo "-- $d"
	dpkg-deb -f "$d" Package Version Depends
done

echo "== Debian packages: lintian"
# Debian's own package checker; any error or warning fails the step
# (informational tags don't). As root it first says "running with root
# privileges is not recommended!", which is no tag and leaves the status alone.
lintian --fail-on error,warning "${debs[@]}"
echo "lintian: no errors or warnings"

# An installed copy elsewhere would be found first and hide the packages.
for stale in /usr/local/lib/cmake/BpfArena /usr/local/lib/pkgconfig/libbpf_arena.pc \
	/usr/local/bin/bpf-arena; do
	if [ -e "$stale" ]; then
		echo "test-packages: $stale exists and would shadow the packages; remove it" >&2
		exit 1
	fi
done

echo "== Debian packages: install"
remove_packages
work=$(mktemp -d /tmp/bpf-arena-packages.XXXXXX)
trap 'remove_packages; rm -rf "$work"' EXIT
cp "${debs[@]}" "$work/"
# apt-get resolves the dependencies from Debian (all present after
# install-deps.sh, so nothing is downloaded).
(cd "$work" && $sudo apt-get install -y -qq --no-install-recommends ./*.deb >/dev/null)
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$p"
done

# What each package put where a user looks.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for f in /usr/bin/bpf-arena /usr/include/bpf_arena/bpf_arena.h \
	/usr/lib/"$multiarch"/libbpf_arena.so.0 /usr/lib/"$multiarch"/libbpf_arena.so \
	/usr/lib/"$multiarch"/libbpf_arena.a /usr/lib/"$multiarch"/pkgconfig/libbpf_arena.pc \
	/usr/lib/"$multiarch"/cmake/BpfArena/BpfArenaConfig.cmake \
	/usr/share/man/man8/bpf-arena.8.gz /usr/share/man/man3/libbpf_arena.3.gz \
	/usr/share/bash-completion/completions/bpf-arena; do
	dpkg -S "$f" >/dev/null || { echo "test-packages: no package owns $f" >&2; exit 1; }
done
man -w bpf-arena >/dev/null && man -w 3 libbpf_arena >/dev/null
# libbpf-arena0 has no maintainer scripts: dpkg's ldconfig trigger updates
# the cache.
/sbin/ldconfig -p | grep -q "libbpf_arena.so.0 " ||
	{ echo "test-packages: libbpf_arena.so.0 is not in the ldconfig cache" >&2; exit 1; }
bpf-arena version

echo "== Debian packages: the outside project against them"
# A copy, so that nothing of the source tree is in reach.
cp -r "$src/tests/outside" "$work/src"
cd "$work"
env -u PKG_CONFIG_PATH cmake -S src -B build -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF |
	tee configure.log
grep -q "BpfArena package: /usr/lib/$multiarch/cmake/BpfArena" configure.log ||
	{ echo "test-packages: find_package(BpfArena) did not take the package" >&2; exit 1; }
grep -q "bpf-arena tool: /usr/bin/bpf-arena" configure.log ||
	{ echo "test-packages: the CMake package does not name /usr/bin/bpf-arena" >&2; exit 1; }
cmake --build build
$sudo ./build/outside
$sudo ./build/outside_cxx
env -u PKG_CONFIG_PATH sh src/build-pkgconfig.sh "$work/src" "$work/pkgconfig"

echo "== Debian packages: remove"
cd /
remove_packages
trap 'rm -rf "$work"' EXIT
for p in "${pkgs[@]}"; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		echo "test-packages: $p is still installed" >&2
		exit 1
	fi
done
echo "test-packages: ok"

#!/usr/bin/env bash
# The core tests again, on a libbpf that knows arenas itself (1.5.0 from
# Debian trixie's source package, built here): the library must still do
# all of the arena work and libbpf none of it.
#   newer_libbpf.sh <build dir of the tests> <cache dir>
set -euo pipefail
tests_dir=$1
cache=$2
mkdir -p "$cache"
cd "$cache"

skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true): $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

if [ ! -f obj/libbpf.so.1 ]; then
	mkdir -p lists/partial archives/partial src
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >sources.list
	apt_opts=(-o Dir::Etc::sourcelist="$PWD/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		-o Dir::State::Lists="$PWD/lists" -o Dir::Cache="$PWD" -o APT::Sandbox::User=root)
	apt-get -qq "${apt_opts[@]}" update || skip "can't reach Debian's archive for libbpf's source"
	(cd src && apt-get -qq "${apt_opts[@]}" source --download-only libbpf) ||
		skip "can't download libbpf's source from trixie"
	tar -C src -xzf src/libbpf_*.orig.tar.gz
	make -s -C src/libbpf-*/src -j"$(nproc)" OBJDIR="$PWD/obj" >build.log 2>&1 ||
		{ tail -20 build.log; exit 1; }
fi

export LD_LIBRARY_PATH=$PWD/obj
used=$(ldd "$tests_dir/test_core" | awk '/libbpf.so/ {print $3}')
real=$(readlink -f "$used")
echo "libbpf used: $real"
case "$real" in
"$PWD"/obj/libbpf.so.1.[4-9]* | "$PWD"/obj/libbpf.so.1.[1-9][0-9]*) ;;
*) echo "not a libbpf 1.4+ of ours: $real" >&2; exit 1 ;;
esac

# The variants ctest built (tests/CMakeLists.txt), by default the first two.
for variant in ${BPF_ARENA_TEST_VARIANTS:-clang19 clang14}; do
	for t in test_core test_bad_input; do
		echo "== $t ($variant) on $(basename "$real")"
		BPF_ARENA_PROGS="$tests_dir/progs/$variant" "$tests_dir/$t" --jobs=1
	done
done

#!/bin/sh
# The outside-project test: installs the build in $1 into a temporary
# prefix under $2, then configures, builds and runs the project in $3
# against it. Exit 77 (skipped) when not root, unless CI=true.
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
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
# Nothing of the source or build tree may leak in: only the prefix.
cmake -S "$src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
	-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
cmake --build "$work/build"
"$work/build/outside"

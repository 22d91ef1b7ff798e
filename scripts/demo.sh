#!/usr/bin/env bash
# Install what is missing, build, and run the demo (examples/linked_list):
# BPF builds a linked list in an arena, user space walks it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target linked_list
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
exec $sudo ./build/examples/linked_list/linked_list

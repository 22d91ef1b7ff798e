#!/usr/bin/env bash
# The data-structure headers must emit only the arena atomics the x86-64 JIT
# has (ARENA_FACTS 7b): no fetch-and, fetch-or or fetch-xor, whichever clang
# built them. Disassembles every ds_* test object of every compiler variant.
#   check_atomics.sh <progs dir> <llvm-objdump> <variant>...
set -euo pipefail
progs=$1
objdump=$2
shift 2
bad=0
for variant in "$@"; do
	n=0
	for obj in "$progs/$variant"/ds_*.bpf.o; do
		[ -f "$obj" ] || continue
		n=$((n + 1))
		hits=$("$objdump" -d --no-show-raw-insn "$obj" | grep -E 'atomic(64)?_fetch_(and|or|xor)' || true)
		if [ -n "$hits" ]; then
			echo "FAIL $variant/$(basename "$obj"): fetch forms the JIT refuses in arenas:" >&2
			echo "$hits" >&2
			bad=1
		fi
	done
	if [ "$n" -eq 0 ]; then
		echo "FAIL $variant: no ds_*.bpf.o in $progs/$variant" >&2
		bad=1
	fi
	echo "$variant: $n objects checked"
done
exit $bad

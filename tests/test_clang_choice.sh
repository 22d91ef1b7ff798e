#!/usr/bin/env bash
# BPF_ARENA_CLANG and BPF_ARENA_CLANG_LEGACY choose the compilers of
# bpf_arena_find_clang() instead of its search, a compiler of the wrong
# version for what is asked is a configure error, and the cache keeps what
# the user set. Configures tests/clang_choice against the functions file.
#   test_clang_choice.sh <cmake/BpfArenaFunctions.cmake> <work dir>
set -uo pipefail
functions=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
fails=0
ok() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

# configure <name> [-D...]: output in $work/<name>.out, status returned
configure() {
	local name=$1
	shift
	rm -rf "$work/$name"
	cmake -S "$here/clang_choice" -B "$work/$name" -DBPF_ARENA_FUNCTIONS="$functions" "$@" \
		>"$work/$name.out" 2>&1
}
expect() { # name regex description
	if grep -qE -- "$2" "$work/$1.out"; then ok "$3"; else
		fail "$3: no /$2/ in"
		sed 's/^/     | /' "$work/$1.out"
	fi
}

mkdir -p "$work"
need=()
for c in clang-14 clang-19; do command -v $c >/dev/null || need+=($c); done
if [ ${#need[@]} -gt 0 ]; then
	[ "${CI:-}" = true ] && { echo "FAIL (CI=true): missing ${need[*]}"; exit 1; }
	echo "SKIP: missing ${need[*]}"
	exit 77
fi
c14=$(command -v clang-14)
c19=$(command -v clang-19)

configure default && ok "default: the search finds compilers" || fail "default: configure failed"
expect default "choice native=.* major=(19|2[0-9])$" "default: NATIVE is 19+"
expect default "choice legacy=.* major=1[4-8]$" "default: LEGACY is 14..18"

configure user -DBPF_ARENA_CLANG=clang-19 -DBPF_ARENA_CLANG_LEGACY="$c14" &&
	ok "user: configure with both set" || fail "user: configure failed"
expect user "choice any=$c19 major=19$" "user: BPF_ARENA_CLANG (a name on PATH) is used"
expect user "choice native=$c19 major=19$" "user: ... for NATIVE too"
expect user "choice legacy=$c14 major=14$" "user: BPF_ARENA_CLANG_LEGACY is used"
grep -q "^BPF_ARENA_CLANG:[A-Z]*=clang-19$" "$work/user/CMakeCache.txt" &&
	ok "user: the cache keeps the value as set" || fail "user: cache value changed"

configure old_native -DBPF_ARENA_CLANG="$c14"
[ $? -ne 0 ] && ok "clang 14 as BPF_ARENA_CLANG: refused for NATIVE" ||
	fail "clang 14 as BPF_ARENA_CLANG was taken for NATIVE"
expect old_native "is clang 14; this needs" "the error names version and need"

configure new_legacy -DBPF_ARENA_CLANG_LEGACY="$c19"
[ $? -ne 0 ] && ok "clang 19 as BPF_ARENA_CLANG_LEGACY: refused" ||
	fail "clang 19 taken as legacy"

configure missing -DBPF_ARENA_CLANG=no-such-clang-42
[ $? -ne 0 ] && ok "a compiler not on PATH: refused" || fail "a missing compiler was taken"
expect missing "BPF_ARENA_CLANG=no-such-clang-42 is not a program" "the error names the variable"

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]

#!/bin/sh
# The man pages (docs/man): each renders with groff and man without a single
# warning, and documents what it must: libbpf_arena(3) every function the
# library exports (lib/arena/libbpf_arena.map) and every options struct of
# the public headers, bpf-arena(8) every OBJECT and gen COMMAND the built tool
# lists in its help and every option its commands accept.
#   test_man.sh MAN_DIR INCLUDE_DIR BPF_ARENA_TOOL VERSION_SCRIPT
set -eu
man_dir=$1 inc=$2 tool=$3 map=$4
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for page in "$man_dir"/bpf-arena.8 "$man_dir"/libbpf_arena.3; do
	groff -man -ww -z "$page" 2>"$log" || true
	MANWIDTH=80 man --warnings -l "$page" 2>>"$log" >/dev/null || echo "man failed" >>"$log"
	if [ -s "$log" ]; then
		echo "FAIL: $page renders with warnings:"
		cat "$log"
		fail=1
	else
		echo "ok:   $page renders without warnings"
	fi
done

# Every exported function (the version script's list) is in libbpf_arena(3)'s
# synopsis, and so is every options struct of the public headers.
funcs=$(sed -n 's/^[[:space:]]*\(bpf_arena[a-z_]*__[a-z_]*\);$/\1/p' "$map")
if [ -z "$funcs" ]; then
	echo "FAIL: no exported functions in $map"
	fail=1
fi
for f in $funcs; do
	if grep -q "$f(" "$man_dir/libbpf_arena.3"; then
		echo "ok:   libbpf_arena(3) documents $f"
	else
		echo "FAIL: libbpf_arena(3) does not document $f"
		fail=1
	fi
done
for o in $(sed -n 's/^#define \(bpf_arena_[a-z_]*_opts\)__last_field.*/\1/p' "$inc"/bpf_arena/*.h); do
	if grep -q "^\.B struct $o\$" "$man_dir/libbpf_arena.3"; then
		echo "ok:   libbpf_arena(3) documents struct $o"
	else
		echo "FAIL: libbpf_arena(3) does not list the fields of struct $o"
		fail=1
	fi
done

# Every OBJECT and gen COMMAND of the tool is in bpf-arena(8).
rendered=$(MANWIDTH=200 man -l "$man_dir/bpf-arena.8" 2>/dev/null)
for o in $("$tool" help | sed -n 's/.*OBJECT := { \(.*\) }.*/\1/p' | tr -d '|'); do
	if echo "$rendered" | grep -q "^ *bpf-arena $o"; then
		echo "ok:   bpf-arena(8) documents '$o'"
	else
		echo "FAIL: bpf-arena(8) does not document '$o'"
		fail=1
	fi
done
for c in $("$tool" gen help | sed -n 's/^.* gen \([a-z][a-z]*\) .*/\1/p' | sort -u | grep -v '^help$'); do
	if echo "$rendered" | grep -q "bpf-arena gen $c"; then
		echo "ok:   bpf-arena(8) documents 'gen $c'"
	else
		echo "FAIL: bpf-arena(8) does not document 'gen $c'"
		fail=1
	fi
done
# Every option an object's help lists is documented, on the object's page.
for o in inspect probe; do
	"$tool" help | grep -q "OBJECT := .*$o" || continue
	for opt in $("$tool" $o help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		if echo "$rendered" | grep -q -- "$o.*$opt"; then
			echo "ok:   bpf-arena(8) documents '$o $opt'"
		else
			echo "FAIL: bpf-arena(8) does not document '$o $opt'"
			fail=1
		fi
	done
done
exit $fail

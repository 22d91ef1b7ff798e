#!/bin/sh
# The man pages (docs/man): each renders with groff and man without a single
# warning, and documents what it must: libbpf_arena(3) every function the
# public headers export, bpf-arena(8) every OBJECT and gen COMMAND the built
# tool lists in its help.
#   test_man.sh MAN_DIR INCLUDE_DIR BPF_ARENA_TOOL
set -eu
man_dir=$1 inc=$2 tool=$3
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

# Every exported function is in libbpf_arena(3)'s synopsis.
for f in $(grep -ho 'BPF_ARENA_API [^(]*(' "$inc"/bpf_arena/*.h | grep -o 'bpf_arena__[a-z_]*'); do
	if grep -q "$f(" "$man_dir/libbpf_arena.3"; then
		echo "ok:   libbpf_arena(3) documents $f"
	else
		echo "FAIL: libbpf_arena(3) does not document $f"
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
exit $fail

#!/usr/bin/env bash
# The bash completion of bpf-arena (completion/bpf-arena): sourced into this
# shell, the completion function is called the way bash calls it for some
# command lines, and COMPREPLY is compared with what it must offer. Every
# OBJECT and gen COMMAND the built tool lists in its help must be offered.
#   test_completion.sh COMPLETION_FILE BPF_ARENA_TOOL
set -euo pipefail
comp=$1
tool=$2
fail=0

# shellcheck source=/dev/null
source "$comp"
complete -p bpf-arena | grep -q -- '-F _bpf_arena' || { echo "not registered"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/sub"
touch "$work/prog.bpf.o" "$work/other.bpf.o" "$work/notes.txt"

# complete LINE...: COMPREPLY for the command line, cursor at its last word.
complete_line()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_bpf_arena
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect()
{
	local want=$1
	shift
	local got
	got=$(complete_line "$@")
	if [ "$got" != "$want" ]; then
		echo "FAIL: '$*' -> '$got', want '$want'"
		fail=1
	else
		echo "ok:   '$*' -> '$got'"
	fi
}

expect "gen help inspect probe version" bpf-arena ""
expect "gen" bpf-arena g
expect "probe" bpf-arena -d pr
expect "--debug --help --version -V -d -h" bpf-arena -
expect "help object skeleton" bpf-arena gen ""
expect "skeleton" bpf-arena gen sk
expect "$work/other.bpf.o $work/prog.bpf.o $work/sub/" bpf-arena gen skeleton "$work/"
expect "$work/prog.bpf.o" bpf-arena gen skeleton "$work/pr"
expect "name" bpf-arena gen skeleton "$work/prog.bpf.o" ""
expect "" bpf-arena gen skeleton "$work/prog.bpf.o" name ""
expect "$work/other.bpf.o $work/prog.bpf.o $work/sub/" bpf-arena gen object out.o "$work/"
expect "--help --json -j" bpf-arena probe ""
expect "dump help list show" bpf-arena inspect ""
expect "--json" bpf-arena inspect list --
expect "--json --object --svg" bpf-arena inspect show 12 --
expect "--json --length --offset" bpf-arena inspect dump 12 --
expect "$work/prog.bpf.o" bpf-arena inspect show 12 --object "$work/pr"

# What the tool itself offers must be offered.
objects=$("$tool" help | sed -n 's/.*OBJECT := { \(.*\) }.*/\1/p' | tr -d '|')
[ -n "$objects" ] || { echo "FAIL: no OBJECT list in '$tool help'"; fail=1; }
offered=" $(complete_line bpf-arena "") "
for o in $objects; do
	case "$offered" in
	*" $o "*) echo "ok:   object '$o' of the tool is offered" ;;
	*) echo "FAIL: object '$o' of the tool is not offered"; fail=1 ;;
	esac
done
cmds=$("$tool" gen help | sed -n 's/^Usage: *[^ ]* gen \([a-z]*\) .*/\1/p; s/^ *[^ ]* gen \([a-z]*\) .*/\1/p' |
	grep -v '^help$' || true)
[ -n "$cmds" ] || { echo "FAIL: no gen commands in '$tool gen help'"; fail=1; }
offered=" $(complete_line bpf-arena gen "") "
for c in $cmds; do
	case "$offered" in
	*" $c "*) echo "ok:   'gen $c' of the tool is offered" ;;
	*) echo "FAIL: 'gen $c' of the tool is not offered"; fail=1 ;;
	esac
done
exit $fail

#!/usr/bin/env bash
# The bash completion of bpf-arena (completion/bpf-arena): sourced into this
# shell, the completion function is called the way bash calls it for some
# command lines, and COMPREPLY is compared with what it must offer. Every
# OBJECT and gen COMMAND the built tool lists in its help must be offered,
# and every option of each inspect command. With PIN_HELPER (tests/pin_helper.c)
# a real arena is made and pinned, and its map id must be offered for ID.
#   test_completion.sh COMPLETION_FILE BPF_ARENA_TOOL [PIN_HELPER]
set -euo pipefail
comp=$1
tool=$2
helper=${3:-}
fail=0

# shellcheck source=/dev/null
source "$comp"
complete -p bpf-arena | grep -q -- '-F _bpf_arena' || { echo "not registered"; exit 1; }

work=$(mktemp -d)
pin_root=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup()
{
	rm -rf "$work"
	# the pins are files in bpffs: removing them frees the arena
	[ -z "$pin_root" ] || rm -rf "$pin_root"
}
trap cleanup EXIT
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
expect "help skeleton" bpf-arena gen ""
expect "skeleton" bpf-arena gen sk
expect "$work/other.bpf.o $work/prog.bpf.o $work/sub/" bpf-arena gen skeleton "$work/"
expect "$work/prog.bpf.o" bpf-arena gen skeleton "$work/pr"
expect "name" bpf-arena gen skeleton "$work/prog.bpf.o" ""
expect "" bpf-arena gen skeleton "$work/prog.bpf.o" name ""
expect "" bpf-arena gen object out.o "$work/"
expect "$work/prog.bpf.o" bpf-arena g sk "$work/pr"
expect "name" bpf-arena -d ge s "$work/prog.bpf.o" ""
expect "--help --json -j" bpf-arena probe ""
expect "dump help list show" bpf-arena inspect ""
expect "--json" bpf-arena inspect list --
expect "--globals-offset --json --object --svg" bpf-arena inspect show 12 --
expect "--globals-offset --json --object --svg" bpf-arena insp sh 12 --
expect "--globals-offset" bpf-arena inspect show 12 --g
expect "" bpf-arena inspect show 12 --globals-offset ""
expect "--globals-offset --json --object --svg" bpf-arena inspect show --object x.o 12 --
expect "" bpf-arena inspect show 12 ""
expect "" bpf-arena inspect dump 12 --offset ""
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
# Every option the tool's 'inspect help' lists for a command is offered.
for c in show dump list; do
	opts=$("$tool" inspect help | awk -v c="$c" '
		/ inspect [a-z]+/ { on = ($0 ~ (" inspect " c " ")) || ($0 ~ (" inspect " c "$")) }
		/^$/ { on = 0 }
		on' | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ -n "$opts" ] || { echo "FAIL: no options for 'inspect $c' in '$tool inspect help'"; fail=1; }
	offered=" $(complete_line bpf-arena inspect "$c" 12 --) "
	for o in $opts; do
		case "$offered" in
		*" $o "*) echo "ok:   'inspect $c $o' of the tool is offered" ;;
		*) echo "FAIL: 'inspect $c $o' of the tool is not offered"; fail=1 ;;
		esac
	done
done

# The id of a real arena is offered for ID (bpftool 7.1 prints its type as
# "type 33", later ones as "arena").
if [ -n "$helper" ]; then
	grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
	pin_root=/sys/fs/bpf/test_completion_$$
	mkdir "$pin_root"
	if ! "$helper" append "$pin_root" 1 >/dev/null; then
		echo "FAIL: $helper could not make and pin an arena in $pin_root"
		fail=1
	else
		id=$(bpftool map show pinned "$pin_root/arena" | sed -n 's/^\([0-9][0-9]*\):.*/\1/p')
		for line in "inspect show" "inspect dump --offset 0 --length 16" "i s --json"; do
			# shellcheck disable=SC2086 # the words of $line are words
			offered=" $(complete_line bpf-arena $line "") "
			case "$offered" in
			*" $id "*) echo "ok:   arena map $id is offered after '$line'" ;;
			*) echo "FAIL: arena map $id (pinned in $pin_root) is not offered after '$line': '$offered'"; fail=1 ;;
			esac
		done
		offered=" $(complete_line bpf-arena inspect show "$pin_root/") "
		case "$offered" in
		*" $pin_root/arena "*) echo "ok:   its pin is offered" ;;
		*) echo "FAIL: the pin $pin_root/arena is not offered: '$offered'"; fail=1 ;;
		esac
	fi
fi
exit $fail

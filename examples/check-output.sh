#!/bin/sh
# Runs an example as its test: it must exit 0 and print a line matching
# REGEX. Exit 77 (skipped) when not root, unless CI=true.
#   check-output.sh REGEX COMMAND [ARGS...]
set -u
regex=$1
shift
if [ "$(id -u)" -ne 0 ]; then
	[ "${CI:-}" = true ] && { echo "CI=true and this example needs root" >&2; exit 1; }
	echo "skipped: needs root"
	exit 77
fi
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ $rc -ne 0 ]; then
	echo "FAIL: '$*' exited with $rc" >&2
	exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
	echo "FAIL: no line matches '$regex'" >&2
	exit 1
fi
echo "ok: exit 0 and a line matching '$regex'"

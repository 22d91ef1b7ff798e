#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# kernel-patches/arena-patches.sh against git trees built here: an
# "upstream" whose history has one commit per manifest entry (each adding
# that entry's signature, under its subject) and a "downstream" at the base
# without them. check must see the difference, apply must carry the
# commits over (by subject, and by id with a manifest that names them), a
# conflict must leave the tree untouched, and the running kernel is checked
# through bpf-arena probe.
#
# Usage: test_kernel_patches.sh KERNEL_PATCHES_DIR BPF_ARENA_TOOL
set -euo pipefail

kp=$1
tool=$2
script=$kp/arena-patches.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME=$work

ok() { echo "ok   - $*"; }
fail() {
	echo "FAIL - $*"
	fails=$((fails + 1))
}
expect_rc() { # want_rc description command...
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >"$work/out" 2>&1 || rc=$?
	if [ "$rc" = "$want" ]; then ok "$what (exit $rc)"; else
		fail "$what: exit $rc, expected $want"
		sed 's/^/     | /' "$work/out"
	fi
}
expect_out() { # regex description
	if grep -qE -- "$1" "$work/out"; then ok "$2"; else
		fail "$2: no /$1/ in output"
		sed 's/^/     | /' "$work/out"
	fi
}

entries() { grep -v -e '^#' -e '^[[:space:]]*$' "$kp/series.tsv"; }

# ---- the trees ----------------------------------------------------------
up=$work/upstream
git init -q -b main "$up"
while IFS=$'\t' read -r id kind since commit subject probes path sig source; do
	[ "$path" = "-" ] && continue
	if [[ "$path" == *.* ]]; then f=$path; else f=$path/arena_sig.c; fi
	mkdir -p "$up/$(dirname "$f")"
	[ -e "$up/$f" ] || echo "/* base */" >"$up/$f"
done < <(entries)
git -C "$up" add -A
git -C "$up" commit -q -m "base: a tree before arenas"
base=$(git -C "$up" rev-parse HEAD)

declare -A sha_of
n_sig=0 n_subj=0 n_nosubj=0
while IFS=$'\t' read -r id kind since commit subject probes path sig source; do
	if [ "$subject" = "-" ]; then
		n_nosubj=$((n_nosubj + 1))
		continue
	fi
	n_subj=$((n_subj + 1))
	if [[ "$path" == *.* ]]; then f=$path; else f=$path/arena_sig.c; fi
	if [ "$sig" != "-" ]; then
		echo "/* $id: $sig */" >>"$up/$f"
		n_sig=$((n_sig + 1))
	else
		echo "/* $id */" >>"$up/$f"
	fi
	git -C "$up" commit -q -am "$subject"
	sha_of[$id]=$(git -C "$up" rev-parse HEAD)
done < <(entries)

down=$work/downstream
git clone -q "$up" "$down"
git -C "$down" reset -q --hard "$base"

# ---- check --------------------------------------------------------------
expect_rc 1 "check: a tree without the series has entries absent" "$script" check "$down"
expect_out "^arena-map +absent +6\.9 +317460317a02 +bpf: Introduce bpf_arena\.$" \
	"check: arena-map absent, with its version, id and subject"
[ "$(grep -cE '^[a-z0-9-]+ +absent ' "$work/out")" = "$n_sig" ] &&
	ok "check: all $n_sig entries with a signature absent" ||
	fail "check: $(grep -cE '^[a-z0-9-]+ +absent ' "$work/out") absent, expected $n_sig"
expect_out "^arena-big-offsets +unknown" "check: an entry without signature is unknown"

expect_rc 0 "check: the upstream tree has every entry" "$script" check "$up"
expect_out "^arena-verifier-cast +present " "check: arena-verifier-cast present"
expect_rc 0 "check --git-log: subjects found in the history" "$script" check "$up" --git-log
expect_out "^arena-atomics-x86 +present\(in-log\)" "check --git-log: signature and log agree"
expect_rc 1 "check --git-log: downstream lacks them" "$script" check "$down" --git-log
expect_out "^arena-map +absent\(not-in-log\)" "check --git-log: absent from the log too"

# ---- apply by subject (the manifest's ids are not in this remote) -------
# Plus an entry with neither id nor subject, which apply must skip (every
# entry of the real manifest has both now).
cp "$kp/series.tsv" "$work/apply.tsv"
printf 'test-unfindable\tfollow-up\t-\t-\t-\t-\tkernel/bpf/arena.c\t-\ttest\n' >>"$work/apply.tsv"
n_skip=$((n_nosubj + 1))
expect_rc 1 "apply: carries the series over, skips entries it can't find" \
	"$script" apply "$down" --remote "$up" --ref main --manifest "$work/apply.tsv"
expect_out "^apply arena-map: [0-9a-f]{12} bpf: Introduce bpf_arena\.$" "apply: arena-map by subject"
expect_out "^skip  test-unfindable: " "apply: an entry with neither id nor subject is skipped"
expect_out "^$n_subj applied, $n_skip skipped$" "apply: every entry with a subject applied"
expect_rc 0 "check after apply: everything with a signature is present" "$script" check "$down"
git -C "$down" log -1 --format=%B | grep -q "cherry picked from commit" &&
	ok "apply: commits are recorded with -x" || fail "apply: no -x trailer"
expect_rc 1 "apply again: nothing left to apply but the unfindable" \
	"$script" apply "$down" --remote "$up" --ref main --manifest "$work/apply.tsv"
expect_out "^0 applied, $n_skip skipped$" "apply again: idempotent"

# ---- apply by id --------------------------------------------------------
down2=$work/downstream-ids
git clone -q "$up" "$down2"
git -C "$down2" reset -q --hard "$base"
awk -F'\t' -v OFS='\t' -v sha="${sha_of[arena-map]}" \
	'$1 == "arena-map" { $4 = sha; $5 = "a subject that is not in the history" } { print }' \
	"$kp/series.tsv" >"$work/ids.tsv"
"$script" apply "$down2" --remote "$up" --ref main --manifest "$work/ids.tsv" >"$work/out" 2>&1 || true
expect_out "^apply arena-map: ${sha_of[arena-map]:0:12} " "apply: arena-map found by its id"

# ---- a conflict ---------------------------------------------------------
down3=$work/downstream-conflict
git clone -q "$up" "$down3"
git -C "$down3" reset -q --hard "$base"
echo "/* a local change where arena-map goes */" >>"$down3/include/uapi/linux/bpf.h"
git -C "$down3" commit -q -am "local: conflicting change"
before=$(git -C "$down3" rev-parse HEAD)
expect_rc 3 "apply: a conflict stops the run" "$script" apply "$down3" --remote "$up" --ref main
expect_out "conflict cherry-picking arena-map \(6\.9: bpf: Introduce bpf_arena\., [0-9a-f]{12}\)" \
	"apply: the conflict names the entry and its commit"
[ "$(git -C "$down3" rev-parse HEAD)" = "$before" ] && ok "conflict: HEAD unchanged" ||
	fail "conflict: HEAD moved"
[ -z "$(git -C "$down3" status --porcelain)" ] && ok "conflict: worktree clean" ||
	fail "conflict: worktree not clean: $(git -C "$down3" status --porcelain)"
[ ! -e "$down3/.git/CHERRY_PICK_HEAD" ] && ok "conflict: no cherry-pick in progress" ||
	fail "conflict: cherry-pick left in progress"

# ---- refusals -----------------------------------------------------------
expect_rc 2 "apply: without --remote" "$script" apply "$down"
expect_out "name the remote" "apply: says to name the remote"
echo dirt >>"$down/kernel/bpf/arena.c"
expect_rc 2 "apply: refuses a dirty tree" "$script" apply "$down" --remote "$up"
git -C "$down" checkout -q -- .

# ---- kernel configs -----------------------------------------------------
printf 'CONFIG_64BIT=y\nCONFIG_MMU=y\nCONFIG_BPF=y\nCONFIG_BPF_SYSCALL=y\n# CONFIG_BPF_JIT is not set\nCONFIG_DEBUG_INFO=y\nCONFIG_DEBUG_INFO_BTF=y\nCONFIG_NET=y\n' \
	>"$work/no-jit.config"
expect_rc 1 "config: a config without the JIT falls short" "$script" config "$work/no-jit.config"
expect_out "^CONFIG_BPF_JIT=y +MISSING \(not set\)" "config: names the missing option"
expect_out "^CONFIG_BPF_SYSCALL=y +ok" "config: and the ones that are there"
grep -E '^CONFIG_' "$kp/arena.config" >"$work/full.config"
expect_rc 0 "config: a config with every option passes" "$script" config "$work/full.config"

# ---- the running kernel -------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	if [ "${CI:-}" = true ]; then fail "running: CI=true but not root"; else
		echo "skip - running: needs root"
		[ $fails = 0 ] && exit 77
	fi
else
	expect_rc 0 "running: the running kernel has arenas" "$script" running --probe "$tool"
	expect_out "^map_type +supported +arena-map $" "running: map_type supported, entry named"
	expect_out "^big_offsets +missing +arena-big-offsets $" "running: a missing capability's entry"
	if [ -r /proc/config.gz ] || [ -r "/boot/config-$(uname -r)" ]; then
		expect_rc 0 "config: the running kernel's config has every option" "$script" config
	fi
fi

echo "$fails failure(s)"
[ $fails = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The BPF arena kernel series, for people who build their own kernels.
#
#   arena-patches.sh check TREE [--git-log]
#       For each entry of series.tsv, whether kernel source TREE has it
#       (its code signature is found under its path). With --git-log, in a git
#       tree, also whether a commit of that subject is in HEAD's history.
#       Exit 0 when every entry with a signature is present, 1 otherwise.
#   arena-patches.sh apply TREE --remote REMOTE [--ref REF] [--no-fetch]
#       Cherry-pick (-x) every absent entry, in series order, into git tree
#       TREE from REMOTE (a remote's name or a URL; REF defaults to its
#       default branch). A commit is found by its id, else by its subject in
#       what was fetched. On a conflict the cherry-pick is aborted, the tree
#       is left as it was before that entry, and the script stops (exit 3)
#       naming the entry.
#   arena-patches.sh running [--probe PATH]
#       The running kernel, asked through `bpf-arena probe` (PATH, else
#       bpf-arena from PATH): each capability with its status and, for the
#       missing ones, the entries that bring it. Exit status is the probe's.
#
#   arena-patches.sh config [CONFIG]
#       Whether kernel config CONFIG (a .config; default: the running
#       kernel's, /proc/config.gz or /boot/config-$(uname -r)) sets every
#       option of arena.config. Exit 0 when it does, 1 otherwise.
#
#   Common option: --manifest FILE (default: series.tsv beside this script).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
manifest=$here/series.tsv

die() {
	echo "arena-patches: $*" >&2
	exit 2
}

usage() {
	sed -n '3,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

# Entries of the manifest, comments dropped: id kind since commit subject
# probes path signature source, tab-separated.
entries() {
	[ -r "$manifest" ] || die "cannot read manifest '$manifest'"
	grep -v -e '^#' -e '^[[:space:]]*$' "$manifest"
}

# present / absent / unknown for one entry in a source tree.
signature_status() {
	local tree=$1 path=$2 sig=$3
	if [ "$sig" = "-" ] || [ "$path" = "-" ]; then
		echo unknown
	elif [ ! -e "$tree/$path" ]; then
		echo absent
	elif grep -rqF -- "$sig" "$tree/$path" 2>/dev/null; then
		echo present
	else
		echo absent
	fi
}

# Subjects compare without a trailing period: maintainers add or drop it.
norm_subject() {
	sed -e 's/[[:space:]]*$//' -e 's/\.$//'
}

# Subjects of HEAD's history, once, into $subjects_file (removed at exit).
subjects_file=""
head_subjects() {
	subjects_file=$(mktemp)
	trap 'rm -f "$subjects_file"' EXIT
	git -C "$1" log --format=%s HEAD | norm_subject >"$subjects_file"
}

is_git_tree() {
	git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1
}

cmd_check() {
	local tree="" git_log=0
	while [ $# -gt 0 ]; do
		case "$1" in
		--git-log) git_log=1 ;;
		--manifest) manifest=$2; shift ;;
		-*) die "check: unknown option '$1'" ;;
		*) tree=$1 ;;
		esac
		shift
	done
	[ -n "$tree" ] || die "check: which kernel tree?"
	[ -d "$tree" ] || die "check: '$tree' is not a directory"

	if [ $git_log = 1 ]; then
		is_git_tree "$tree" || die "check --git-log: '$tree' is not a git tree"
		head_subjects "$tree"
	fi

	local missing=0 id kind since commit subject probes path sig source st log_st
	printf '%-26s %-8s %-12s %-13s %s\n' ENTRY STATUS SINCE COMMIT SUBJECT
	while IFS=$'\t' read -r id kind since commit subject probes path sig source; do
		st=$(signature_status "$tree" "$path" "$sig")
		if [ $git_log = 1 ] && [ "$subject" != "-" ]; then
			if grep -qxF -- "$(printf '%s' "$subject" | norm_subject)" "$subjects_file"; then
				log_st=in-log
			else
				log_st=not-in-log
			fi
			# A signature answers; the log only fills in where there is none.
			if [ "$st" = unknown ]; then
				[ $log_st = in-log ] && st=present || st=absent
			fi
			st="$st($log_st)"
		fi
		case "$st" in absent*) missing=$((missing + 1)) ;; esac
		printf '%-26s %-8s %-12s %-13s %s\n' "$id" "$st" "$since" "$commit" "$subject"
	done < <(entries)
	if [ $missing -gt 0 ]; then
		echo "$missing entr$([ $missing = 1 ] && echo y || echo ies) absent from $tree"
		return 1
	fi
	echo "every entry with a known signature is present in $tree"
}

# The commit to cherry-pick for an entry: its id if the tree has that
# object, else the newest commit of that subject in the fetched history.
resolve_commit() {
	local tree=$1 ref=$2 commit=$3 subject=$4 want
	if [ "$commit" != "-" ] &&
		git -C "$tree" rev-parse -q --verify "$commit^{commit}" >/dev/null 2>&1; then
		git -C "$tree" rev-parse "$commit^{commit}"
		return 0
	fi
	[ "$subject" != "-" ] || return 1
	want=$(printf '%s' "$subject" | norm_subject)
	git -C "$tree" log --format='%H%x09%s' "$ref" |
		awk -F'\t' -v want="$want" '{ s = $2; sub(/[ \t]*$/, "", s); sub(/\.$/, "", s)
			if (s == want) { print $1; exit } }'
}

cmd_apply() {
	local tree="" remote="" ref="" fetch=1
	while [ $# -gt 0 ]; do
		case "$1" in
		--remote) remote=$2; shift ;;
		--ref) ref=$2; shift ;;
		--no-fetch) fetch=0 ;;
		--manifest) manifest=$2; shift ;;
		-*) die "apply: unknown option '$1'" ;;
		*) tree=$1 ;;
		esac
		shift
	done
	[ -n "$tree" ] || die "apply: which kernel tree?"
	[ -n "$remote" ] || die "apply: name the remote to cherry-pick from (--remote NAME|URL)"
	is_git_tree "$tree" || die "apply: '$tree' is not a git tree"
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
		die "apply: '$tree' has uncommitted changes; commit or stash them first"

	local search_ref
	if [ $fetch = 1 ]; then
		echo "fetching ${ref:-the default branch} from $remote"
		git -C "$tree" fetch -q "$remote" ${ref:+"$ref"} || die "apply: fetching from '$remote' failed"
		search_ref=FETCH_HEAD
	else
		search_ref=${ref:-$remote/HEAD}
	fi
	git -C "$tree" rev-parse -q --verify "$search_ref^{commit}" >/dev/null ||
		die "apply: '$search_ref' is not a commit in '$tree'"

	head_subjects "$tree"
	local applied=0 skipped=0 id kind since commit subject probes path sig source st sha
	while IFS=$'\t' read -r id kind since commit subject probes path sig source; do
		st=$(signature_status "$tree" "$path" "$sig")
		[ "$st" = present ] && continue
		if [ "$st" = unknown ] && [ "$subject" != "-" ] &&
			grep -qxF -- "$(printf '%s' "$subject" | norm_subject)" "$subjects_file"; then
			continue
		fi
		sha=$(resolve_commit "$tree" "$search_ref" "$commit" "$subject" || true)
		if [ -z "$sha" ]; then
			echo "skip  $id: no commit '$commit' nor subject '$subject' in $remote${ref:+ $ref}"
			skipped=$((skipped + 1))
			continue
		fi
		if ! git -C "$tree" cherry-pick -x "$sha" >/dev/null 2>&1; then
			git -C "$tree" cherry-pick --abort >/dev/null 2>&1 || true
			cat >&2 <<-MSG
				arena-patches: conflict cherry-picking $id ($since: $subject, ${sha:0:12}).
				The cherry-pick was aborted; $tree is as it was before $id ($applied applied).
				Resolve it by hand (git cherry-pick -x ${sha:0:12}), then run apply again.
			MSG
			exit 3
		fi
		echo "apply $id: ${sha:0:12} $subject"
		applied=$((applied + 1))
	done < <(entries)
	echo "$applied applied, $skipped skipped"
	[ $skipped -eq 0 ]
}

cmd_running() {
	local probe=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--probe) probe=$2; shift ;;
		--manifest) manifest=$2; shift ;;
		*) die "running: unknown option '$1'" ;;
		esac
		shift
	done
	if [ -z "$probe" ]; then
		probe=$(command -v bpf-arena || true)
		[ -n "$probe" ] || die "running: bpf-arena not found; pass --probe PATH"
	fi
	[ -x "$probe" ] || die "running: '$probe' is not executable"

	local out rc=0
	out=$("$probe" probe --json) || rc=$?
	[ $rc -le 1 ] || { printf '%s\n' "$out"; die "running: $probe probe failed (exit $rc)"; }

	local line name status entries
	printf '%-20s %-10s %s\n' CAPABILITY STATUS ENTRIES
	while IFS= read -r line; do
		case "$line" in '{"name": '*) ;; *) continue ;; esac
		name=$(printf '%s' "$line" | sed -n 's/^{"name": "\([^"]*\)".*/\1/p')
		status=$(printf '%s' "$line" | sed -n 's/.*"status": "\([^"]*\)".*/\1/p')
		entries=$(entries | awk -F'\t' -v cap="$name" \
			'{ n = split($6, p, ","); for (i = 1; i <= n; i++) if (p[i] == cap) printf "%s ", $1 }')
		printf '%-20s %-10s %s\n' "$name" "$status" "${entries:--}"
	done <<<"$out"
	return $rc
}

cmd_config() {
	local config=${1:-} text want opt missing=0
	if [ -z "$config" ]; then
		if [ -r /proc/config.gz ]; then config=/proc/config.gz
		else config=/boot/config-$(uname -r); fi
	fi
	[ -r "$config" ] || die "config: cannot read '$config'"
	case "$config" in
	*.gz) text=$(zcat "$config") ;;
	*) text=$(cat "$config") ;;
	esac
	while IFS= read -r want; do
		opt=${want%%=*}
		if grep -qxF -- "$want" <<<"$text"; then
			printf '%-40s ok\n' "$want"
		else
			printf '%-40s MISSING (%s)\n' "$want" \
				"$(grep -E "^$opt=" <<<"$text" | head -1 || echo "not set")"
			missing=$((missing + 1))
		fi
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=' "$here/arena.config")
	if [ $missing -gt 0 ]; then
		echo "$config lacks $missing option(s) of $here/arena.config"
		return 1
	fi
	echo "$config has every option of arena.config"
}

[ $# -ge 1 ] || { usage >&2; exit 2; }
cmd=$1
shift
case "$cmd" in
check) cmd_check "$@" ;;
apply) cmd_apply "$@" ;;
running) cmd_running "$@" ;;
config) cmd_config "$@" ;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# A real kernel without arenas: Debian 12's linux-image-amd64 (6.1), booted
# with qemu (TCG: no KVM needed) and an initramfs of busybox-static plus our
# statically linked binaries. In the guest, `bpf-arena probe` must report the
# arena map type missing and exit 1, and loading an arena object through the
# library must fail with the message naming the missing capability, without
# a crash.
#
# Usage: run-qemu-test.sh --cache DIR --work DIR --tool BPF_ARENA --load QEMU_LOAD
#                         --object OBJ.bpf.o [--timeout SECONDS]
# The kernel package is downloaded once (apt-get download) into the cache
# directory; BPF_ARENA_QEMU_KERNEL=path/to/vmlinuz uses another kernel.
# Exit 0: passed; 1: failed; 77: skipped (tools missing; a failure with CI=true).
set -euo pipefail

cache="" work="" tool="" load="" object="" timeout_s=300
while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache=$2; shift ;;
	--work) work=$2; shift ;;
	--tool) tool=$2; shift ;;
	--load) load=$2; shift ;;
	--object) object=$2; shift ;;
	--timeout) timeout_s=$2; shift ;;
	*) echo "run-qemu-test: unknown argument '$1'" >&2; exit 1 ;;
	esac
	shift
done
for v in cache work tool load object; do
	[ -n "${!v}" ] || { echo "run-qemu-test: --$v is required" >&2; exit 1; }
done

skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: CI=true and the qemu test cannot run: $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

for cmd in qemu-system-x86_64 cpio gzip dpkg-deb; do
	command -v $cmd >/dev/null || skip "$cmd not found: scripts/install-deps.sh qemu"
done
# A static binary has no program interpreter.
is_static() {
	[ -x "$1" ] && ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}
command -v readelf >/dev/null || skip "readelf not found (binutils)"
busybox=/bin/busybox
is_static $busybox || skip "no static /bin/busybox: scripts/install-deps.sh qemu (busybox-static)"

t_start=$(date +%s.%N)

# ---- the kernel ---------------------------------------------------------
mkdir -p "$cache" "$work"
kernel=${BPF_ARENA_QEMU_KERNEL:-}
if [ -z "$kernel" ]; then
	deb=$(ls "$cache"/linux-image-6.1.*-amd64_*.deb 2>/dev/null | sort -V | tail -1 || true)
	if [ -z "$deb" ]; then
		# linux-image-amd64 names the current 6.1 ABI's package.
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-6\.1\./ { print $2; exit }')
		[ -n "$pkg" ] || skip "apt-cache knows no linux-image-amd64 (6.1) package"
		echo "downloading $pkg into $cache"
		(cd "$cache" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
			skip "apt-get download $pkg failed"
		deb=$(ls "$cache"/linux-image-6.1.*-amd64_*.deb | sort -V | tail -1)
	fi
	extract=$cache/$(basename "$deb" .deb)
	if ! ls "$extract"/boot/vmlinuz-* >/dev/null 2>&1; then
		rm -rf "$extract"
		mkdir -p "$extract"
		# Only the kernel image (dpkg-deb -x would unpack every module too,
		# and BPF is built in).
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$extract" --wildcards './boot/vmlinuz-*'
	fi
	kernel=$(ls "$extract"/boot/vmlinuz-* | head -1)
fi
[ -r "$kernel" ] || fail "no kernel image at '$kernel'"
echo "kernel: $kernel"

# ---- the initramfs ------------------------------------------------------
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root/bin"
cp $busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$tool" "$root/bin/bpf-arena"
cp "$load" "$root/bin/qemu_load"
cp "$object" "$root/qemu_arena.bpf.o"
cp "$(dirname "${BASH_SOURCE[0]}")/init.sh" "$root/init"
chmod +x "$root/init"
for b in "$root/bin/bpf-arena" "$root/bin/qemu_load"; do
	is_static "$b" || fail "$b is not statically linked"
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"

# ---- boot ---------------------------------------------------------------
log=$work/console.log
t_boot=$(date +%s.%N)
rc=0
timeout "$timeout_s" qemu-system-x86_64 -machine q35 -accel tcg -m 512M -smp 1 \
	-kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
	-nographic -append 'console=ttyS0 panic=-1' -no-reboot </dev/null >"$log" 2>&1 || rc=$?
t_end=$(date +%s.%N)
tr -d '\r' <"$log" >"$log.txt"
log=$log.txt
sed -n '/QEMU-BOOTED/,/QEMU-DONE/p' "$log"
awk -v s="$t_start" -v b="$t_boot" -v e="$t_end" -v rc=$rc \
	'BEGIN { printf "qemu ran %.1f s (exit %d); whole test %.1f s\n", e - b, rc, e - s }'
[ $rc -ne 124 ] || fail "qemu did not finish within ${timeout_s}s (console: $log)"

# ---- what must have happened -------------------------------------------
check() { # regex what
	grep -qE -- "$1" "$log" || fail "$2: no /$1/ on the console ($log)"
	echo "ok: $2"
}
check '^QEMU-BOOTED 6\.1\.' "the guest runs Debian's 6.1 kernel"
check '^map_type +missing +6\.9 +arena-map ' "probe: map_type missing, upstream 6.9, entry arena-map"
check "BPF arenas are NOT usable: this kernel lacks the BPF arena map type \\(BPF_MAP_TYPE_ARENA, upstream Linux 6\\.9; kernel-patches/series\\.tsv entry 'arena-map'\\)\\." \
	"probe: says arenas are not usable, and why"
check '^QEMU-PROBE-EXIT=1$' "probe: exit status 1"
check '"name": "map_type", "status": "missing"' "probe --json: map_type missing"
check '^QEMU-PROBE-JSON-EXIT=1$' "probe --json: exit status 1"
check "this kernel lacks the BPF arena map type \(BPF_MAP_TYPE_ARENA, upstream Linux 6\.9; kernel-patches/series\.tsv entry 'arena-map'\)" \
	"load: the library's message names capability, version and entry"
check '^QEMU-LOAD-OK$' "load: failed cleanly as expected"
check '^QEMU-LOAD-EXIT=0$' "load: test binary exit status 0"
check '^QEMU-DONE$' "the guest ran to the end"
if sed -n '1,/QEMU-DONE/p' "$log" | grep -qE 'segfault|Kernel panic|BUG:|Oops|general protection'; then
	fail "a crash on the console ($log)"
fi
echo "ok: no crash"
echo "PASS"

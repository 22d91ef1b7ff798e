#!/bin/busybox sh
# /init of the guest: run the probe tool and the load test, print markers
# the host checks, power off.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "QEMU-BOOTED $(uname -r)"
/bin/bpf-arena probe
echo "QEMU-PROBE-EXIT=$?"
/bin/bpf-arena probe --json >/tmp/probe.json
echo "QEMU-PROBE-JSON-EXIT=$?"
grep '"name": "map_type"' /tmp/probe.json
/bin/qemu_load /qemu_arena.bpf.o
echo "QEMU-LOAD-EXIT=$?"
echo "QEMU-DONE"
poweroff -f

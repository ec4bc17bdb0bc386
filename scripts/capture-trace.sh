#!/usr/bin/env bash
# Captures an ftrace trace of TLB flushes from a stock Debian kernel (docs/traces.md):
# boots Debian's linux-image (unpacked with dpkg-deb -x) under qemu-system-x86_64 with 4 vCPUs
# on two NUMA nodes, with a busybox initramfs whose /init (scripts/capture/init) enables the
# tlb, sched, ipi, irq_vectors, migrate and syscall events and the function tracer on
# flush_tlb_mm_range, native_flush_tlb_multi, flush_tlb_func and arch_tlbbatch_flush, runs
# scripts/capture/workload.c, and prints the trace on the serial console.
#
# Usage: scripts/capture-trace.sh OUT.trace [--kvm] [--workload mixed|madvise|mprotect|munmap|fork]
#            [--kernel 6.1|6.12]
# (the workload's modes are described at the top of scripts/capture/workload.c). --kernel 6.1 (the
# default) is the kernel Debian 12's linux-image-amd64 depends on; 6.12 is the newest
# linux-image-6.12.*-amd64 of bookworm-backports, fetched through a private apt state in the cache
# directory (the machine's sources are left alone).
# Installs with apt (as root): qemu-system-x86, busybox-static, cpio, gcc and libc6-dev; downloads the
# current linux-image-amd64's kernel package into a cache directory. The guest is emulated (TCG):
# it has no PCID, so every switch to another mm is a full flush (`tlb_flush` reason "flush on
# task switch", pages -1), which the import must detect. --kvm uses KVM instead (the host's CPU
# features, PCID among them); nested under another hypervisor it may hang or abort.
set -euo pipefail
usage="usage: scripts/capture-trace.sh OUT.trace [--kvm] [--workload mixed|madvise|mprotect|munmap|fork] [--kernel 6.1|6.12]"
out=${1:?$usage}
shift
accel=tcg
workload=mixed
kernel=6.1
while [ $# -gt 0 ]; do
    case "$1" in
    --kvm) accel=kvm ;;
    --kernel)
        kernel=${2:?$usage}
        shift
        ;;
    --workload)
        workload=${2:?$usage}
        shift
        ;;
    *)
        echo "capture: unknown option $1; $usage" >&2
        exit 2
        ;;
    esac
    shift
done
case "$kernel" in
6.1 | 6.12) ;;
*)
    echo "capture: unknown kernel $kernel; $usage" >&2
    exit 2
    ;;
esac
case "$workload" in
mixed | madvise | mprotect | munmap | fork) ;;
*)
    echo "capture: unknown workload $workload; $usage" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
cache=${SHOOTDOWN_CAPTURE_CACHE:-$HOME/.cache/shootdown-capture}
mkdir -p "$cache"

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
    echo "capture: installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The kernel, unpacked once: 6.1, the package linux-image-amd64 depends on; 6.12, the newest of
# bookworm-backports, through an apt state of our own.
apt_options=()
if [ "$kernel" = 6.12 ]; then
    mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial"
    echo "deb http://deb.debian.org/debian bookworm-backports main" > "$cache/apt/sources.list"
    apt_options=(-o "Dir::Etc::sourcelist=$cache/apt/sources.list" -o Dir::Etc::sourceparts=-
        -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt")
    apt-get "${apt_options[@]}" update -qq
    image=$(apt-cache "${apt_options[@]}" search '^linux-image-6\.12\.[0-9.]+\+deb12-amd64$' | awk '{print $1}' |
        sort -V | tail -1)
else
    image=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/{print $2; exit}')
fi
[ -n "$image" ] || { echo "capture: no kernel package found for $kernel" >&2; exit 1; }
if [ ! -d "$cache/$image" ]; then
    echo "capture: downloading $image" >&2
    (cd "$cache" && apt-get "${apt_options[@]}" download "$image" >/dev/null 2>&1 &&
        dpkg-deb -x "$image"_*.deb "$image")
fi
vmlinuz=$(ls "$cache/$image"/boot/vmlinuz-*)

# The initramfs: busybox, the init script, the workload (static).
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,proc,sys,dev}
cp /bin/busybox "$root/bin/busybox"
cp "$here/capture/init" "$root/init"
chmod +x "$root/init"
gcc -static -O2 -pthread -o "$root/workload" "$here/capture/workload.c"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initrd.gz"

console=$(mktemp)
cpu=max
[ "$accel" = kvm ] && cpu=host,-arch-capabilities
echo "capture: booting $image ($accel, 4 vCPUs on 2 NUMA nodes), workload $workload" >&2
timeout 600 qemu-system-x86_64 -accel "$accel" -cpu "$cpu" -m 1024 -smp 4 \
    -object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M \
    -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1 \
    -kernel "$vmlinuz" -initrd "$cache/initrd.gz" -append "console=ttyS0 quiet panic=-1 loglevel=3 shootdown.workload=$workload" \
    -nographic -no-reboot > "$console" 2>&1 || true
grep '^capture:\|^workload:' "$console" | tr -d '\r' >&2 || true
# The trace between the markers, without the console's carriage returns.
tr -d '\r' < "$console" | sed -n '/^=== trace begin ===$/,/^=== trace end ===$/p' | sed '1d;$d' > "$out"
rm -f "$console"
[ -s "$out" ] || { echo "capture: no trace came back (see the console output above)" >&2; exit 1; }
echo "capture: $(grep -c 'tlb_flush:' "$out") tlb_flush events, $(wc -l < "$out") lines in $out" >&2

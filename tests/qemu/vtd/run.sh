#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh normal|reginv|aw48|selftest TIMEOUT QEMU IMAGE: boot the VT-d graph image
# on q35 with intel-iommu and three edu devices, bounded by TIMEOUT
# (coreutils), and judge QEMU's status (2 * mask of failed steps + 1, from
# isa-debug-exit): normal passes only when every step passed (status 1);
# reginv the same with register-based invalidation, aw48 with a 48-bit unit
# (4-level tables); selftest passes only when
# steps 3 and 5 failed, as the skipped invalidation and the wrong context
# entry must make them.
mode=$1 timeout=$2 qemu=$3 image=$4
append= iommu=intel-iommu
case $mode in
reginv|selftest) append="-append $mode" ;;
aw48) iommu=intel-iommu,aw-bits=48 ;;
esac
# edu's default 28-bit dma_mask would cut device addresses
out=$("$timeout" 120 "$qemu" -machine q35 -cpu max -m 256 -display none -nodefaults \
	-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-device "$iommu" -device edu,dma_mask=0xffffffffffffffff \
	-device edu,dma_mask=0xffffffffffffffff -device edu,dma_mask=0xffffffffffffffff \
	-kernel "$image" $append 2>&1)
s=$?
printf '%s\n' "$out"
case $mode in
normal)
	[ "$s" -eq 1 ] && exit 0 ;;
reginv)
	[ "$s" -eq 1 ] && printf '%s\n' "$out" | grep -q "register invalidation" && exit 0 ;;
aw48)
	[ "$s" -eq 1 ] && printf '%s\n' "$out" | grep -q "4 levels" && exit 0 ;;
selftest)
	# bits 3 and 5 of the mask: 2 * 0x28 + 1
	if [ "$s" -lt 256 ] && [ $((s & 0x51)) -eq $((0x51)) ] &&
	   printf '%s\n' "$out" | grep -q "SELFTEST steps 3 and 5 failed"; then
		exit 0
	fi ;;
esac
echo "run.sh $mode: QEMU exited with status $s" >&2
exit 1

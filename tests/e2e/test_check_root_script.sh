#!/usr/bin/env bash
# aem-check-root on fake sysfs and /dev trees (no QEMU): root and every
# rd.lvm.lv must be dm-crypt or sit only on dm-crypt; anything else is
# refused with a message naming the device. The trees mirror what the kernel
# shows: dm/uuid "CRYPT-..." for dm-crypt, "LVM-..." for LVM, slaves/ links.
. "$AEM_SRC/tests/lib/common.sh"
script=$AEM_SRC/initramfs-hooks/dracut/90aem/aem-check-root.sh
S=$PWD/sys D=$PWD/dev
blk() { # name [dm-uuid] [slave...]
	local n=$1 u=${2:-}; shift 2 || shift $#
	mkdir -p "$S/class/block/$n/slaves"
	[ -n "$u" ] && { mkdir -p "$S/class/block/$n/dm"; echo "$u" > "$S/class/block/$n/dm/uuid"; }
	local s; for s in "$@"; do ln -s "../../$s" "$S/class/block/$n/slaves/$s"; done
	touch "$D/$n"
}
mkdir -p "$D/mapper" "$D/disk/by-uuid" "$D/vg"
blk sda ""; blk sda1 ""; blk sda2 ""
rmdir "$S/class/block/sda1/slaves" "$S/class/block/sda2/slaves"   # partitions have none
blk dm-0 CRYPT-LUKS2-1111-luks-1111 sda2          # LUKS on sda2
blk dm-1 LVM-abcroot dm-0                         # vg/root on the LUKS device
blk dm-2 LVM-abcswap sda1                         # vg/swap on a plain partition
blk dm-3 LVM-abcmixed dm-0 sda1                   # spans both
ln -s ../dm-0 "$D/mapper/luks-1111"; ln -s ../dm-1 "$D/vg/root"; ln -s ../dm-2 "$D/vg/swap"
ln -s ../dm-3 "$D/vg/mixed"; ln -s ../../sda1 "$D/disk/by-uuid/2222"; ln -s ../../dm-1 "$D/disk/by-uuid/3333"

run() { # cmdline -> prints output, returns status
	echo "$1" > cmdline
	AEM_SYS=$S AEM_DEV=$D AEM_CMDLINE=$PWD/cmdline AEM_NO_HALT=1 sh "$script"
}
accept() { run "$1" > out 2>&1 || { cat out; fail "refused: $1"; }; echo "ok: accepted: $1"; }
refuse() { # cmdline regex
	if run "$1" > out 2>&1; then fail "accepted: $1"; fi
	grep -q "refusing to boot" out || fail "no refusal message for: $1"
	grep -qE "$2" out || { cat out; fail "message does not say '$2' for: $1"; }
	echo "ok: refused: $1 ($(head -n 1 out))"
}
accept "root=/dev/mapper/luks-1111 ro"
accept "root=/dev/vg/root rd.lvm.lv=vg/root"
accept "root=UUID=3333 quiet"
accept "root=block:/dev/dm-1"
refuse "root=/dev/sda1" "root /dev/sda1 \(sda1\) is not on dm-crypt"
refuse "root=UUID=2222" "is not on dm-crypt"
refuse "root=/dev/vg/root rd.lvm.lv=vg/root rd.lvm.lv=vg/swap" "rd.lvm.lv /dev/vg/swap \(dm-2\) is not on dm-crypt"
refuse "root=/dev/vg/mixed" "root /dev/vg/mixed \(dm-3\) is not on dm-crypt"
refuse "root=/dev/sdz9" "no such block device"
refuse "ro quiet" "no root="

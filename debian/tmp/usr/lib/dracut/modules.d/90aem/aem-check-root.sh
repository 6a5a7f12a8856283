#!/bin/sh
# aem-check-root: the root device (root=) and every rd.lvm.lv= volume must be
# a dm-crypt device or sit, through every lower device (LVM, RAID), on
# dm-crypt. Otherwise print why and halt: a clear stop instead of a boot whose
# disk is not the one AEM measured.

# Overridable for the script's own tests (a fake sysfs and /dev tree).
SYS=${AEM_SYS:-/sys}
DEV=${AEM_DEV:-/dev}
CMDLINE=${AEM_CMDLINE:-/proc/cmdline}

# True when sysfs block device $1 is dm-crypt or all of its slaves are.
on_crypt() {
    local n="$1" s any=
    case "$(cat "$SYS/class/block/$n/dm/uuid" 2>/dev/null)" in CRYPT-*) return 0 ;; esac
    for s in "$SYS/class/block/$n/slaves/"*; do
        [ -e "$s" ] || continue
        any=1
        on_crypt "$(basename "$s")" || return 1
    done
    [ -n "$any" ]
}

# root= spec -> device path.
dev_path() {
    case "$1" in
    block:*) dev_path "${1#block:}" ;;
    UUID=*) echo "$DEV/disk/by-uuid/${1#UUID=}" ;;
    LABEL=*) echo "$DEV/disk/by-label/${1#LABEL=}" ;;
    PARTUUID=*) echo "$DEV/disk/by-partuuid/${1#PARTUUID=}" ;;
    PARTLABEL=*) echo "$DEV/disk/by-partlabel/${1#PARTLABEL=}" ;;
    /dev/*) echo "$DEV/${1#/dev/}" ;;
    *) echo "$DEV/$1" ;;
    esac
}

check() { # what, spec
    local p n
    p=$(dev_path "$2")
    n=$(basename "$(readlink -f "$p")")
    if [ ! -e "$p" ] || [ ! -e "$SYS/class/block/$n" ]; then
        echo "$1 $2: no such block device"
        return 1
    fi
    on_crypt "$n" || { echo "$1 $2 ($n) is not on dm-crypt"; return 1; }
}

bad=
root=
for w in $(cat "$CMDLINE"); do
    case "$w" in
    root=*) root=${w#root=} ;;
    rd.lvm.lv=*) check "rd.lvm.lv" "/dev/${w#rd.lvm.lv=}" || bad=1 ;;
    esac
done
if [ -z "$root" ]; then
    echo "no root= on the kernel command line"
    bad=1
else
    check "root" "$root" || bad=1
fi
[ -z "$bad" ] && exit 0
echo "AEM: refusing to boot: the root file system must be on an encrypted (LUKS) disk."
echo "AEM: the system is halted. Fix the kernel command line or the disk layout."
[ -n "${AEM_NO_HALT:-}" ] && exit 1
systemctl --no-block halt
exit 1

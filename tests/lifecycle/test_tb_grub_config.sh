#!/usr/bin/env bash
# aem grub-config on a TrenchBoot /boot: the launch comes from aem.conf (`launch =`) or is
# detected (SKL.BIN or GRUB's slaunch module, and no tboot.gz); the DCE files are found
# case-insensitively; every entry carries aem.uuid=; on UEFI --write-esp puts xen.efi,
# the kernel and initramfs on the ESP and writes the xen.cfg Xen reads. Expected lines
# are written by hand from TrenchBoot's own generator (BIOS: slaunch, multiboot2 Xen,
# module2 kernel and initramfs, slaunch_module per DCE; UEFI: chainloader xen.efi).
. "$AEM_SRC/tests/lib/common.sh"
AEM=$AEM_BUILD/aem
export AEM_STATE_DIR=$PWD/state AEM_CONF=$PWD/aem.conf
mkdir -p boot/grub/i386-pc boot/efi/EFI/qubes state
echo xen > boot/xen-4.17.5.gz; echo k > boot/vmlinuz-6.6.2; echo i > boot/initramfs-6.6.2.img
echo efi > boot/efi/EFI/qubes/xen-4.17.5.efi
gc() { "$AEM" grub-config --boot-dir boot --uuid 11111111-2222-3333-4444-555555555555 \
	--kernel-args "root=/dev/mapper/dom0-root ro" --xen-args "dom0_mem=max:4096M" "$@"; }
has() { grep -qxF -- "$2" <<<"$1" || { printf '%s\n' "$1"; fail "missing line: $2"; }; echo "ok: $2"; }

# Nothing says TrenchBoot and there is no tboot: tboot is asked for, by name.
rc=0; out=$(gc 2>&1) || rc=$?
assert_eq "no launch found: exit" 3 "$rc"
grep -q "lacks tboot.gz" <<<"$out" || fail "no tboot message: $out"

# GRUB's slaunch module: TrenchBoot detected; no DCE yet -> refused, naming what is missing.
touch boot/grub/i386-pc/slaunch.mod
rc=0; out=$(gc 2>&1) || rc=$?
assert_eq "TrenchBoot without DCE: exit" 3 "$rc"
grep -q "SKL.BIN" <<<"$out" || fail "DCE not named: $out"

echo skl > boot/Skl.Bin; echo acm > boot/cml_sinit_v1.BIN; echo no > boot/sinit-notes.txt
out=$(gc)
has "$out" "	slaunch"
has "$out" "	multiboot2	/xen-4.17.5.gz placeholder dom0_mem=max:4096M no-real-mode edd=off"
has "$out" "	module2	/vmlinuz-6.6.2 placeholder root=/dev/mapper/dom0-root ro aem.uuid=11111111-2222-3333-4444-555555555555"
has "$out" "	module2	/initramfs-6.6.2.img"
has "$out" "	slaunch_module	/Skl.Bin"
has "$out" "	slaunch_module	/cml_sinit_v1.BIN"
grep -q "sinit-notes" <<<"$out" && fail "a .txt file became a slaunch_module"
grep -q "tboot" <<<"$out" && fail "a TrenchBoot entry mentions tboot"

# tboot.gz present: detection prefers tboot; aem.conf `launch = trenchboot` overrides.
echo tb > boot/tboot.gz
gc | grep -q "^	multiboot	/tboot.gz" || fail "tboot not detected"
echo "launch = trenchboot" > aem.conf
gc | grep -q "^	slaunch$" || fail "launch = trenchboot not followed"
assert_eq "--launch beats aem.conf" 1 "$(gc --launch tboot | grep -c '^	multiboot	/tboot.gz')"
echo "launch = skinit" > aem.conf
rc=0; gc >/dev/null 2>&1 || rc=$?
assert_eq "bad launch = value: exit" 3 "$rc"
echo "launch = trenchboot" > aem.conf

# UEFI: chainloader of this media's Xen copy, its xen.cfg written on the ESP.
out=$(gc --efi --write-esp --esp-uuid 1234-ABCD)
has "$out" "	search	--no-floppy --fs-uuid --set=root 1234-ABCD"
has "$out" "	chainloader	/EFI/qubes/aem-xen-4.17.5.efi vmlinuz-6.6.2"
has "$out" "	slaunch_module	/Skl.Bin"
cmp boot/efi/EFI/qubes/xen-4.17.5.efi boot/efi/EFI/qubes/aem-xen-4.17.5.efi || fail "xen.efi not copied"
cmp boot/vmlinuz-6.6.2 boot/efi/EFI/qubes/aem-vmlinuz-6.6.2 || fail "kernel not copied"
cmp boot/initramfs-6.6.2.img boot/efi/EFI/qubes/aem-initramfs-6.6.2.img || fail "initramfs not copied"
cfg=$(cat boot/efi/EFI/qubes/aem-xen-4.17.5.cfg)
has "$cfg" "default=vmlinuz-6.6.2"
has "$cfg" "[vmlinuz-6.6.2]"
has "$cfg" "options=placeholder dom0_mem=max:4096M no-real-mode edd=off"
has "$cfg" "kernel=aem-vmlinuz-6.6.2 placeholder root=/dev/mapper/dom0-root ro aem.uuid=11111111-2222-3333-4444-555555555555"
has "$cfg" "ramdisk=aem-initramfs-6.6.2.img"
assert_eq "--xen-cfg prints the same file" "$cfg" "$(gc --efi --xen-cfg)"
# A '#' would cut Xen's command line at a comment: refused, the ESP left as it was.
rc=0; gc --efi --write-esp --xen-args "a=#b" >/dev/null 2>err || rc=$?
assert_eq "'#' in xen.cfg: exit" 1 "$rc"
assert_eq "xen.cfg unchanged" "$cfg" "$(cat boot/efi/EFI/qubes/aem-xen-4.17.5.cfg)"
# No media enrolled and no --uuid: no entry at all (never one without aem.uuid=).
out=$("$AEM" grub-config --boot-dir boot)
grep -q "aem.uuid\|menuentry" <<<"$out" && fail "an entry without an enrolled media"
echo "all TrenchBoot grub-config checks passed"

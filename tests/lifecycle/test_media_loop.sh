#!/usr/bin/env bash
# AEM media on a block device: a loop-mounted ext4 image. `aem install --format` makes
# the file system itself (mkfs.ext4 -L aem<suffix>), lays out aem/<tpm-id>/ and records
# the UUID; the lifecycle then finds the mounted media by that UUID (reading superblocks:
# no udev here). A second device with the label, or a copy carrying the UUID, is refused.
# Oracles: blkid (label, UUID), findmnt, the secret coming back after a boot.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null || { echo "skip: losetup or mkfs.ext4 missing"; exit 77; }
loops=() mnts=()
cleanup_loops() {
	local m l
	for m in "${mnts[@]}"; do mountpoint -q "$m" && umount "$m"; done
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
	true
}
trap 'cleanup_loops; _cleanup' EXIT
attach() { # image -> $LOOP (exit 77 when this sandbox has no loop devices)
	if ! LOOP=$(losetup -f --show "$1" 2>losetup.err); then
		echo "skip: loop devices cannot be used here: losetup -f --show: $(cat losetup.err)"
		exit 77
	fi
	loops+=("$LOOP")
}
truncate -s 16M a.img b.img c.img
attach a.img; l1=$LOOP   # before lc_setup: a skip costs nothing
lc_setup 2.0
boot_files boot
# Labels are global to the machine: a suffix no other test run uses.
S=t$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
"$AEM" tpm-setup >/dev/null || fail tpm-setup
id=$(tpm2_nvread 0x0100ae00 -s 20 | xxd -p | tr -d '\n')

rc=0; "$AEM" install --suffix "$S" "$l1" > out 2> err || rc=$?
assert_eq "install on a device without --format: exit" 2 "$rc"
grep -q -- "--format" err || fail "not explained: $(cat err)"
"$AEM" install --suffix "$S" --format "$l1" > install.out 2> err || { cat err; fail "install --format $l1"; }
assert_eq "label written by aem install (blkid)" "aem$S" "$(blkid -s LABEL -o value "$l1")"
uuid=$(blkid -s UUID -o value "$l1")
[ ${#uuid} = 36 ] || fail "no UUID on $l1"
grep -q "aem.uuid=$uuid" install.out || fail "install does not print aem.uuid=$uuid: $(cat install.out)"
grep -qx "uuid=$uuid" "state/media/$S.conf" || fail "UUID not recorded: $(cat "state/media/$S.conf")"
mkdir mnt; mount -t ext4 "$l1" mnt || fail "mount $l1"; mnts+=("$PWD/mnt")
[ -d "mnt/aem/$id" ] || fail "no aem/<tpm-id> on the file system"
echo "ok: install formats $l1 as ext4 aem$S ($uuid) and lays it out"

"$AEM" secret set --text "on a stick" >/dev/null || fail "secret set"
"$AEM" grub-config --boot-dir boot --xen-args "$XEN_ARGS" --kernel-args "$KERNEL_ARGS" \
	--tboot-args "logging=memory" > boot/grub.cfg || fail grub-config
grep -q "aem.uuid=$uuid" boot/grub.cfg || fail "grub.cfg lacks aem.uuid=$uuid"
launch boot
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out 2> err || { cat err; fail "reseal to the mounted device"; }
[ -f "mnt/aem/$id/secret.next.sealed" ] && [ -f "mnt/aem/$id/secret.next.sealed.expect.json" ] ||
	fail "reseal did not find the mounted media ($(findmnt -n -o TARGET "$l1"))"
launch boot
[ "$("$AEM" boot-unseal --media mnt 2> boot.err)" = "on a stick" ] || { cat boot.err; fail "boot-unseal"; }
echo "ok: reseal finds the media mounted by UUID; the boot unseals from it"

# A second device already carrying the label aem<T>: install --format T is refused and
# the target device is left alone.
T=u${S#t}
attach b.img; l2=$LOOP
mkfs.ext4 -q -F -L "aem$T" "$l2" || fail "mkfs.ext4 of the decoy"
attach c.img; l3=$LOOP
rc=0; "$AEM" install --suffix "$T" --format "$l3" > out 2> err || rc=$?
[ $rc -ne 0 ] || fail "install with a duplicate label accepted"
grep -q "$l2 already carries LABEL=aem$T" err || fail "not explained: $(cat err)"
[ -z "$(blkid -s TYPE -o value "$l3")" ] || fail "$l3 was formatted although refused"
[ ! -e "state/media/$T.conf" ] || fail "refused media was enrolled"
echo "ok: a duplicate label is refused before formatting ($(cat err))"

# A copy of the stick (same UUID) makes the media ambiguous: refused, nothing changed.
umount mnt
dd if=a.img of=c.img bs=1M status=none conv=notrunc || fail "copy"
losetup -c "$l3" 2>/dev/null || true
blockdev --flushbufs "$l3" 2>/dev/null || true
assert_eq "the copy carries the UUID (blkid -p)" "$uuid" "$(blkid -p -s UUID -o value "$l3")"
mount -t ext4 "$l1" mnt || fail "mount again"
before=$(sha256sum "mnt/aem/$id/"secret*)
rc=0; "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > out 2> err || rc=$?
[ $rc -ne 0 ] || fail "reseal with two devices carrying the media UUID accepted"
grep -q "ambiguous: two devices carry its UUID" err || fail "not explained: $(cat err)"
assert_eq "sealed files unchanged" "$before" "$(sha256sum "mnt/aem/$id/"secret*)"
echo "ok: two devices with the media UUID are refused"

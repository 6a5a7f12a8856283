#!/usr/bin/env bash
# aem-check-root in a real boot. Root on a plain ext4 disk: the boot stops
# with the message and the kernel halts. Root on the LUKS device (passphrase
# typed at the prompt): the check passes and the boot goes on.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/e2e/e2e-common.sh"
e2e_require
e2e_initramfs

e2e_luks_ext4 luks.img
luks_uuid=$(cryptsetup luksUUID luks.img)
media_uuid=$(cat /proc/sys/kernel/random/uuid)
mkdir -p media/aem plain
e2e_media media.img "$media_uuid" media
mkfs.ext4 -q -L plainroot plain.img 8M 2>/dev/null || fail "mkfs plain"
mkdir -p tpm/state   # a fresh TPM: nothing is sealed in this test
stick=(-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file=media.img
	-device usb-storage,bus=xhci.0,drive=stick,serial=$E2E_STICK_SERIAL)

e2e_boot plain "aem.uuid=$media_uuid root=/dev/vdb rd.shell=0 rd.emergency=poweroff" \
	-drive file=luks.img,format=raw,if=virtio -drive file=plain.img,format=raw,if=virtio "${stick[@]}"
e2e_wait plain console.log "Press Enter to continue" 120 || fail "aem-boot showed no frame"
e2e_send plain con $'\r'
e2e_wait plain console.log "reboot: System halted" 90 || fail "the boot did not halt"
e2e_stop plain
grep -aq "AEM: refusing to boot: the root file system must be on an encrypted" plain/console.log ||
	fail "no refusal message on the console"
grep -aq "root /dev/vdb (vdb) is not on dm-crypt" plain/console.log || fail "the message does not name /dev/vdb"
grep -aqE "Reached target.*Initrd Root File System|Mounted.*sysroot" plain/console.log &&
	fail "root was mounted after the refusal"
echo "ok: root on a plain disk: refused with the message, system halted"

e2e_boot crypt "aem.uuid=$media_uuid rd.luks.uuid=$luks_uuid root=/dev/mapper/luks-$luks_uuid \
rd.shell=0 rd.emergency=poweroff" -drive file=luks.img,format=raw,if=virtio "${stick[@]}"
e2e_wait crypt console.log "Press Enter to continue" 120 || fail "aem-boot showed no frame"
e2e_send crypt con $'\r'
e2e_wait crypt console.log "Please enter passphrase" 60 || fail "no passphrase prompt"
e2e_send crypt con "$E2E_PASS"$'\n'
e2e_wait crypt console.log "Finished.*aem-check-root" 90 || fail "the check did not pass on dm-crypt root"
e2e_stop crypt
grep -aq "refusing to boot" crypt/console.log && fail "refused a root on dm-crypt"
echo "ok: root on dm-crypt: the check passed"

#!/usr/bin/env bash
# A real boot: QEMU (TCG), the fixture kernel, a dracut initramfs with the aem
# module, swtpm TPM 2.0, a LUKS2 disk, the AEM media on a USB stick. A DRTM is
# injected during the boot (PCR 17), the hook measures the LUKS header into
# PCR 13. The secret was sealed on the host to the values the host computed
# on its own: PCR 13 from `cryptsetup luksHeaderBackup` + sha256sum, PCR 17
# from the injected data + sha256sum (no project code in the oracle).
# Expect: the secret on the console, before the passphrase prompt; after the
# hook, `aem unseal` in the guest is refused (PCR 13 capped).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/e2e/e2e-common.sh"
e2e_require

e2e_luks luks.img
luks_uuid=$(cryptsetup luksUUID luks.img)
media_uuid=$(cat /proc/sys/kernel/random/uuid)
drtm="aem-e2e-sinit-$RANDOM"
secret="AEM-E2E-SECRET-$(head -c 6 /dev/urandom | xxd -p)"
printf '%s\n' "$secret" > secret.txt
mkdir -p media/aem
e2e_seal secret.txt media/aem/secret.aem "$(luks_pcr13 luks.img)" "$(drtm_pcr17 "$drtm")"
e2e_media media.img "$media_uuid" media
e2e_initramfs

t0=$SECONDS
e2e_boot good "aem.uuid=$media_uuid rd.luks.uuid=$luks_uuid aem.usb=46f4:0001:$E2E_STICK_SERIAL \
aemtest.drtm aemtest.cap root=/dev/mapper/luks-$luks_uuid rd.shell=0 rd.emergency=poweroff" \
	-drive file=luks.img,format=raw,if=virtio \
	-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file=media.img \
	-device usb-storage,bus=xhci.0,drive=stick,serial=$E2E_STICK_SERIAL
e2e_drtm good "$drtm"
e2e_wait good console.log "$secret" 120 || fail "the secret did not appear"
echo "ok: secret shown $((SECONDS - t0)) s after QEMU started"
e2e_send good con $'\r'
e2e_wait good aux.log "AEMTEST cap rc=" 60 || fail "no report from the post-hook unseal"
grep -aq "AEMTEST cap rc=5 stdout=empty" good/aux.log || { cat good/aux.log; fail "unseal after the hook was not refused with a PCR mismatch"; }
grep -aq "AEMTEST cap: PCR 13 differs" good/aux.log || fail "post-hook refusal does not name PCR 13"
echo "ok: after the hook the guest cannot unseal (PCR 13 capped)"
e2e_wait good console.log "Please enter passphrase" 60 || fail "no passphrase prompt"
s=$(grep -an "$secret" good/console.log | head -n 1 | cut -d: -f1)
p=$(grep -an "Please enter passphrase" good/console.log | head -n 1 | cut -d: -f1)
[ "$s" -lt "$p" ] || fail "secret (line $s) not before the passphrase prompt (line $p)"
echo "ok: secret (console line $s) before the passphrase prompt (line $p)"
e2e_stop good

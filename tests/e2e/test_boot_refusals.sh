#!/usr/bin/env bash
# Boots that must not show the secret. Same provisioning as test_boot_secret
# (the lifecycle way; host oracles for the sealed PCR 13 and 17); each boot
# changes one thing:
#   another LUKS header          -> PCR 13 differs, unseal refused
#   a tampered sealed file       -> the AEAD / TPM refuses it
#   a stick with another serial  -> refused before any unseal (aem.usb=)
#   a second stick with the media UUID -> refused before any unseal
# Each time the console shows the same frame as on success, without the
# secret, and the reason is in the kernel log only. (The old copy of the
# stick, refused by its freshness token, is in test_boot_secret.)
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/e2e/e2e-common.sh"
e2e_require

e2e_luks luks.img
e2e_luks other.img
luks_uuid=$(cryptsetup luksUUID luks.img)
other_uuid=$(cryptsetup luksUUID other.img)
media_uuid=$(cat /proc/sys/kernel/random/uuid)
drtm="aem-e2e-sinit-$RANDOM"
secret="AEM-E2E-SECRET-$(head -c 6 /dev/urandom | xxd -p)"
printf '%s\n' "$secret" > secret.txt
e2e_provision secret.txt "$media_uuid" media luks.img "$drtm"
e2e_media media.img "$media_uuid" media
e2e_initramfs
# Flip one bit in the last byte (payload ciphertext) of the pending bundle.
cp -a media tampered
f=aem/$E2E_TPM_ID/secret.next.sealed
size=$(stat -c %s "tampered/$f")
last=$(tail -c 1 "tampered/$f" | xxd -p)
printf "$(printf '\\x%02x' $((0x$last ^ 1)))" |
	dd of="tampered/$f" bs=1 seek=$((size - 1)) conv=notrunc status=none
cmp -s "media/$f" "tampered/$f" && fail "tampering changed nothing"
e2e_media tampered.img "$media_uuid" tampered
cp media.img twin.img

refused() { # name luks-img luks-uuid media-img serial reason-regex [more qemu args]
	local n=$1 img=$2 uuid=$3 media=$4 serial=$5 why=$6; shift 6
	e2e_boot "$n" "aem.uuid=$media_uuid rd.luks.uuid=$uuid aem.usb=46f4:0001:$E2E_STICK_SERIAL \
aemtest.drtm root=/dev/mapper/luks-$uuid rd.shell=0 rd.emergency=poweroff" \
		-drive file="$img",format=raw,if=virtio \
		-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file="$media" \
		-device usb-storage,bus=xhci.0,drive=stick,serial="$serial" "$@"
	e2e_drtm "$n" "$drtm"
	e2e_wait "$n" console.log "Press Enter to continue" 120 || fail "$n: aem-boot showed no frame"
	grep -aq "Anti Evil Maid" "$n/console.log" || fail "$n: the frame has no title"
	e2e_send "$n" con $'\r'
	e2e_wait "$n" console.log "Please enter passphrase" 60 || fail "$n: boot did not continue to the prompt"
	e2e_stop "$n"
	grep -aq "$secret" "$n/console.log" && fail "$n: the secret was shown"
	grep -aqE "aem-boot: .*$why" "$n/console.log" ||
		{ grep -a "aem-boot:" "$n/console.log"; fail "$n: reason '$why' not in the kernel log"; }
	echo "ok: $n: no secret; kernel log says: $(grep -aoE "aem-boot: .*$why.*" "$n/console.log" | head -n 1 | tr -d '\r')"
}

refused other-header other.img "$other_uuid" media.img "$E2E_STICK_SERIAL" "PCR 13 differs"
refused tampered luks.img "$luks_uuid" tampered.img "$E2E_STICK_SERIAL" "no secret: secret.next.sealed: "
refused wrong-stick luks.img "$luks_uuid" media.img "AEM0OTHER999" "not the enrolled one"
refused twin-uuid luks.img "$luks_uuid" media.img "$E2E_STICK_SERIAL" "2 devices carry the AEM media UUID" \
	-drive if=none,id=twin,format=raw,file=twin.img -device usb-storage,bus=xhci.0,drive=twin,serial=AEM0TWIN0002

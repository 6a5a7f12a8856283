#!/usr/bin/env bash
# PCR 13 for a future boot is computed from the LUKS headers, never read live: the boot
# path caps PCR 13 ("aem-done") after unsealing, so the live value is wrong afterwards.
# Oracles: cryptsetup luksHeaderBackup + sha256sum for each header digest, the extend
# chain E(E(0, d1), d2) computed with openssl, and the TPM itself (tpm2_pcrread after
# tpm2_pcrextend of the same digests, as the boot path extends them).
# Then: reseal/update after the cap still open the next boot; a wrong device order, a
# non-LUKS file or an unknown rd.luks.uuid are refused with nothing changed; with a
# loop device, the devices come from rd.luks.uuid= of the GRUB entry that will boot.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
luks_image "$PWD/luks2.img"
d1=$(luks_digest luks.img sha256)
d2=$(luks_digest luks2.img sha256)
assert_ne "two LUKS headers differ" "$d1" "$d2"
extend() { { printf '%s%s' "$1" "$2" | xxd -r -p; } | openssl dgst -sha256 -r | cut -c1-64; }
zero=$(printf '0%.0s' $(seq 64))
want=$(extend "$(extend "$zero" "$d1")" "$d2")

"$AEM" tpm-setup >/dev/null || fail tpm-setup
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail install
id=$(tpm2_nvread 0x0100ae00 -s 20 | xxd -p | tr -d '\n')
"$AEM" secret set --text "pcr13" >/dev/null || fail "secret set"
grub_cfg boot
LUKS_ARGS=(--luks-header "$PWD/luks.img" --luks-header "$PWD/luks2.img")
launch boot "$d1" "$d2"
assert_eq "PCR 13 after the boot path's extends (tpm2_pcrread vs openssl)" "$want" "$(pcr_tpm2 sha256 13)"

# The boot path caps PCR 13 after unsealing: the live value is now useless.
tpm2_pcrextend "13:sha256=$(printf 'aem-done' | sha256sum | cut -c1-64)" >/dev/null
assert_ne "PCR 13 capped" "$want" "$(pcr_tpm2 sha256 13)"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail "reseal after the cap"
side=media/aem/$id/secret.next.sealed.expect.json
assert_eq "sidecar PCR 13 (reseal)" "$want" "$(jq -r '.pcrs["13"]' "$side")"
assert_eq "sidecar LUKS events" "$d1 $d2" "$(jq -r '[.events[] | select(.pcr == 13) | .digest] | join(" ")' "$side")"
launch boot "$d1" "$d2"
[ "$("$AEM" boot-unseal --media media 2>boot.err)" = pcr13 ] || { cat boot.err; fail "unseal after a reseal done behind the cap"; }
echo "ok: reseal behind the cap opens the next boot"

# update after the cap, to a new initramfs: PCR 13 from the headers, not the TPM.
tpm2_pcrextend "13:sha256=$(printf 'aem-done' | sha256sum | cut -c1-64)" >/dev/null
{ gzip -dc "$F/initrd.img"; printf 'pcr13'; } | gzip -1 > boot/initrd.img-6.1.0-aem
"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log >/dev/null || fail "update"
assert_eq "sidecar PCR 13 (update)" "$want" "$(jq -r '.pcrs["13"]' "$side")"
assert_eq "sidecar source" predicted "$(jq -r .source "$side")"
launch boot "$d1" "$d2"
[ "$("$AEM" boot-unseal --media media 2>boot.err)" = pcr13 ] || { cat boot.err; fail "unseal after update"; }
echo "ok: update behind the cap opens the updated boot"

# Order is measured: the headers the other way round give another PCR 13.
"$AEM" update --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log \
	--luks-header luks2.img --luks-header luks.img >/dev/null || fail "update --luks-header"
assert_ne "PCR 13 depends on the order" "$want" "$(jq -r '.pcrs["13"]' "$side")"
assert_eq "the other order (openssl)" "$(extend "$(extend "$zero" "$d2")" "$d1")" "$(jq -r '.pcrs["13"]' "$side")"
launch boot "$d1" "$d2"
rm -rf only-pending && cp -a media only-pending && rm "only-pending/aem/$id/secret.sealed"
rc=0; "$AEM" boot-unseal --media only-pending > shown 2> boot.err || rc=$?
[ $rc -ne 0 ] && [ ! -s shown ] || fail "a pending file sealed to the other order unsealed"
grep -q "secret.next.sealed: " boot.err && ! grep -q stale boot.err || { cat boot.err; fail "refusal not a PCR mismatch"; }
echo "ok: a pending file sealed to the other order does not open the boot ($(cat boot.err))"

# Refusals: nothing changes.
sums() { (cd "media/aem/$id" && sha256sum secret*.sealed); }
before=$(sums)
head -c 1M /dev/urandom > notluks.img
rc=0; "$AEM" update --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log \
	--luks-header notluks.img > out 2> err || rc=$?
assert_eq "update with a non-LUKS header: exit" 9 "$rc"
grep -q "LUKS header of .*notluks.img: not a LUKS device" err || fail "not explained: $(cat err)"
LUKS_ARGS=()   # from here on: rd.luks.uuid= of the entry
"$AEM" grub-config --boot-dir boot --xen-args "$XEN_ARGS" --tboot-args "logging=memory" \
	--kernel-args "$KERNEL_ARGS rd.luks.uuid=luks-0badc0de-0000-4000-8000-000000000000" > boot/grub.cfg
rc=0; "$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > out 2> err || rc=$?
assert_eq "update with an unknown rd.luks.uuid: exit" 9 "$rc"
grep -q "no device carries the LUKS UUID 0badc0de-0000-4000-8000-000000000000" err || fail "not explained: $(cat err)"
assert_eq "sealed files unchanged after refusals" "$before" "$(sums)"

# rd.luks.uuid= of the entry GRUB will boot, found among the block devices.
loops=()
trap 'for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done; _cleanup' EXIT
if ! l1=$(losetup -f --show luks.img 2>losetup.err); then
	echo "skip: the rd.luks.uuid= part needs a loop device, which cannot be used here: $(cat losetup.err)"
	exit 77
fi
loops+=("$l1")
l2=$(losetup -f --show luks2.img) || fail "second loop device"
loops+=("$l2")
u1=$(cryptsetup luksUUID luks.img) u2=$(cryptsetup luksUUID luks2.img)
"$AEM" grub-config --boot-dir boot --xen-args "$XEN_ARGS" --tboot-args "logging=memory" \
	--kernel-args "$KERNEL_ARGS rd.luks.uuid=$u1 rd.luks.uuid=luks-$u2" > boot/grub.cfg
"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > out 2> err || { cat err; fail "update from rd.luks.uuid"; }
assert_eq "PCR 13 from rd.luks.uuid= ($l1, $l2)" "$want" "$(jq -r '.pcrs["13"]' "$side")"
launch boot "$d1" "$d2"
[ "$("$AEM" boot-unseal --media media 2>boot.err)" = pcr13 ] || { cat boot.err; fail "unseal (rd.luks.uuid)"; }
grep -q "pending" boot.err || { cat boot.err; fail "the pending file was not the one used"; }
echo "ok: rd.luks.uuid= of the next boot's entry gives PCR 13"

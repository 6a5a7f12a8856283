#!/usr/bin/env bash
# The whole user story on TPM 2.0, with the emulated TXT launch as the platform:
# tpm-setup -> install (dir) -> secret set -> reseal -> reboot+launch -> boot-unseal
# shows the secret -> update after a new initramfs (sealed BEFORE the reboot, from the
# prediction) -> reboot+launch of the new files -> unseal with no trust-on-first-boot ->
# freshness rotated; an old copy of the media is refused; revoke refuses that media only.
# Oracles: the launch digests come from tboot's tb_polgen (txt-launch), the identity and
# the freshness slot are read back with tpm2_nvread, hashes with sha256sum.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot

"$AEM" tpm-setup > setup.out || fail "tpm-setup"
id=$(tpm2_nvread 0x0100ae00 -s 20 | xxd -p | tr -d '\n')
[ ${#id} = 40 ] || fail "identity not readable with tpm2_nvread"
grep -q "$id" setup.out || fail "tpm-setup does not print the identity in NV ($id)"
"$AEM" tpm-setup > setup2.out || fail "tpm-setup again"
grep -q "kept the aem identity of this TPM: $id" setup2.out || fail "identity changed on a second tpm-setup"
echo "ok: identity written once ($id)"

"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media > install.out || fail "install"
[ -d "media/aem/$id" ] || fail "no media/aem/<tpm-id>"
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media 2>/dev/null && fail "second install of suffix '' accepted"
echo "ok: install (dir) lays out aem/<tpm-id>, refuses a duplicate"

grub_cfg boot
grep -q "aem.uuid=11111111-2222-3333-4444-555555555555" boot/grub.cfg || fail "grub.cfg lacks aem.uuid"
launch boot
"$AEM" secret set --text "my AEM secret" >/dev/null || fail "secret set"
[ "$(cat state/secrets/secret)" = "my AEM secret" ] || fail "secret not in the state dir"
! grep -rq "my AEM secret" media || fail "plaintext secret on the media"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out || { cat reseal.out; fail "reseal"; }
[ -f "media/aem/$id/secret.next.sealed" ] || fail "no pending file after reseal"
echo "ok: reseal to this boot writes the pending file"

launch boot
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "boot-unseal"; }
[ "$(cat shown)" = "my AEM secret" ] || fail "boot-unseal showed '$(cat shown)'"
grep -q "freshness rotated" boot.err || { cat boot.err; fail "not rotated"; }
[ -f "media/aem/$id/secret.sealed" ] && [ ! -e "media/aem/$id/secret.next.sealed" ] || fail "pending file not promoted"
echo "ok: boot unseals, promotes the pending file, rotates"
cp -a media media.copy1   # what an attacker copies today

# A second boot rotates again: the copy of the first is now stale.
launch boot
slot1=$(tpm2_nvread -C o 0x0100ae10 -s 72 | xxd -p | tr -d '\n')
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "second boot"; }
slot2=$(tpm2_nvread -C o 0x0100ae10 -s 72 | xxd -p | tr -d '\n')
assert_ne "freshness slot rotated" "$slot1" "$slot2"
launch boot
rc=0; "$AEM" boot-unseal --media media.copy1 > shown 2> replay.err || rc=$?
[ $rc -ne 0 ] && [ ! -s shown ] || fail "replayed media copy unsealed"
grep -q "stale freshness token" replay.err || { cat replay.err; fail "replay not explained"; }
echo "ok: an old copy of the media is refused"

# The update: a new initramfs. Sealed before the reboot, from the prediction.
# (bytes appended inside the gzip stream: GRUB hashes the decompressed image)
{ gzip -dc "$F/initrd.img"; printf 'new bytes'; } | gzip -1 > boot/initrd.img-6.1.0-aem
"$AEM" status "${LUKS_ARGS[@]}" --json --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st1.json
[ "$(jq -r '.media[0].next_boot_resealed' st1.json)" = no ] || { cat st1.json; fail "status: next boot should need a reseal"; }
"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > update.out || { cat update.out; fail "update"; }
[ -f "media/aem/$id/secret.sealed" ] && [ -f "media/aem/$id/secret.next.sealed" ] || fail "update did not keep the current file"
"$AEM" status "${LUKS_ARGS[@]}" --json --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st2.json
[ "$(jq -r '.media[0].next_boot_resealed' st2.json)" = yes ] || { cat st2.json; fail "status: next boot not resealed after update"; }
echo "ok: update seals the next boot next to the current file; status says so"

launch boot
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "unseal after the update"; }
[ "$(cat shown)" = "my AEM secret" ] || fail "wrong secret after the update"
grep -q "pending" boot.err || fail "the pending file was not the one used"
[ ! -e "media/aem/$id/secret.next.sealed" ] || fail "pending file not retired"
echo "ok: the updated boot unseals with no trust-on-first-boot"

# Revoke: a second media keeps working, the revoked one stops.
mkdir media2
"$AEM" install --suffix two --uuid 22222222-2222-3333-4444-555555555555 media2 >/dev/null || fail "install two"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail "reseal both"
"$AEM" revoke '' > revoke.out || fail "revoke ''"
launch boot
rc=0; "$AEM" boot-unseal --media media > shown 2> rev.err || rc=$?
[ $rc -ne 0 ] && [ ! -s shown ] || fail "revoked media unsealed"
grep -q "revoked" rev.err || { cat rev.err; fail "revocation not explained"; }
"$AEM" boot-unseal --media media2 > shown 2>/dev/null || fail "other media refused after revoking ''"
[ "$(cat shown)" = "my AEM secret" ] || fail "media two secret"
echo "ok: revoke refuses that media only"

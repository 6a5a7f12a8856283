#!/usr/bin/env bash
# An install made by an older aem: its freshness slot is an owner-written NV
# index (ownerwrite|ownerread|authread|no_da, 72 bytes, "AEMF" version 1) and
# its media record has no slot key. The new aem refuses that slot with a
# sentence that says to run aem tpm-setup; aem tpm-setup converts it (a keyed
# index: authwrite|authread|ownerread|no_da, as tpm2_nvreadpublic shows) and
# says to reseal; after aem reseal the boot unseals and rotates. The old
# layout is made here with tpm2-tools, byte for byte as the older aem wrote it.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
idx=0x0100ae10
"$AEM" tpm-setup >/dev/null || fail "tpm-setup"
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail "install"
grub_cfg boot
launch boot
"$AEM" secret set --text "migrated secret" >/dev/null || fail "secret set"

# The older layout: an owner-written slot holding an empty version-1 slot.
tpm2_nvundefine -C o $idx || fail "undefine"
tpm2_nvdefine -C o -s 72 -a "ownerwrite|ownerread|authread|no_da" $idx >/dev/null || fail "define the old slot"
{ printf 'AEMF\001\000\000\000'; head -c 64 /dev/zero; } > old.bin
tpm2_nvwrite -C o -i old.bin $idx || fail "write the old slot"
sed -i '/^slot_key=/d' state/media/@.conf

rc=0; "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "reseal accepted the old slot"
grep -q "aem tpm-setup" reseal.out || { cat reseal.out; fail "the refusal does not say to run aem tpm-setup"; }
echo "ok: the old slot is refused: $(tail -n 1 reseal.out)"

"$AEM" tpm-setup > setup.out || { cat setup.out; fail "tpm-setup (migration)"; }
grep -q "freshness slot converted" setup.out || { cat setup.out; fail "tpm-setup did not convert the slot"; }
grep -q "^slot_key=[0-9a-f]\{64\}$" state/media/@.conf || fail "no slot key in the media record"
tpm2_nvreadpublic $idx > pub.txt
grep -q "authwrite" pub.txt && ! grep -q "ownerwrite" pub.txt || { cat pub.txt; fail "the slot is not keyed after tpm-setup"; }
echo "ok: tpm-setup converts the slot ($(awk '/attributes:/{getline; print $2; exit}' pub.txt))"
"$AEM" tpm-setup > setup2.out || fail "tpm-setup again"
! grep -q "converted" setup2.out || fail "a second tpm-setup converted again"

"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail "reseal after the conversion"
launch boot
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "boot after the conversion"; }
[ "$(cat shown)" = "migrated secret" ] || fail "boot showed '$(cat shown)'"
grep -q "freshness rotated" boot.err || { cat boot.err; fail "not rotated"; }
echo "ok: after tpm-setup and reseal the boot unseals and rotates"

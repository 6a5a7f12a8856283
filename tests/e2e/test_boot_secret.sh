#!/usr/bin/env bash
# A real boot: QEMU (TCG), the fixture kernel, a dracut initramfs with the aem
# module, swtpm, a LUKS2 disk, the AEM media on a USB stick, provisioned the
# lifecycle way on the host (tpm-setup, install, secret set, reseal after the
# same emulated launch the guest will get). A DRTM is injected during the
# boot (PCR 17), the hook measures the LUKS header into PCR 13, unseals the
# media's bundle, checks and rotates its freshness token.
# Oracles (no project code): PCR 13 sealed to = sha256(0^32 || sha256(cryptsetup
# luksHeaderBackup)), PCR 17 = sha256(0^32 || sha256(data)) (sha1 on TPM 1.2);
# the freshness slot read with tpm2_nvread (TPM 2.0); the media's files with
# debugfs.
# The bundle also holds a totp item (built here by hand from the layout in
# docs/totp.md, key known to the test) and the luks-key box (`aem mfa enroll`
# without --out: a new keyslot of the LUKS disk, the box in the state).
# Expect: 1. the secret and the TOTP frame on the console before the
# passphrase prompt, each code equal to `oathtool --totp` for the time in its
# frame; then the AEM password prompt: a wrong password is said, Enter alone
# falls back; after the hook `aem unseal` in the guest is refused (PCR 13
# capped); the stick then holds only secret.sealed and the NV slot carries a
# new current token;
# 2. a copy of the stick taken before that boot shows nothing (replay);
# 3. the stick as the boot left it shows the secret again; the right AEM
# password opens the disk: the kernel has the dm-crypt device luks-<UUID>
# (LUKS2, that UUID) and no passphrase is asked (TPM 2.0).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/e2e/e2e-common.sh"
e2e_require
command -v oathtool > /dev/null || fail "oathtool not found: run scripts/install-deps"

e2e_luks luks.img
luks_uuid=$(cryptsetup luksUUID luks.img)
media_uuid=$(cat /proc/sys/kernel/random/uuid)
drtm="aem-e2e-sinit-$RANDOM"
secret="AEM-E2E-SECRET-$(head -c 6 /dev/urandom | xxd -p)"
printf '%s\n' "$secret" > secret.txt
# totp item: "\x89AEMTKEY" | version 1 | SHA-1 | 6 digits | key length 20 | period 30 | key
totp_key=$(head -c 20 /dev/urandom | xxd -p | tr -d '\n')
{ printf '\211AEMTKEY\001\001\006\024\000\000\000\036'; printf '%s' "$totp_key" | xxd -r -p; } > totp.item
mfa_pw="aem-e2e-pw-$RANDOM"
e2e_provision_extra() { # luks-img
	"$AEM_BUILD/aem" secret set --name totp --file totp.item > /dev/null || fail "aem secret set --name totp"
	AEM_MFA_PASSWORD=$mfa_pw AEM_LUKS_PASSPHRASE=$E2E_PASS "$AEM_BUILD/aem" mfa enroll --device "$1" \
		> mfa.out || fail "aem mfa enroll (luks-key into the state)"
}
e2e_provision secret.txt "$media_uuid" media luks.img "$drtm"
e2e_media media.img "$media_uuid" media
cp media.img copy.img   # what an attacker copies before the boot
[ "$E2E_FAMILY" = 2.0 ] && slot0=$(e2e_nvslot)
e2e_initramfs

boot() { # name media [append]
	e2e_boot "$1" "aem.uuid=$media_uuid rd.luks.uuid=$luks_uuid aem.usb=46f4:0001:$E2E_STICK_SERIAL \
aemtest.drtm ${3:-} root=/dev/mapper/luks-$luks_uuid rd.shell=0 rd.emergency=poweroff" \
		-drive file=luks.img,format=raw,if=virtio \
		-device qemu-xhci,id=xhci -drive if=none,id=stick,format=raw,file="$2" \
		-device usb-storage,bus=xhci.0,drive=stick,serial=$E2E_STICK_SERIAL
	e2e_drtm "$1" "$drtm"
}

t0=$SECONDS
boot good media.img aemtest.cap
e2e_wait good console.log "$secret" 120 || fail "the secret did not appear"
echo "ok: secret shown $((SECONDS - t0)) s after QEMU started"
# Every TOTP frame so far: "YYYY-MM-DD HH:MM:SS UTC   CODE", oathtool for that time.
frames() { tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -aoE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC +[0-9]{6}$'; }
e2e_wait good console.log "UTC +[0-9]{6}" 30 || fail "no TOTP frame"
n=0
while read -r d tm utc code; do
	t=$(date -u -d "$d $tm" +%s)
	assert_eq "TOTP code at $d $tm UTC (oathtool)" "$(oathtool --totp -d 6 -s 30 -N "@$t" "$totp_key")" "$code"
	n=$((n + 1))
done < <(frames good/console.log)
[ $n -ge 1 ] || fail "no TOTP frame parsed"
e2e_send good con $'\r'
e2e_wait good console.log "AEM password \(Enter to skip\)" 30 || fail "no AEM password prompt after the frame"
e2e_send good con $'not the password\r'
e2e_wait good console.log "Wrong password" 60 || fail "a wrong AEM password was not said"
e2e_send good con $'\r'
echo "ok: the AEM password prompt follows the frame; a wrong one is said; Enter alone falls back"
e2e_wait good aux.log "AEMTEST cap rc=" 60 || fail "no report from the post-hook unseal"
grep -aq "AEMTEST cap rc=5 stdout=empty" good/aux.log || { cat good/aux.log; fail "unseal after the hook was not refused with a PCR mismatch"; }
grep -aq "AEMTEST cap: PCR 13 differs" good/aux.log || fail "post-hook refusal does not name PCR 13"
echo "ok: after the hook the guest cannot unseal (PCR 13 capped)"
if [ "$E2E_FAMILY" = 1.2 ]; then
	grep -aq "AEMTEST tcsd restarts=0" good/aux.log ||
		{ grep -a "AEMTEST tcsd" good/aux.log; fail "the initramfs tcsd crashed (systemd restarted it)"; }
	echo "ok: the initramfs tcsd served aem-boot and the later unseal without crashing (NRestarts=0)"
fi
e2e_wait good console.log "Please enter passphrase" 60 || fail "no passphrase prompt"
s=$(grep -an "$secret" good/console.log | head -n 1 | cut -d: -f1)
p=$(grep -an "Please enter passphrase" good/console.log | head -n 1 | cut -d: -f1)
[ "$s" -lt "$p" ] || fail "secret (line $s) not before the passphrase prompt (line $p)"
echo "ok: secret (console line $s) before the passphrase prompt (line $p)"
e2e_stop good
grep -aq "aem-boot: unsealed the pending bundle .*freshness rotated" good/console.log ||
	{ grep -a "aem-boot:" good/console.log; fail "the boot did not say it rotated the freshness token"; }

# The rotation, seen from outside: the files on the stick, the NV slot.
assert_eq "sealed files on the stick after the boot" "secret.sealed" "$(e2e_media_ls media.img | tr '\n' ' ' | sed 's/ $//')"
if [ "$E2E_FAMILY" = 2.0 ]; then
	slot1=$(e2e_nvslot)
	# "AEMF" | version | flags | 0 0 | H(current token) | H(pending token)
	assert_eq "slot before the boot: pending only" 04 "${slot0:10:2}"
	assert_eq "slot after the boot: current only" 02 "${slot1:10:2}"
	assert_ne "current token after the boot vs the pending one before (a new token)" \
		"${slot0:80:64}" "${slot1:16:64}"
else
	echo "note: TPM 1.2: NV slot not read here (see tests/lifecycle/test_story_tpm12)"
fi

boot replay copy.img
e2e_wait replay console.log "Press Enter to continue" 120 || fail "replay: aem-boot showed no frame"
e2e_send replay con $'\r'
e2e_wait replay console.log "Please enter passphrase" 60 || fail "replay: boot did not continue"
e2e_stop replay
grep -aq "$secret" replay/console.log && fail "replay: the old copy of the stick showed the secret"
grep -aq "aem-boot: no secret: .*stale freshness token" replay/console.log ||
	{ grep -a "aem-boot:" replay/console.log; fail "replay: no 'stale freshness token' in the kernel log"; }
echo "ok: a copy of the stick taken before the boot is refused (stale freshness token)"

# (TPM 2.0 only, to keep the suite short: the same code path on both families)
[ "$E2E_FAMILY" = 2.0 ] || exit 0
boot again media.img aemtest.cap
e2e_wait again console.log "$secret" 120 || fail "the stick as the boot left it did not show the secret"
e2e_send again con $'\r'
e2e_wait again console.log "AEM password \(Enter to skip\)" 30 || fail "again: no AEM password prompt"
e2e_send again con "$mfa_pw"$'\r'
e2e_wait again aux.log "AEMTEST cap rc=" 90 || fail "again: no report after aem-boot"
# systemd-cryptsetup@luks-<UUID> finds the device open: it finishes, asking nothing.
e2e_wait again console.log "Finished .*systemd-cryptsetu" 60 || fail "again: systemd-cryptsetup did not finish"
e2e_stop again
grep -aq "aem-boot: unsealed the current bundle .*freshness rotated" again/console.log ||
	{ grep -a "aem-boot:" again/console.log; fail "second boot: not the current bundle, or not rotated"; }
echo "ok: the bundle the guest rotated opens the next boot (and rotates again)"
grep -aq "Wrong password" again/console.log && fail "again: the right AEM password was refused"
grep -aq "aem-boot: luks-$luks_uuid: opened with the AEM key" again/console.log ||
	{ grep -a "aem-boot:" again/console.log; fail "again: aem-boot did not open the disk"; }
grep -aq "AEMTEST dm: luks-$luks_uuid CRYPT-LUKS2-${luks_uuid//-/}-luks-$luks_uuid" again/aux.log ||
	{ cat again/aux.log; fail "again: the kernel has no dm-crypt LUKS2 device luks-$luks_uuid"; }
grep -aq "Please enter passphrase" again/console.log && fail "again: the passphrase was asked although the disk is open"
grep -aqF "$mfa_pw" again/console.log && fail "again: the AEM password was echoed"
echo "ok: the right AEM password opens luks-$luks_uuid (kernel dm uuid); no passphrase prompt"

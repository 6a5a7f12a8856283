#!/usr/bin/env bash
# Multi-factor unlock on a real LUKS2 image (cryptsetup luksFormat, PBKDF2 with
# 1000 iterations to keep it quick):
#  - enroll with a wrong existing passphrase: refused (exit 6), header unchanged
#    (cryptsetup luksDump before/after), no file;
#  - enroll: a new keyslot appears (luksDump), the sealed file is written;
#  - unlock --key-out: the unsealed + decrypted key file opens the image per the
#    oracle `cryptsetup open --test-passphrase --key-file`; unlock --test opens it
#    through libcryptsetup;
#  - wrong password: refused (exit 6), no key file, header unchanged;
#  - empty password: falls back at once (exit 1), no key file;
#  - tampered launch: refused (exit 5), PCR named, no key file;
#  - the same launch again: works; with device-mapper, --name activates it.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
command -v cryptsetup >/dev/null || { echo "SKIP: cryptsetup not installed"; exit 77; }
seal_sim
launch
truncate -s 32M disk.img
printf 'old passphrase' | cryptsetup luksFormat --type luks2 --pbkdf pbkdf2 \
	--pbkdf-force-iterations 1000 --batch-mode --key-file - disk.img || fail luksFormat
dump() { cryptsetup luksDump disk.img; }
slots() { cryptsetup luksDump disk.img | sed -n '/^Keyslots:/,/^Tokens:/p' | grep -cE '^  [0-9]+: luks2'; }
dump > dump0
assert_eq "keyslots after luksFormat" 1 "$(slots)"

export AEM_MFA_PASSWORD='boot password'
rc=0; AEM_LUKS_PASSPHRASE='not it' "$AEM" mfa enroll --device disk.img --out key.aem 2> err || rc=$?
assert_eq "enroll with a wrong LUKS passphrase" 6 "$rc"
[ ! -e key.aem ] || fail "file written although enrolment failed"
dump > dump1; cmp dump0 dump1 || fail "a refused enrolment changed the LUKS header"

AEM_LUKS_PASSPHRASE='old passphrase' "$AEM" mfa enroll --device disk.img --out key.aem || fail enroll
assert_eq "keyslots after enroll" 2 "$(slots)"
[ -s key.aem ] || fail "no sealed key file"

"$AEM" mfa unlock --in key.aem --device disk.img --key-out k1 || fail "unlock --key-out"
assert_eq "key file size" 64 "$(stat -c %s k1)"
assert_eq "key file mode" 400 "$(stat -c %a k1)"
cryptsetup open --test-passphrase --key-file k1 disk.img || fail "cryptsetup rejects the key file"
echo "ok: cryptsetup opens the image with the unsealed key file"
rc=0; printf 'wrong' | cryptsetup open --test-passphrase --key-file - disk.img 2>/dev/null || rc=$?
[ $rc -ne 0 ] || fail "control: cryptsetup accepted a wrong key"
"$AEM" mfa unlock --in key.aem --device disk.img --test 2> err || { cat err; fail "unlock --test"; }
grep -q "keyslot 1" err || fail "unexpected keyslot: $(cat err)"
printf 'old passphrase' | cryptsetup open --test-passphrase --key-file - disk.img || fail "old passphrase lost"

dump > dump2
rc=0; AEM_MFA_PASSWORD='guess' "$AEM" mfa unlock --in key.aem --device disk.img --key-out k2 2> err || rc=$?
assert_eq "wrong password" 6 "$rc"
[ ! -e k2 ] || fail "key file written with a wrong password"
dump > dump3; cmp dump2 dump3 || fail "a wrong password changed the LUKS header"
rc=0; AEM_MFA_PASSWORD= "$AEM" mfa unlock --in key.aem --device disk.img --key-out k3 2> err || rc=$?
assert_eq "empty password falls back" 1 "$rc"
[ ! -e k3 ] || fail "key file written without a password"

launch "placeholder root=/dev/mapper/evil ro"
rc=0; "$AEM" mfa unlock --in key.aem --device disk.img --key-out k4 > out 2> err || rc=$?
assert_eq "tampered launch" 5 "$rc"
[ ! -e k4 ] && [ ! -s out ] || fail "key material written after a tampered launch"
grep -q '^PCR 17 differs' err || { cat err; fail "PCR 17 not named"; }

launch
"$AEM" mfa unlock --in key.aem --device disk.img --key-out k5 || fail "unlock after the same launch"
cmp k1 k5 || fail "a different key after the same launch"
if [ -e /dev/mapper/control ] && losetup -f >/dev/null 2>&1; then
	name=aemtest$$
	if "$AEM" mfa unlock --in key.aem --device disk.img --name "$name" 2> err; then
		cryptsetup status "$name" | grep -q 'is active' || fail "not active"
		cryptsetup close "$name"
		echo "ok: activated through libcryptsetup"
	else
		echo "note: activation not possible here: $(cat err)"
	fi
else
	echo "note: no device-mapper/loop here: activation by name not tried"
fi

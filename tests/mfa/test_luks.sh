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

# The lifecycle way (no --out): the box becomes the luks-key secret of the
# state, no TPM involved; decrypted by Python from the documented layout, the
# key it holds opens the image per cryptsetup. aem secret set refuses a
# luks-key (or totp) that is not one.
export AEM_STATE_DIR=$PWD/state
AEM_LUKS_PASSPHRASE='old passphrase' "$AEM" mfa enroll --device disk.img > enroll.out || fail "enroll into the state"
grep -q "kept as the secret 'luks-key' in $AEM_STATE_DIR/secrets" enroll.out || fail "not said: $(cat enroll.out)"
assert_eq "keyslots after the lifecycle enroll" 3 "$(slots)"
assert_eq "state item mode" 600 "$(stat -c %a state/secrets/luks-key)"
if python3 -c 'import cryptography' 2>/dev/null; then
	python3 - state/secrets/luks-key > k6 <<'PY' || fail "Python could not open the box"
import hashlib, struct, sys, os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89AEMPBOX" and b[8] == 1 and b[9] == 1 and b[13] == 0
salt, nonce, tag = b[14:30], b[30:42], b[42:58]
(n,) = struct.unpack(">I", b[58:62]); ct = b[62:]
assert n == len(ct) == 64
key = hashlib.scrypt(os.environ["AEM_MFA_PASSWORD"].encode(), salt=salt, n=1 << b[10], r=b[11],
                     p=b[12], maxmem=1 << 30, dklen=32)
sys.stdout.buffer.write(AESGCM(key).decrypt(nonce, ct + tag, b[:30]))
PY
	cryptsetup open --test-passphrase --key-file k6 disk.img || fail "cryptsetup rejects the key of the state's box"
	echo "ok: the luks-key box (Python) holds a key that opens the image (cryptsetup)"
else
	echo "note: python3-cryptography missing: independent decryption not run"
fi
rc=0; printf 'not a box' | "$AEM" secret set --name luks-key --file - 2> err || rc=$?
assert_eq "secret set --name luks-key with garbage" 3 "$rc"
grep -q "not a luks-key item" err || fail "not explained: $(cat err)"
rc=0; "$AEM" secret set --name totp --text "123456" 2> err || rc=$?
assert_eq "secret set --name totp with text" 3 "$rc"
grep -q "not a totp item" err || fail "not explained: $(cat err)"
"$AEM" secret set --name luks-key --file state/secrets/luks-key > /dev/null || fail "a real box refused"
echo "ok: secret set checks the totp and luks-key items"

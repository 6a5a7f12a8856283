#!/usr/bin/env bash
# The password-protected recovery copy: after an update (a new kernel command
# line) the old TOTP file is refused; `aem totp reseal --recovery` with the
# right password seals the SAME key to the new state without rescanning: its
# codes equal oathtool's for the URI printed at init. A wrong password is
# refused (exit 6) and leaves the TOTP file byte for byte as it was. The copy
# itself holds the URI only under the password (not in clear).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
seal_sim
launch
export AEM_RECOVERY_PASSWORD='recovery pass phrase'
"$AEM" totp init --out t.aem --no-confirm --algorithm sha256 --digits 8 > init.out 2> init.err \
	|| { cat init.err; fail init; }
uri=$(head -n 1 init.out)
[ -s t.aem.recovery ] || fail "no recovery copy"
assert_eq "recovery copy mode" 600 "$(stat -c %a t.aem.recovery)"
grep -q "$(uri_param "$uri" secret)" t.aem.recovery && fail "the recovery copy holds the key in clear"
grep -q otpauth t.aem.recovery && fail "the recovery copy holds the URI in clear"

launch "placeholder root=/dev/mapper/dom0-root ro quiet newkernel=1"
rc=0; "$AEM" totp code --in t.aem > out 2>/dev/null || rc=$?
assert_eq "old file after the update" 5 "$rc"

cp t.aem before.aem
rc=0; AEM_RECOVERY_PASSWORD=wrong "$AEM" totp reseal --recovery t.aem.recovery --out t.aem 2> err || rc=$?
assert_eq "reseal with a wrong password" 6 "$rc"
cmp t.aem before.aem || fail "a refused reseal changed the TOTP file"
grep -q "wrong recovery password" err || fail "no explanation: $(cat err)"

"$AEM" totp reseal --recovery t.aem.recovery --out t.aem || fail "reseal"
for t in 59 1111111109 $(date +%s); do
	assert_eq "resealed code at $t" "$(oath "$uri" "$t")" "$("$AEM" totp code --in t.aem --time "$t")"
done
# The parameters came from the copy: 8 digits, SHA-256 (oathtool agrees above).
assert_eq "digits kept" 8 "$("$AEM" totp code --in t.aem | tr -d '\n' | wc -c)"
# A damaged copy is refused without a crash.
head -c 40 t.aem.recovery > cut.rec
rc=0; "$AEM" totp reseal --recovery cut.rec --out x.aem 2>/dev/null || rc=$?
assert_eq "truncated recovery copy" 3 "$rc"
[ ! -e x.aem ] || fail "a refused reseal wrote a file"
# The recovery format read by an independent implementation (Python hashlib's
# scrypt + the cryptography package's AES-GCM) from docs/multifactor.md's layout.
if python3 -c 'import cryptography' 2>/dev/null; then
	got=$(python3 - t.aem.recovery <<'PY'
import hashlib, struct, sys, os
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89AEMPBOX" and b[8] == 1 and b[9] == 1 and b[13] == 0
log2n, r, p = b[10], b[11], b[12]
salt, nonce, tag = b[14:30], b[30:42], b[42:58]
(n,) = struct.unpack(">I", b[58:62]); ct = b[62:]
assert n == len(ct)
key = hashlib.scrypt(os.environ["AEM_RECOVERY_PASSWORD"].encode(), salt=salt, n=1 << log2n, r=r, p=p,
                     maxmem=1 << 30, dklen=32)
print(AESGCM(key).decrypt(nonce, ct + tag, b[:30]).decode())
PY
)
	assert_eq "recovery copy decrypted by Python" "$uri" "$got"
else
	echo "note: python3-cryptography missing: independent decryption not run"
fi

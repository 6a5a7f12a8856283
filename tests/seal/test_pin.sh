#!/usr/bin/env bash
# Seal with a PIN (env AEM_PIN): right PIN unseals; a wrong one is refused
# (exit 6) with the number of tries left, which must equal what tpm2_getcap
# reports (MAX_AUTH_FAIL - LOCKOUT_COUNTER) after the failure, and the
# failure counted toward the lockout (counter + 1: the object is not noDA).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
seal_sim
launch
head -c 64 /dev/urandom > s
AEM_PIN=correct-horse "$AEM" seal --pin --in s --out s.aem || fail "seal --pin"
AEM_PIN=correct-horse "$AEM" unseal --in s.aem | cmp - s || fail "unseal with the right PIN"
echo "ok: right PIN"
prop() { echo $(( $(tpm2_getcap properties-variable | awk -v k="$1:" '$1 == k {print $2}') )); }
c0=$(prop TPM2_PT_LOCKOUT_COUNTER); max=$(prop TPM2_PT_MAX_AUTH_FAIL)
AEM_PIN=wrong expect_refusal 6 --in s.aem
c1=$(prop TPM2_PT_LOCKOUT_COUNTER)
assert_eq "lockout counter after one wrong PIN" $((c0 + 1)) "$c1"
grep -q "wrong PIN: $((max - c1)) tries left" unseal.err || fail "message: $(cat unseal.err)"
echo "ok: tries-left message matches tpm2_getcap ($((max - c1)) of $max)"
# Without AEM_PIN and without a terminal: refused, no crash.
rc=0; env -u AEM_PIN setsid "$AEM" unseal --in s.aem > out 2> err < /dev/null || rc=$?
assert_eq "no PIN available" 6 "$rc"
[ ! -s out ] || fail "stdout not empty"
# The PIN is bound to the PCR policy too: right PIN, wrong state.
launch "placeholder other"
AEM_PIN=correct-horse expect_refusal 5 --in s.aem
grep -q "PCR 17 differs" unseal.err || fail "mismatch with PIN: $(cat unseal.err)"
echo "ok: right PIN, changed launch refused as a PCR mismatch"

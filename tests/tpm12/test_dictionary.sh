#!/usr/bin/env bash
# TPM 1.2 dictionary-attack defence, as swtpm's libtpms implements it
# (independent facts from its source: TPM_LOCKOUT_THRESHOLD 5; the failure
# after the 5th starts defend-lock for 1 s, each further one doubles it;
# failures are counted until TPM_ResetLockValue or TPM_Startup(CLEAR)).
# Wrong PINs say how many tries are left (4, 3, 2, 1, 0), then the TPM is in
# defend-lock: even the right PIN is refused with exit 6 and a sentence that
# says so; after the lock the right PIN opens it, and tpm-tools'
# tpm_resetdalock (owner-authorized) sets the count back. A wrong SRK password
# counts too and is named as the SRK's.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
head -c 100 /dev/urandom > secret
AEM_PIN=2468 "$AEM" seal --pin --allow-unmeasured --pcrs 0 --in secret --out pin.aem || fail "seal --pin"
for left in 4 3 2 1 0; do
	AEM_PIN=1357 expect_refusal 6 --in pin.aem
	grep -q "$left tries left" unseal.err || fail "after $((5 - left)) wrong PINs: $(cat unseal.err)"
done
echo "ok: wrong PINs count down 4..0 tries left (threshold 5)"
AEM_PIN=1357 expect_refusal 6 --in pin.aem
grep -qi "lockout\|defend" unseal.err || fail "6th wrong PIN: $(cat unseal.err)"
# Wait out the 1 s and 2 s locks, fail once after each: the lock is now 4 s.
sleep 1.5; AEM_PIN=1357 expect_refusal 6 --in pin.aem
sleep 2.5; AEM_PIN=1357 expect_refusal 6 --in pin.aem
AEM_PIN=2468 expect_refusal 6 --in pin.aem
grep -qi "lockout\|defend" unseal.err || fail "right PIN in defend-lock: $(cat unseal.err)"
echo "ok: in defend-lock the right PIN is refused too: $(cat unseal.err)"
# aem seal names the TPM's answer (TPM_DEFEND_LOCK_RUNNING) while it lasts.
rc=0; "$AEM" seal --allow-unmeasured --pcrs 0 --in secret --out x.aem 2> seal.err || rc=$?
assert_eq "seal in defend-lock: exit" 6 "$rc"
grep -q "dictionary-attack defence is running.*tpm_resetdalock" seal.err || fail "seal: $(cat seal.err)"
[ ! -e x.aem ] || fail "a file was written in defend-lock"
sleep 5
AEM_PIN=2468 "$AEM" unseal --in pin.aem | cmp - secret || fail "right PIN after the lock expired"
echo "ok: after the lock the right PIN opens the file"
tpm_resetdalock -z > /dev/null || fail "tpm_resetdalock"
AEM_PIN=1357 expect_refusal 6 --in pin.aem
grep -q "4 tries left" unseal.err || fail "after tpm_resetdalock: $(cat unseal.err)"
echo "ok: tpm_resetdalock resets the count"
# A wrong SRK password counts as well; aem seal says whose password it was.
rc=0; AEM_SRK_PASSWORD=not-the-srk "$AEM" seal --allow-unmeasured --pcrs 0 --in secret \
	--out x.aem 2> seal.err || rc=$?
assert_eq "seal with a wrong SRK password: exit" 6 "$rc"
grep -q "wrong SRK password.*3 tries left" seal.err || fail "wrong SRK password: $(cat seal.err)"
echo "ok: $(cat seal.err)"

#!/usr/bin/env bash
# TPM 1.2 provisioning and TPM states: aem tpm-setup on an owned TPM changes
# nothing; after tpm-tools' tpm_clear (TPM_OwnerClear with the well-known
# owner secret) and a power cycle the TPM is unowned, disabled and inactive,
# and seal, unseal and tpm-setup say so with what to do (exit 4), stdout empty.
# (tpm-setup's ownership path: test_takeownership.sh, on a TPM never owned.)
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
head -c 64 /dev/urandom > secret
"$AEM" tpm-setup > setup.out || fail "tpm-setup on an owned TPM"
grep -q "nothing changed" setup.out || fail "tpm-setup: $(cat setup.out)"
"$AEM" seal --allow-unmeasured --pcrs 0,1 --in secret --out s.aem || fail "seal"

tpm_clear -z > /dev/null || fail "tpm_clear"
# tpm-sim's readiness probe reads PCR 0, which a disabled TPM refuses
# (TPM_DISABLED): it reports "tcsd does not answer" although tcsd runs.
tpm-sim reboot --dir "$AEM_SIM_DIR" 2> reboot.err || grep -q "does not answer" reboot.err ||
	fail "reboot: $(cat reboot.err)"
for cmd in "seal --allow-unmeasured --pcrs 0,1 --in secret --out t.aem" "unseal --in s.aem" "tpm-setup"; do
	rc=0
	"$AEM" $cmd > out 2> err || rc=$?
	assert_eq "aem $cmd on a cleared TPM: exit" 4 "$rc"
	[ ! -s out ] || fail "aem $cmd wrote to stdout: $(cat out)"
	# The TPM is both unowned and disabled: either sentence, with what to do.
	grep -q "disabled.*tpm_setenable\|no owner.*tpm-setup" err || fail "aem $cmd: $(cat err)"
	echo "ok: aem $cmd: $(cat err)"
done
[ ! -e t.aem ] || fail "a sealed file was written on a disabled TPM"
echo "ok: a cleared (disabled) TPM is reported with what to do"

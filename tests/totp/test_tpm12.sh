#!/usr/bin/env bash
# TPM 1.2: the key is sealed as data (no HMAC objects there) and unsealed into
# locked memory for a software HMAC; codes equal oathtool's (SHA-1 and
# SHA-256, 6 and 8 digits), also after a power cycle and the same launch;
# after a different kernel command line the TPM refuses (exit 5, stdout
# empty, PCRs named). The same file kind on TPM 2.0 (--key-in-memory, also
# the only way to SHA-512) agrees with oathtool too.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
sim12
launch12
for combo in "sha1 6" "sha256 8"; do
	set -- $combo
	init_confirmed --out t.$1.aem --no-recovery --algorithm "$1" --digits "$2" \
		|| { cat init.err; fail "init $combo"; }
	head -n 1 init.out > uri.$1
	for t in 59 1111111109 $(date +%s); do
		assert_eq "TPM 1.2 $combo at $t" "$(oath "$(cat uri.$1)" "$t")" "$("$AEM" totp code --in t.$1.aem --time "$t")"
	done
done
launch12
t=$(date +%s)
assert_eq "after reboot + same launch" "$(oath "$(cat uri.sha1)" "$t")" "$("$AEM" totp code --in t.sha1.aem --time "$t")"
KCMD="placeholder root=/dev/mapper/evil ro" launch12
rc=0; "$AEM" totp code --in t.sha1.aem > out 2> err || rc=$?
assert_eq "changed kernel command line" 5 "$rc"
[ ! -s out ] || fail "stdout not empty on refusal"
grep -q "^PCR 19 differs" err || { cat err; fail "PCR 19 not named"; }

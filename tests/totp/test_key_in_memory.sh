#!/usr/bin/env bash
# TPM 2.0 with --key-in-memory: the key is sealed as data (like TPM 1.2) and
# the HMAC runs in software; SHA-1/256/512 codes equal oathtool's; a changed
# launch is refused with the PCRs named; the traffic has TPM2_Unseal and no
# TPM2_HMAC (the other kind of file).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
seal_sim
launch
for alg in sha1 sha256 sha512; do
	init_confirmed --out t.$alg.aem --no-recovery --key-in-memory --algorithm $alg --digits 7 \
		|| { cat init.err; fail "init $alg"; }
	uri=$(head -n 1 init.out)
	for t in 0 1234567890 $(date +%s); do
		assert_eq "$alg at $t" "$(oath "$uri" "$t")" "$("$AEM" totp code --in t.$alg.aem --time "$t")"
	done
done
TCTI_PCAP_FILE=$PWD/c.pcap "$AEM" totp code --tcti "pcap:$AEM_TCTI" --in t.sha1.aem > /dev/null || fail code
cmds=" $(tpm_commands c.pcap | tr '\n' ' ') "
case "$cmds" in *" 0000015e "*) ;; *) fail "no TPM2_Unseal: $cmds" ;; esac
case "$cmds" in *" 00000155 "*) fail "TPM2_HMAC used for a key-in-memory file" ;; esac
rc=0; "$AEM" totp init --out x.aem --no-confirm --no-recovery --algorithm sha512 > /dev/null 2>&1 || rc=$?
assert_eq "sha512 without --key-in-memory" 2 "$rc"
launch "placeholder evil"
rc=0; "$AEM" totp code --in t.sha1.aem > out 2> err || rc=$?
assert_eq "changed launch" 5 "$rc"
[ ! -s out ] || fail "stdout not empty"
grep -q "^PCR 17 differs" err || { cat err; fail "PCR 17 not named"; }

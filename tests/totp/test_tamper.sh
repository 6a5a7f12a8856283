#!/usr/bin/env bash
# After any measured input changes, `aem totp code` fails: TPM 2.0 refuses the
# HMAC (exit 5), stdout stays empty and stderr names the PCRs that differ.
# Inputs changed: the dom0 kernel command line (PCR 17), the LUKS header
# measurement (PCR 13), a different SINIT (PCR 17), no launch at all.
# The same launch afterwards works again (the file was not damaged).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
seal_sim
launch
"$AEM" totp init --out t.aem --no-confirm --no-recovery > init.out 2> init.err || { cat init.err; fail init; }
uri=$(head -n 1 init.out)
refused() { # what, PCRs expected in the message...
	local what=$1 rc=0 p; shift
	"$AEM" totp code --in t.aem > out 2> err || rc=$?
	assert_eq "$what: exit status" 5 "$rc"
	[ ! -s out ] || fail "$what: stdout not empty: $(cat out)"
	for p in "$@"; do grep -q "^PCR $p differs" err || { cat err; fail "$what: PCR $p not named"; }; done
	echo "ok: $what: refused, PCRs $* named"
	rc=0; "$AEM" totp show --in t.aem --frames 1 < /dev/null > out 2> err || rc=$?
	assert_eq "$what: show exit status" 5 "$rc"
	grep -Eq 'UTC   [0-9]' out && fail "$what: show displayed a code"
	return 0
}
launch "placeholder root=/dev/mapper/evil ro"
refused "kernel command line" 17
launch "" "" "$(printf 'other header' | sha256sum | cut -c1-64)"
refused "LUKS header" 13
head -c 8192 /dev/urandom > sinit2.bin
launch "" sinit2.bin
refused "SINIT" 17
tpm-sim reboot --dir "$AEM_SIM_DIR"
refused "no launch" 13 17 18
assert_eq "transient objects left in the TPM" "" "$(tpm2_getcap handles-transient)"
launch
t=$(date +%s)
assert_eq "the same launch again" "$(oath "$uri" "$t")" "$("$AEM" totp code --in t.aem --time "$t")"

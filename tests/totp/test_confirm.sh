#!/usr/bin/env bash
# `aem totp init` asks for a code from the phone before sealing: a wrong code
# three times (exit 6) or no answer (exit 3) seals nothing; the right one
# (oathtool's) seals. An RTC in local time (/etc/adjtime LOCAL, read through the
# runtime root AEM_ROOT) gets a warning; UTC does not. HOTP codes of the TPM
# object equal `oathtool --hotp`.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
seal_sim
launch
rc=0; printf '000000\n111111\n222222\n' | "$AEM" totp init --out a.aem --no-recovery > /dev/null 2> err || rc=$?
assert_eq "three wrong codes" 6 "$rc"
[ ! -e a.aem ] || fail "sealed despite wrong codes"
rc=0; "$AEM" totp init --out b.aem --no-recovery < /dev/null > /dev/null 2> err || rc=$?
assert_eq "no answer" 3 "$rc"
[ ! -e b.aem ] || fail "sealed without an answer"

mkdir -p root/etc
printf '0.0 0 0.0\n0\nLOCAL\n' > root/etc/adjtime
AEM_ROOT=$PWD/root init_confirmed --out c.aem --no-recovery || { cat init.err; fail "init (LOCAL rtc)"; }
grep -q "LOCAL time" init.err || fail "no warning for a local-time RTC: $(cat init.err)"
printf '0.0 0 0.0\n0\nUTC\n' > root/etc/adjtime
AEM_ROOT=$PWD/root init_confirmed --out d.aem --no-recovery --digits 8 || { cat init.err; fail "init (UTC rtc)"; }
grep -q "LOCAL time" init.err && fail "warning for a UTC RTC"
echo "ok: RTC warning only for LOCAL"
uri=$(head -n 1 init.out); hex=$(uri_hex "$uri")
for c in 0 1 9 4294967295 4294967296 123456789012; do
	assert_eq "HOTP counter $c" "$(oathtool --hotp -d 8 -c "$c" "$hex")" "$("$AEM" totp code --in d.aem --counter "$c")"
done
# With --pin (PolicyAuthValue on the TPM object): the right PIN gives oathtool's
# code, a wrong one is refused with exit 6 and nothing on stdout.
AEM_PIN=2468 init_confirmed --out p.aem --no-recovery --pin || { cat init.err; fail "init --pin"; }
uri=$(head -n 1 init.out); t=$(date +%s)
assert_eq "code with the PIN" "$(oath "$uri" "$t")" "$(AEM_PIN=2468 "$AEM" totp code --in p.aem --time "$t")"
rc=0; AEM_PIN=1111 "$AEM" totp code --in p.aem > out 2>/dev/null || rc=$?
assert_eq "wrong PIN" 6 "$rc"
[ ! -s out ] || fail "stdout not empty after a wrong PIN"

#!/usr/bin/env bash
# Sealing refuses a state without a measured launch (exit 7): PCRs 17-22
# all-FF after a plain power-on, or PCR 13 never extended; --allow-unmeasured
# overrides. Also: no SRK -> exit 4 with "run aem tpm-setup", and seal never
# creates one (the handle stays empty).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
need_fixtures
sim_start 2.0
echo secret > s
tpm2_pcrextend "13:sha256=$LUKS13" >/dev/null
rc=0; "$AEM" seal --in s --out s.aem --allow-unmeasured 2> err || rc=$?
assert_eq "seal without SRK" 4 "$rc"
grep -q "aem tpm-setup" err || fail "no hint to run aem tpm-setup: $(cat err)"
tpm2_getcap handles-persistent | grep -qi 81000001 && fail "seal created the SRK"
echo "ok: seal does not create the SRK"
"$AEM" tpm-setup >/dev/null
tpm2_readpublic -c 0x81000001 > srk.txt
for want in "value: fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt" \
	"value: ecc" "value: NIST p256" "value: cfb" "sym-keybits: 128"; do
	grep -qF "$want" srk.txt || fail "SRK per tpm2_readpublic lacks '$want': $(cat srk.txt)"
done
echo "ok: SRK template as seen by tpm2_readpublic"
rc=0; "$AEM" tpm-setup > out || rc=$?
assert_eq "tpm-setup again" 0 "$rc"
grep -q "already" out || fail "second tpm-setup: $(cat out)"

rc=0; "$AEM" seal --in s --out s.aem 2> err || rc=$?
assert_eq "seal after power-on, no launch" 7 "$rc"
grep -q "PCR 17 reads all-FF" err && grep -q "TXT/SINIT" err || fail "message: $(cat err)"
[ ! -e s.aem ] || fail "sealed file written"
"$AEM" seal --in s --out s.aem --allow-unmeasured || fail "--allow-unmeasured"
echo "ok: --allow-unmeasured seals anyway"

tpm-sim reboot --dir "$AEM_SIM_DIR"
txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit sinit.bin --tboot "$F/tboot.gz" \
	--module "$F/xen.gz" "" --module "$F/vmlinuz" "" --module "$F/initrd.img" "" --log l >/dev/null
rc=0; "$AEM" seal --in s --out s2.aem 2> err || rc=$?
assert_eq "seal with PCR 13 never extended" 7 "$rc"
grep -q "PCR 13 reads all-00" err || fail "message: $(cat err)"
"$AEM" seal --in s --out s2.aem --pcrs 17,18 || fail "seal without PCR 13 in the selection"
"$AEM" unseal --in s2.aem | cmp - s || fail "unseal 17,18"
echo "ok: measured launch without PCR 13 selected seals"

#!/usr/bin/env bash
# TPM 1.2 refusals, each clean (right exit status, nothing on stdout, a
# sentence on stderr): damaged sealed files; a file of tpm-tools'
# tpm_sealdata -z ("not an aem sealed file", while tpm_unsealdata opens it);
# sealing on an unmeasured boot (PCR 17 all-FF, PCR 13 never extended);
# tcsd not running (the sentence that says so reaches the user); a wrong
# SRK password (named, and counted by the dictionary-attack defence); a wrong
# PIN; a bad --tpm.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
head -c 500 /dev/urandom > secret
launch12
"$AEM" seal --in secret --out s.aem || fail "seal"
"$AEM" unseal --in s.aem | cmp - secret || fail "unseal of the intact file"

# Damaged files. Offsets from docs/sealed-format.md: 4 PCRs of 20 bytes, so
# the policy length is at 106, the policy at 108, the private blob after
# salt (16) and an empty public blob (2 bytes of length).
size=$(stat -c %s s.aem)
flip() { # file offset -> file.bad
	cp "$1" "$1.bad"
	printf '%02x' $(((0x$(xxd -s "$2" -l 1 -p "$1") ^ 0x01))) | xxd -r -p |
		dd of="$1.bad" bs=1 seek="$2" conv=notrunc status=none
}
for what in "magic 0" "expected-value 30" "policy 110" "blob-digest $((108 + 20 + 16 + 2 + 2 + 60))" \
	"blob-encdata $((108 + 20 + 16 + 2 + 2 + 100))" "ciphertext $((size - 10))"; do
	set -- $what
	flip s.aem "$2"
	expect_refusal 3 --in s.aem.bad
	[ -s unseal.err ] || fail "$1: no message"
	echo "ok: damaged $1 (byte $2): $(head -n 1 unseal.err)"
done
flip s.aem 0
expect_refusal 3 --in s.aem.bad
grep -q "not an aem sealed file" unseal.err || fail "bad magic: $(cat unseal.err)"
head -c $((size - 1)) s.aem > s.aem.short
expect_refusal 3 --in s.aem.short
grep -q "malformed" unseal.err || fail "truncated file: $(cat unseal.err)"

# A file of tpm-tools, sealed with the well-known SRK secret to PCR 17.
tpm_sealdata -z -p 17 -i secret -o tools.sealed || fail "tpm_sealdata"
tpm_unsealdata -z -i tools.sealed -o tools.out || fail "tpm_unsealdata"
cmp secret tools.out || fail "tpm_unsealdata gave other bytes"
expect_refusal 3 --in tools.sealed
grep -q "not an aem sealed file" unseal.err || fail "tpm_sealdata file: $(cat unseal.err)"

# A wrong PIN, then the right one.
AEM_PIN=2468 "$AEM" seal --pin --in secret --out pin.aem || fail "seal --pin"
AEM_PIN=1357 expect_refusal 6 --in pin.aem
grep -q "wrong PIN" unseal.err || fail "wrong PIN: $(cat unseal.err)"
AEM_PIN=2468 "$AEM" unseal --in pin.aem | cmp - secret || fail "unseal with the right PIN"
echo "ok: PIN checked by the TPM"

# A wrong SRK password (the simulator's SRK has the well-known secret).
AEM_SRK_PASSWORD=not-the-srk-secret expect_refusal 6 --in s.aem
grep -q "wrong SRK password (set AEM_SRK_PASSWORD" unseal.err || fail "SRK: $(cat unseal.err)"
# The TPM counts it (one wrong PIN above, this one: threshold 5 - 2).
grep -q "3 tries left" unseal.err || fail "SRK: no dictionary-attack count: $(cat unseal.err)"
rc=0; AEM_SRK_PASSWORD=not-the-srk-secret "$AEM" seal --in secret --out x.aem 2> seal.err || rc=$?
assert_eq "seal with a wrong SRK password: exit" 6 "$rc"
grep -q "AEM_SRK_PASSWORD" seal.err || fail "no hint at the SRK password: $(cat seal.err)"
[ ! -e x.aem ] || fail "a file was written"

# tcsd not running.
tpm-sim tss-stop --dir "$AEM_SIM_DIR"
expect_refusal 4 --in s.aem
grep -q "tcsd" unseal.err || fail "tcsd not named: $(cat unseal.err)"
# The backend's own sentence reaches the user although the handle is gone.
for cmd in pcrs tpm-setup; do
	rc=0; "$AEM" $cmd > out 2> err || rc=$?
	assert_eq "aem $cmd without tcsd: exit" 4 "$rc"
	grep -q "tcsd is not running: start it (systemctl start tcsd); nothing answers at 127.0.0.1:$TSS_TCSD_PORT" err ||
		fail "aem $cmd without tcsd: $(cat err)"
	[ ! -s out ] || fail "aem $cmd wrote to stdout without tcsd"
done
echo "ok: $(cat err)"
tpm-sim tss-start --dir "$AEM_SIM_DIR"

# Options.
rc=0; "$AEM" unseal --tpm 3.0 --in s.aem > /dev/null 2>&1 || rc=$?
assert_eq "--tpm 3.0: usage error" 2 "$rc"
rc=0; AEM_TCTI=swtpm:host=127.0.0.1,port=1 "$AEM" unseal --tpm 2.0 --in s.aem > out 2> err || rc=$?
assert_ne "--tpm 2.0 forces TPM 2.0 (none here)" 0 "$rc"
[ ! -s out ] || fail "output with --tpm 2.0"
"$AEM" unseal --tpm 1.2 --in s.aem | cmp - secret || fail "--tpm 1.2"
echo "ok: --tpm 1.2|2.0"

# An unmeasured boot: no launch at all, then a launch without PCR 13.
tpm-sim reboot --dir "$AEM_SIM_DIR"
assert_eq "PCR 17 after a plain reboot (libtspi)" "$FF40" "$(pcr_hex 17)"
rc=0; "$AEM" seal --in secret --out u.aem > out 2> err || rc=$?
assert_eq "seal without a measured launch: exit" 7 "$rc"
grep -q "PCR 13 reads all-00\|PCR 17 reads all-FF" err || fail "no PCR named: $(cat err)"
rc=0; "$AEM" seal --pcrs 17,18,19 --in secret --out u.aem 2> err || rc=$?
assert_eq "seal to 17,18,19 without a launch: exit" 7 "$rc"
grep -q "PCR 17 reads all-FF" err || fail "PCR 17 not named: $(cat err)"
[ ! -e u.aem ] || fail "a file was written on an unmeasured boot"
"$AEM" seal --allow-unmeasured --pcrs 17,18,19 --in secret --out u.aem || fail "--allow-unmeasured"
echo "ok: unmeasured boots refused unless --allow-unmeasured"

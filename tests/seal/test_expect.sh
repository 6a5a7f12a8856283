#!/usr/bin/env bash
# Seal ahead of time to given values: the values of the "next boot" are taken
# with tpm2_pcrread -o after a launch of the future files; sealing happens in
# the current boot; unseal fails now and works after booting the future files.
# The same with JSON that lacks PCR 13: aem fills it live and says so.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
seal_sim
future="placeholder root=/dev/mapper/dom0-root ro quiet new-kernel-option"
launch "$future"
tpm2_pcrread -o future.bin sha256:13,17,18 >/dev/null
assert_eq "tpm2_pcrread -o size" 96 "$(stat -c %s future.bin)"
f17=$(pcr_tpm2 sha256 17); f18=$(pcr_tpm2 sha256 18)
printf '{"bank":"sha256","pcrs":{"17":"%s","18":"%s"}}\n' "$f17" "$f18" > future.json

launch                       # the current boot
assert_ne "current PCR 17 differs from the future one" "$f17" "$(pcr_tpm2 sha256 17)"
head -c 300 /dev/urandom > secret
"$AEM" seal --in secret --out bin.aem --expect future.bin || fail "seal --expect binary"
"$AEM" seal --in secret --out json.aem --expect future.json 2> seal.err || fail "seal --expect json"
grep -q "PCR 13 not in future.json" seal.err || fail "no notice that PCR 13 was read live"
echo "ok: missing PCR 13 reported"
expect_refusal 5 --in bin.aem
grep -q "PCR 17 differs: sealed $f17" unseal.err || fail "mismatch message lacks the sealed value"
echo "ok: sealed to the future: refused in the current boot"

launch "$future"             # the next boot
"$AEM" unseal --in bin.aem | cmp - secret || fail "unseal (binary expect) after the future launch"
"$AEM" unseal --in json.aem | cmp - secret || fail "unseal (json expect) after the future launch"
echo "ok: both unseal after booting the predicted state"

# A values file for the wrong size or garbage: input error, nothing written.
head -c 50 /dev/urandom > junk.bin
rc=0; "$AEM" seal --in secret --out junk.aem --expect junk.bin 2>/dev/null || rc=$?
assert_eq "garbage --expect exit status" 3 "$rc"
[ ! -e junk.aem ] || fail "output written despite a bad --expect"

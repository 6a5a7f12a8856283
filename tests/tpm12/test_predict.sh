#!/usr/bin/env bash
# TPM 1.2: seal to predicted values. A scratch boot launches the future files
# (a new Xen and a new kernel command line); their PCR values, read with
# libtspi, go into a JSON file {"bank":"sha1","pcrs":{...}}. Back on the
# current boot, aem seal --expect seals to those values: the file's policy is
# the composite of the given values (openssl), it does not open now (PCRs 18
# and 19 named with the predicted and the live value), and it opens after a
# power cycle into the future files, where a seal to the current values no
# longer does.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
{ gzip -dc "$F/xen.gz"; printf 'new'; } | gzip -1 > xen-new.gz
NEWKCMD="placeholder root=/dev/mapper/dom0-root ro quiet rd.luks.timeout=30"
head -c 1000 /dev/urandom > secret

future() { XEN=$PWD/xen-new.gz KCMD=$NEWKCMD launch12; }

future
declare -A fut
json='{"bank":"sha1","pcrs":{'
for p in 13 17 18 19; do
	fut[$p]=$(pcr_hex "$p")
	json+="\"$p\":\"${fut[$p]}\","
done
echo "${json%,}}}" > future.json
cat future.json

launch12
declare -A cur
for p in 13 17 18 19; do cur[$p]=$(pcr_hex "$p"); done
assert_ne "the future boot differs in PCR 18" "${cur[18]}" "${fut[18]}"
assert_ne "the future boot differs in PCR 19" "${cur[19]}" "${fut[19]}"
"$AEM" seal --expect future.json --in secret --out future.aem || fail "seal --expect"
"$AEM" seal --in secret --out current.aem || fail "seal to current values"
read -r _ _ mask policy _ < <(sealed_fields future.aem | head -n 1)
assert_eq "policy = composite of the predicted values (openssl)" \
	"$(composite_of 13="${fut[13]}" 17="${fut[17]}" 18="${fut[18]}" 19="${fut[19]}")" "$policy"

expect_refusal 5 --in future.aem
for p in 18 19; do
	grep -q "PCR $p differs: sealed ${fut[$p]}, now ${cur[$p]}" unseal.err ||
		{ cat unseal.err; fail "PCR $p not named with the predicted and the live value"; }
done
! grep -qE "PCR (13|17) differs" unseal.err || fail "PCR 13 or 17 named but equal"
echo "ok: the predicted seal does not open on the current boot"

future
"$AEM" unseal --in future.aem | cmp - secret || fail "unseal after booting the future files"
echo "ok: the predicted seal opens after booting the future files"
expect_refusal 5 --in current.aem

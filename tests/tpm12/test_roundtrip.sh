#!/usr/bin/env bash
# TPM 1.2: seal after an emulated TXT launch (tboot's legacy and D/A PCR
# mappings), power cycle, the same launch again: unseal returns exactly the
# secret (empty, 1 B, 4 KiB, 1 MiB; compared with cmp). The sealed file's
# policy field is the digestAtRelease of the PCR composite: checked against
# openssl over the values libtspi reads and against the digestAtRelease the
# TSS/TPM wrote into the blob (parsed here with python3). aem pcrs equals
# libtspi's Tspi_TPM_PcrRead (tspi-pcrs) on all 24 PCRs.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
: > p0; head -c 1 /dev/urandom > p1; head -c 4096 /dev/urandom > p4k; head -c 1048576 /dev/urandom > p1m
for MAP in legacy da; do
	launch12
	# aem pcrs (default bank on TPM 1.2: sha1) against libtspi, every PCR.
	"$AEM" pcrs > pcrs.txt || fail "aem pcrs"
	grep -q '^sha1:' pcrs.txt || fail "aem pcrs did not default to sha1 on TPM 1.2"
	for p in $(seq 0 23); do
		got=$(awk -v p="$p:" '$1 == p {print $2}' pcrs.txt)
		[ "$got" = "$(pcr_hex "$p")" ] || fail "$MAP: PCR $p: aem pcrs '$got', libtspi '$(pcr_hex "$p")'"
	done
	echo "ok: $MAP: aem pcrs = Tspi_TPM_PcrRead for PCRs 0-23"
	for p in p0 p1 p4k p1m; do
		"$AEM" seal --in $p --out $p.$MAP.aem || fail "$MAP: seal $p"
	done
	# The sealed file against independent computations.
	read -r fam bank mask policy blob < <(sealed_fields p1.$MAP.aem | head -n 1)
	assert_eq "$MAP: family byte" 1 "$fam"
	assert_eq "$MAP: bank (TPM_ALG_SHA1)" 4 "$bank"
	assert_eq "$MAP: default PCR mask 13,17,18,19" $(((1 << 13) | (1 << 17) | (1 << 18) | (1 << 19))) "$mask"
	while read -r p v; do
		assert_eq "$MAP: expected value of PCR $p = libtspi" "$(pcr_hex "$p")" "$v"
	done < <(sealed_fields p1.$MAP.aem | tail -n +2)
	want=$(composite_now 13 17 18 19)
	assert_eq "$MAP: policy = SHA-1 of the PCR composite (openssl)" "$want" "$policy"
	read -r relmask relloc reldig < <(blob_release "$blob")
	assert_eq "$MAP: blob digestAtRelease = openssl composite" "$want" "$reldig"
	assert_eq "$MAP: blob release selection" "0e2000" "$relmask"
	assert_eq "$MAP: blob localityAtRelease (any)" 31 "$relloc"
	launch12
	for p in p0 p1 p4k p1m; do
		"$AEM" unseal --in $p.$MAP.aem > $p.out || fail "$MAP: unseal $p"
		cmp $p $p.out || fail "$MAP: unsealed $p differs"
		echo "ok: $MAP: $p round trip ($(stat -c %s $p) bytes)"
	done
done
# A file sealed under one mapping does not open after a launch with the other.
expect_refusal 5 --in p1.legacy.aem
grep -q "PCR 17 differs" unseal.err || fail "mapping change: PCR 17 not named"
"$AEM" unseal --in p4k.da.aem --out p4k.file || fail "unseal --out"
cmp p4k p4k.file || fail "--out file differs"
[ "$(stat -c %a p4k.file)" = 600 ] || fail "--out file mode $(stat -c %a p4k.file)"
echo "ok: --out writes mode 0600"

#!/usr/bin/env bash
# Seal after an emulated TXT launch, power cycle, same launch again: unseal
# returns exactly the secret (empty, 1 byte, 4 KiB, 1 MiB). Compared with cmp.
# A changed kernel command line, SINIT or PCR 13: refused, stdout empty, the
# message names the PCRs that differ (values cross-checked with tpm2_pcrread).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
seal_sim
launch
: > p0; head -c 1 /dev/urandom > p1; head -c 4096 /dev/urandom > p4k; head -c 1048576 /dev/urandom > p1m
for p in p0 p1 p4k p1m; do
	"$AEM" seal --in $p --out $p.aem || fail "seal $p"
done
sealed17=$(pcr_tpm2 sha256 17)
launch
for p in p0 p1 p4k p1m; do
	"$AEM" unseal --in $p.aem > $p.out || fail "unseal $p"
	cmp $p $p.out || fail "unsealed $p differs"
	echo "ok: $p round trip ($(stat -c %s $p) bytes)"
done
"$AEM" unseal --in p4k.aem --out p4k.file || fail "unseal --out"
cmp p4k p4k.file || fail "--out file differs"
[ "$(stat -c %a p4k.file)" = 600 ] || fail "--out file mode $(stat -c %a p4k.file)"

# A different kernel command line: PCR 17 differs (tboot's D/A mapping).
launch "placeholder root=/dev/mapper/dom0-root ro single"
expect_refusal 5 --in p4k.aem
now17=$(pcr_tpm2 sha256 17)
grep -q "PCR 17 differs: sealed $sealed17, now $now17" unseal.err || { cat unseal.err; fail "message does not name PCR 17"; }
grep -q "PCR 18 differs" unseal.err && fail "PCR 18 named but did not change"
grep -q "PCR 13 differs" unseal.err && fail "PCR 13 named but did not change"
echo "ok: changed cmdline names PCR 17 only"

# A different SINIT: PCR 17 differs too; PCR 18 keeps tboot's policy entry only.
head -c 8192 /dev/urandom > sinit2.bin
launch "" sinit2.bin
expect_refusal 5 --in p1.aem
grep -q "PCR 17 differs" unseal.err || fail "SINIT change not reported"
echo "ok: changed SINIT refused"

# Same launch, PCR 13 extended with another LUKS header hash.
launch "" sinit.bin "$(printf 'other header' | sha256sum | cut -c1-64)"
expect_refusal 5 --in p1.aem
grep -q "PCR 13 differs: sealed .*, now $(pcr_tpm2 sha256 13)" unseal.err || { cat unseal.err; fail "PCR 13 not named"; }
grep -q "PCR 17 differs" unseal.err && fail "PCR 17 named but the launch was the same"
echo "ok: PCR 13 change names PCR 13 only"

# And back to the sealed state: works again (nothing was consumed).
launch
"$AEM" unseal --in p1.aem | cmp - p1 || fail "unseal after the failures"
echo "ok: unseal works again in the sealed state"

#!/usr/bin/env bash
# Offline policy digests (tpm-seal/policy.c via the policy-digest tool) must
# equal what a TPM computes in a trial policy session (tpm2-tools on swtpm):
# random PCR values, sha1/sha256/sha384 banks, several selections, with and
# without PolicyAuthValue, through tpm2_createpolicy and through
# tpm2_startauthsession + tpm2_policypcr/tpm2_policyauthvalue, and once with
# the TPM hashing its own live PCRs.
set -euo pipefail
tool=$AEM_BUILD/tests/tools/policy-digest
for c in swtpm tpm2_startauthsession tpm2_policypcr tpm2_policyauthvalue tpm2_createpolicy \
	tpm2_flushcontext tpm2_pcrextend tpm2_pcrread od; do
	command -v "$c" >/dev/null || { echo "skip: $c not installed (scripts/install-deps)"; exit 77; }
done
[ -x "$tool" ] || { echo "FAIL: $tool not built"; exit 1; }

sim=$AEM_TEST_TMP/sim
eval "$(tpm-sim start --family 2.0 --dir "$sim")"
trap 'tpm-sim stop --dir "$sim"' EXIT

hexof() { od -An -tx1 -v "$1" | tr -d ' \n'; }
# tpm2-tools leave sessions behind when there is no resource manager.
flush_all() { tpm2_flushcontext -l >/dev/null 2>&1 || true; tpm2_flushcontext -s >/dev/null 2>&1 || true; }

# trial STEP... (same steps as policy-digest): the digest a TPM trial session ends with.
trial() {
	flush_all
	rm -f pol.bin
	tpm2_startauthsession -S s.ctx >/dev/null || { echo "startauthsession-failed"; return; }
	while [ $# -gt 0 ]; do
		case "$1" in
		authvalue) tpm2_policyauthvalue -S s.ctx -L pol.bin >/dev/null; shift ;;
		pcr) tpm2_policypcr -S s.ctx -l "$2:$(expand "$3")" -f "$4" -L pol.bin >/dev/null; shift 4 ;;
		pcr-live) tpm2_policypcr -S s.ctx -l "$2:$3" -L pol.bin >/dev/null; shift 3 ;;
		esac || { echo "policy-command-failed"; return; }
	done
	tpm2_flushcontext s.ctx >/dev/null
	hexof pol.bin
}

n=0 bad=0
check() { # label, tpm digest, our digest
	n=$((n + 1))
	if [ "$2" != "$3" ]; then
		bad=$((bad + 1))
		echo "MISMATCH $1: tpm=$2 aem=$3"
	fi
}

# tpm2-tools want every PCR listed: "13,17-19" -> "13,17,18,19".
expand() {
	local part a b out=() i
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		a=${part%-*} b=${part#*-}
		for ((i = a; i <= b; i++)); do out+=("$i"); done
	done
	(IFS=,; echo "${out[*]}")
}
size_of() { case "$1" in sha1) echo 20 ;; sha256) echo 32 ;; sha384) echo 48 ;; esac; }
count() { # PCR list "a,b-c" -> number of PCRs
	local c=0 part a b
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		a=${part%-*} b=${part#*-}
		c=$((c + b - a + 1))
	done
	echo $c
}

for bank in sha1 sha256 sha384; do
	for list in 13,17,18 13,17-19 0 7,16,23 0-3,8,15,22,23; do
		head -c $(($(size_of $bank) * $(count $list))) /dev/urandom > v.bin
		ours=$("$tool" pcr $bank $list v.bin)
		check "trial $bank:$list" "$(trial pcr $bank $list v.bin)" "$ours"
		check "trial $bank:$list+authvalue" "$(trial pcr $bank $list v.bin authvalue)" \
			"$("$tool" pcr $bank $list v.bin authvalue)"
		check "trial authvalue+$bank:$list" "$(trial authvalue pcr $bank $list v.bin)" \
			"$("$tool" authvalue pcr $bank $list v.bin)"
		flush_all
		rm -f cp.bin
		tpm2_createpolicy --policy-pcr -l "$bank:$(expand $list)" -f v.bin -L cp.bin >/dev/null || true
		check "createpolicy $bank:$list" "$(hexof cp.bin)" "$ours"
		# The comparison can fail: one changed value byte changes the digest
		# (flipped, so it differs whatever the random byte was).
		b=$(xxd -s 3 -l 1 -p v.bin)
		printf "\\x$(printf %02x $((0x$b ^ 0xff)))" | dd of=v.bin bs=1 seek=3 conv=notrunc status=none
		[ "$("$tool" pcr $bank $list v.bin)" != "$ours" ] || { echo "digest ignores the values"; bad=$((bad + 1)); }
	done
done
check "authvalue alone" "$(trial authvalue)" "$("$tool" authvalue)"

# Live: the TPM hashes its own PCRs (16 and 23 are resettable at locality 0).
for bank in sha1 sha256; do
	d=$(head -c 64 /dev/urandom | od -An -tx1 -v | tr -d ' \n' | cut -c1-$((2 * $(size_of $bank))))
	tpm2_pcrextend "16:$bank=$d" "23:$bank=$d"
	tpm2_pcrread -o live.bin $bank:13,16,17,23 >/dev/null
	check "live $bank:13,16,17,23+authvalue" "$(trial pcr-live $bank 13,16,17,23 authvalue)" \
		"$("$tool" pcr $bank 13,16,17,23 live.bin authvalue)"
done
flush_all

echo "$n digests compared with the TPM, $bad mismatches"
[ "$bad" -eq 0 ] && [ "$n" -ge 60 ]

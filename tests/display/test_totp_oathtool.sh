#!/usr/bin/env bash
# Codes from `aem totp code-from-key` must equal oathtool's (OATH Toolkit, an
# independent implementation) for random keys, times and counters, with
# SHA-1/256/512, 6-8 digits, periods 30 and 60, keys given raw or as base32
# written by coreutils' base32 (padded, sometimes lower case).
set -euo pipefail
aem="$AEM_BUILD/aem"
for t in oathtool base32 od; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (apt-get install oathtool coreutils)"; exit 77; }
done

rnd() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }   # 0..2^32-1
hex_of() { od -An -v -tx1 "$1" | tr -d ' \n'; }

n=0
for i in $(seq 1 60); do
	lens=(10 16 20 32 64 1 37)
	len=${lens[$((i % ${#lens[@]}))]}
	head -c "$len" /dev/urandom >key.raw
	hex=$(hex_of key.raw)
	algs=(sha1 sha256 sha512)
	alg=${algs[$((i % 3))]}
	digits=$((6 + (i / 3) % 3))
	period=$(( (i % 5 == 0) ? 60 : 30 ))
	# times up to ~2^35 s: past 2038 and past 32-bit counters of 30 s steps
	time=$(( $(rnd) * ( (i % 7) + 1 ) ))
	keyfile=key.raw
	if [ $((i % 2)) -eq 0 ]; then
		base32 -w0 key.raw >key.b32
		[ $((i % 4)) -eq 0 ] && tr 'A-Z' 'a-z' <key.b32 >key.tmp && mv key.tmp key.b32
		keyfile=key.b32
	fi
	want=$(oathtool --totp="$alg" -d "$digits" -s "$period" -N "@$time" "$hex")
	got=$("$aem" totp code-from-key --secret-file "$keyfile" --key-format "$([ "$keyfile" = key.raw ] && echo raw || echo base32)" \
		--algorithm "$alg" --digits "$digits" --period "$period" --time "$time")
	if [ "$got" != "$want" ]; then
		echo "FAIL totp key=$hex alg=$alg digits=$digits period=$period time=$time: aem=$got oathtool=$want"
		exit 1
	fi
	n=$((n + 1))
done

# HOTP (oathtool's --hotp is SHA-1), counters across the 32-bit boundary
for i in $(seq 1 30); do
	head -c 20 /dev/urandom >key.raw
	hex=$(hex_of key.raw)
	counter=$(( $(rnd) * (i % 3 + 1) ))
	digits=$((6 + i % 3))
	want=$(oathtool --hotp -d "$digits" -c "$counter" "$hex")
	got=$("$aem" totp code-from-key --secret-file key.raw --key-format raw --digits "$digits" --counter "$counter")
	[ "$got" = "$want" ] || { echo "FAIL hotp key=$hex counter=$counter: aem=$got oathtool=$want"; exit 1; }
	n=$((n + 1))
done

# auto-detection: a base32 file with a trailing newline is read as base32,
# a file that is not base32 as raw bytes
printf 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n' >k1
printf '12345678901234567890' >k2
for k in k1 k2; do
	got=$("$aem" totp code-from-key --secret-file $k --time 59 --digits 8)
	want=$(oathtool --totp -d 8 -N @59 3132333435363738393031323334353637383930)
	[ "$got" = "$want" ] || { echo "FAIL auto key format $k: $got != $want"; exit 1; }
done

# refusals: missing file, empty file, key over 64 bytes, bad base32 when forced
rc=0; "$aem" totp code-from-key --secret-file nope 2>/dev/null || rc=$?
[ $rc -eq 3 ] || { echo "FAIL missing key file: exit $rc, want 3"; exit 1; }
: >empty; rc=0; "$aem" totp code-from-key --secret-file empty 2>/dev/null || rc=$?
[ $rc -eq 3 ] || { echo "FAIL empty key file: exit $rc, want 3"; exit 1; }
head -c 65 /dev/urandom >big; rc=0; "$aem" totp code-from-key --secret-file big --key-format raw 2>/dev/null || rc=$?
[ $rc -eq 3 ] || { echo "FAIL 65-byte key: exit $rc, want 3"; exit 1; }
rc=0; "$aem" totp code-from-key --secret-file k2 --key-format base32 2>/dev/null || rc=$?
[ $rc -eq 3 ] || { echo "FAIL forced base32 on raw key: exit $rc, want 3"; exit 1; }
rc=0; "$aem" totp code-from-key --secret-file k2 --digits 9 2>/dev/null || rc=$?
[ $rc -eq 2 ] || { echo "FAIL --digits 9: exit $rc, want 2"; exit 1; }
echo "$n codes equal oathtool's"

#!/usr/bin/env bash
# The boot display redraws the code at every period boundary: with a fake
# clock (test tool totp-clock) starting between two boundaries, frame 1 is at
# the start time and frame k+1 at the k-th following boundary; each frame's
# time (read back with date -u) and code equal oathtool's for that time, for
# SHA-1/6 digits/30 s and SHA-256/8 digits/60 s. Each frame starts by clearing
# screen and scrollback. Then `aem totp show` on a TPM 2.0 TOTP file: one frame,
# its code equals oathtool's for the frame's time.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
check_frames() { # file keyhex alg digits period start frames
	local f=$1 hex=$2 alg=$3 digits=$4 period=$5 start=$6 frames=$7 k=0 when code t want
	assert_eq "clear sequences" "$frames" "$(grep -o $'\e\[3J' "$f" | wc -l | awk '{print $1 - 1}')"
	while read -r d tm utc code; do
		[ "$utc" = UTC ] || continue
		t=$(date -u -d "$d $tm" +%s)
		if [ $k -eq 0 ]; then want=$start; else want=$(( (start / period + k) * period )); fi
		[ "$t" = "$want" ] || fail "frame $k at $t, expected $want"
		[ "$code" = "$(oathtool --totp="$alg" -d "$digits" -s "$period" -N "@$t" "$hex")" ] \
			|| fail "frame $k: code $code differs from oathtool's"
		k=$((k + 1))
	done < <(tr -d '\r' < "$f" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')
	assert_eq "frames drawn" "$frames" "$k"
}
hex=$(head -c 20 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
start=$(( 1700000000 + RANDOM % 29 + 1 ))
"$TOOLS/totp-clock" "$hex" sha1 6 30 "$start" 6 < /dev/null > frames1 2> err1 || fail "totp-clock"
check_frames frames1 "$hex" sha1 6 30 "$start" 6
grep -q 'waits=6' err1 || fail "expected 6 waits: $(cat err1)"
start=$(( 2000000000 + 7 ))
"$TOOLS/totp-clock" "$hex" sha256 8 60 "$start" 4 < /dev/null > frames2 2>/dev/null || fail "totp-clock sha256"
check_frames frames2 "$hex" sha256 8 60 "$start" 4
echo "ok: codes refreshed at each boundary and equal oathtool's"

seal_sim
launch
"$AEM" totp init --out t.aem --no-confirm --no-recovery > init.out 2>/dev/null || fail init
uri=$(head -n 1 init.out)
"$AEM" totp show --in t.aem --frames 1 < /dev/null > show.out || fail "aem totp show"
line=$(tr -d '\r' < show.out | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep ' UTC ')
read -r d tm utc code <<< "$line"
t=$(date -u -d "$d $tm" +%s)
assert_eq "aem totp show (TPM-computed) at $t" "$(oath "$uri" "$t")" "$code"

#!/usr/bin/env bash
# The boot's TOTP display under a clock set forward (an evil maid sets the
# RTC ahead, boots the genuine machine with a copy of the stick and writes
# down the codes of a future time; docs/threat-model.md, "TOTP and the
# clock"). With the fake clock of the test tool totp-clock starting 400 days
# ahead of now and no Enter ever pressed (FRAMES 0: until Enter):
#  - every frame shows the clock's date and time next to the code (what the
#    user can compare with the phone), and the code is oathtool's for that
#    time, not for now;
#  - the display stops redrawing on its own: at most one code per period over
#    5 minutes of clock time (11 codes at 30 s, 6 at 60 s), then one frame
#    without a code that says so; the tool exits (it gives up with exit 3,
#    "still redrawing", when the display never stops).
. "$AEM_SRC/tests/lib/common.sh"
command -v oathtool > /dev/null || { echo "SKIP: oathtool missing (scripts/install-deps)"; exit 77; }
hex=$(head -c 20 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
now=$(date -u +%s)

check() { # alg digits period max-codes
	local alg=$1 digits=$2 period=$3 max=$4 fwd rc=0 k=0 first= last= d tm utc code t
	fwd=$(( now + 400 * 86400 + RANDOM % period ))
	"$TOOLS/totp-clock" "$hex" "$alg" "$digits" "$period" "$fwd" 0 < /dev/null > frames.raw 2> err || rc=$?
	[ $rc -eq 0 ] || fail "$alg/$period: the display did not stop (exit $rc): $(cat err)"
	tr -d '\r' < frames.raw | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > frames
	while read -r d tm utc code; do
		[ "$utc" = UTC ] || continue
		t=$(date -u -d "$d $tm" +%s)
		[ -n "$first" ] || first=$t
		[ "$t" -ge "$fwd" ] || fail "$alg/$period: frame at $t, before the clock's start $fwd"
		[ "$code" = "$(oathtool --totp="$alg" -d "$digits" -s "$period" -N "@$t" "$hex")" ] ||
			fail "$alg/$period: code $code at $d $tm is not oathtool's for the time shown"
		[ "$code" != "$(oathtool --totp="$alg" -d "$digits" -s "$period" -N "@$now" "$hex")" ] ||
			fail "$alg/$period: the code of the forward clock equals the code of now"
		last=$t k=$((k + 1))
	done < frames
	[ "$k" -ge 2 ] || fail "$alg/$period: $k codes shown, expected a redraw"
	[ "$k" -le "$max" ] || fail "$alg/$period: $k codes shown, at most $max expected (5 minutes)"
	[ $((last - first)) -lt 300 ] || fail "$alg/$period: codes shown over $((last - first)) s of clock time"
	tail -n 5 frames | grep -q "The code is no longer shown" || { tail -n 5 frames; fail "$alg/$period: the end is not said"; }
	tail -n 5 frames | grep -q " UTC " && fail "$alg/$period: the last frame still has a code"
	echo "ok: $alg/$digits/$period s: $k codes for the forward clock's time $(date -u -d "@$first" '+%F %T') (oathtool), then the end said"
}
check sha1 8 30 11
check sha256 8 60 6

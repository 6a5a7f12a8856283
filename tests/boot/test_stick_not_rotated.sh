#!/usr/bin/env bash
# A rotation that does not complete is shown, and `aem status` says it.
# A directory planted on the stick where the rotation writes its next file
# (aem/<id>/secret.new.sealed) makes the rotation fail: aem-boot still shows
# the secret, and under it "this stick was not rotated: <why>"; the kernel
# log says it; /run/aem/last-boot (below the test root) keeps it and
# `aem status` (runtime root = the test root) shows it as last_boot. With the
# directory gone, the next boot rotates (secret.sealed on the stick is
# replaced), shows no such line, and status says "freshness rotated".
# Then the label check: a stick whose label carries a newline and a fake
# kernel-log level is refused, and the kernel log gets one line, the label's
# control characters as '?'.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/boot/boot-common.sh"
stick_setup
boot zero   # the pending bundle reseal left becomes secret.sealed
grep -qF "$text" zero.txt || { cat zero.txt zero.kmsg; fail "boot 0: the secret is not shown"; }
cur_sum() { on_stick sha256sum "aem/$id/secret.sealed" | cut -d' ' -f1; }

on_stick mkdir "aem/$id/secret.new.sealed"
nv0=$(cur_sum)
boot one
grep -qF "$text" one.txt || { cat one.txt one.kmsg; fail "the secret is not shown"; }
grep -q "^this stick was not rotated: cannot write secret.new.sealed" one.txt ||
	{ cat one.txt; fail "no 'not rotated' line under the secret"; }
tl=$(grep -nF "$text" one.txt | head -n 1 | cut -d: -f1)
nl=$(grep -n "^this stick was not rotated" one.txt | head -n 1 | cut -d: -f1)
[ "$tl" -lt "$nl" ] || fail "the line is not under the secret"
grep -q "freshness NOT rotated" one.kmsg || { cat one.kmsg; fail "kernel log"; }
assert_eq "secret.sealed after a failed rotation" "$nv0" "$(cur_sum)"
AEM_ROOT=$PWD "$AEM" status --json "${LUKS_ARGS[@]}" > status1.json 2> status1.err || { cat status1.err; fail "aem status"; }
jq -r .last_boot status1.json | grep -q "^this stick was not rotated: cannot write secret.new.sealed" ||
	{ cat status1.json; fail "aem status does not show the failed rotation"; }
echo "ok: a planted directory: secret shown with 'this stick was not rotated', kernel log and aem status say it"

on_stick rmdir "aem/$id/secret.new.sealed"
boot two
grep -qF "$text" two.txt || fail "boot 2: the secret is not shown"
grep -q "not rotated" two.txt && fail "boot 2: a 'not rotated' line after a complete rotation"
[ "$(cur_sum)" != "$nv0" ] || fail "boot 2: secret.sealed was not replaced"
AEM_ROOT=$PWD "$AEM" status --json "${LUKS_ARGS[@]}" > status2.json 2> /dev/null || fail "aem status 2"
jq -r .last_boot status2.json | grep -q "^freshness rotated" || { cat status2.json; fail "status after a rotation"; }
echo "ok: the obstacle gone, the next boot rotates and says nothing more"

e2label "$loop" "$(printf 'x\n<0>forged')" || fail e2label
boot three
grep -q "^<0>forged" three.kmsg && { cat three.kmsg; fail "the label forged a kernel log line"; }
grep -q "has label 'x?<0>forged', not aem" three.kmsg || { cat three.kmsg; fail "label refusal not logged as one line"; }
echo "ok: a label with control characters is refused and logged on one line"

#!/usr/bin/env bash
# The plymouth client path. (1) With a stub `plymouth` (env AEM_PLYMOUTH) that
# records its arguments: the boot display sends each frame with
# `display-message --text=...` and takes the previous one away with
# `hide-message`; the codes equal oathtool's; `aem mfa unlock --plymouth` takes
# the password from `ask-for-password` (the stub answers) and the key file
# opens the LUKS image per cryptsetup. (2) When Debian's plymouth is
# installed, a real `plymouthd --no-daemon` (tty /dev/null, debug log) answers
# the ping and logs the message requests with the code text.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
cat > stub <<'STUB'
#!/bin/sh
printf '%s\n' "$*" >> "$PLY_LOG"
case "$1" in
--ping) exit 0 ;;
ask-for-password) printf '%s\n' "$PLY_ANSWER" ;;
watch-keystroke) sleep 60 ;;
esac
exit 0
STUB
chmod +x stub
export AEM_PLYMOUTH=$PWD/stub PLY_LOG=$PWD/ply.log
hex=$(head -c 20 /dev/urandom | od -An -v -tx1 | tr -d ' \n')
start=1800000010
"$TOOLS/totp-clock" "$hex" sha1 6 30 "$start" 3 plymouth < /dev/null > /dev/null 2>&1 || fail totp-clock
assert_eq "display-message calls" 3 "$(grep -c '^display-message --text=AEM: ' ply.log)"
assert_eq "hide-message calls" 3 "$(grep -c '^hide-message --text=AEM: ' ply.log)"
k=0
while read -r _ _ d tm utc code; do
	t=$(date -u -d "$d $tm" +%s)
	assert_eq "plymouth frame $k" "$(oathtool --totp -N "@$t" "$hex")" "$code"
	k=$((k + 1))
done < <(grep '^display-message' ply.log)
# every shown message is hidden again, in order
diff <(grep '^display-message' ply.log | cut -d' ' -f2-) <(grep '^hide-message' ply.log | cut -d' ' -f2-) \
	|| fail "hidden messages differ from shown ones"

if command -v cryptsetup >/dev/null; then
	seal_sim
	launch
	truncate -s 32M disk.img
	printf 'old' | cryptsetup luksFormat --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--batch-mode --key-file - disk.img
	AEM_MFA_PASSWORD=pw AEM_LUKS_PASSPHRASE=old "$AEM" mfa enroll --device disk.img --out k.aem 2>/dev/null || fail enroll
	: > ply.log
	PLY_ANSWER=pw "$AEM" mfa unlock --plymouth --in k.aem --device disk.img --key-out key || fail "unlock via plymouth"
	grep -q '^ask-for-password --prompt=' ply.log || fail "no ask-for-password call"
	cryptsetup open --test-passphrase --key-file key disk.img || fail "key from the plymouth path"
	rc=0; PLY_ANSWER=nope "$AEM" mfa unlock --plymouth --in k.aem --device disk.img --key-out key2 2>/dev/null || rc=$?
	assert_eq "wrong password via plymouth" 6 "$rc"
	rc=0; PLY_ANSWER= "$AEM" mfa unlock --plymouth --in k.aem --device disk.img --key-out key3 2>/dev/null || rc=$?
	assert_eq "empty answer falls back" 1 "$rc"
	echo "ok: mfa password through plymouth ask-for-password"
fi

# (2) the real daemon
unset AEM_PLYMOUTH
if ! command -v plymouthd >/dev/null && [ ! -x /usr/sbin/plymouthd ]; then
	echo "note: plymouth not installed (apt-get install plymouth): real-daemon part not run"; exit 0
fi
if plymouth --ping 2>/dev/null; then
	echo "note: a plymouthd already runs on this machine: real-daemon part not run"; exit 0
fi
/usr/sbin/plymouthd --no-daemon --tty=/dev/null --debug --debug-file="$PWD/d.log" \
	--pid-file="$PWD/ply.pid" > /dev/null 2>&1 & ply=$!
trap 'kill $ply 2>/dev/null || true; _cleanup' EXIT
for i in $(seq 50); do plymouth --ping && break; sleep 0.1; done
plymouth --ping || fail "plymouthd does not answer"
"$TOOLS/totp-clock" "$hex" sha1 6 30 1900000000 2 plymouth < /dev/null > /dev/null 2>&1 || fail "totp-clock against plymouthd"
plymouth quit || true
wait $ply || true
want=$(oathtool --totp -N @1900000000 "$hex")
grep -q "got show message request" d.log || fail "plymouthd got no message request"
grep -q "$want" d.log || fail "plymouthd's log lacks the code $want"
echo "ok: the real plymouthd received the frames (code $want)"

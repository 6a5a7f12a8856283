#!/usr/bin/env bash
# The boot program (build/aem-boot) on this host, the lifecycle way: swtpm, an
# emulated TXT launch, the AEM media on a loop device (`aem install --format`),
# `aem secret set --text`, `aem totp init`, `aem mfa enroll` (no --out: the
# password box kept as the luks-key secret), `aem reseal`; then each "boot" is
# a power cycle + the same launch and aem-boot with test overrides for the
# kernel command line, sysfs and /dev (a directory whose entries link to the
# loop device and to the LUKS image), its kernel log and mount point.
# Oracles: oathtool (the code in the frame, for the time printed in the frame,
# from the key of the otpauth URI init printed); libcryptsetup's keyslot check
# (a wrong key is "no keyslot"); device-mapper (cryptsetup status) when this
# host has it.
# Expect: 1. the text and the TOTP code, equal to oathtool's, before the
# password prompt; three wrong passwords are said and then given up; 2. the
# right password: the key from the box opens the LUKS image; 3. Enter alone
# skips; 4. display = text in aem.conf: the reseal leaves the totp item out
# and the boot shows the text frame without a code; 5. a write-protected
# stick: mounted read-only, the secret shown, nothing written, no rotation.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null || { echo "SKIP: losetup or mkfs.ext4 missing"; exit 77; }
loop=
trap '[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null; _cleanup' EXIT
truncate -s 16M stick.img
if ! loop=$(losetup -f --show stick.img 2> losetup.err); then
	echo "SKIP: loop devices cannot be used here: $(cat losetup.err)"; loop=; exit 77
fi
lc_setup 2.0
boot_files boot
S=t$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
"$AEM" tpm-setup > /dev/null || fail tpm-setup
"$AEM" install --suffix "$S" --format "$loop" > install.out || fail "install --format $loop"
uuid=$(blkid -s UUID -o value "$loop")
luks_uuid=$(cryptsetup luksUUID luks.img)

# The measured boot everything is sealed to (PCR 13 computed from luks.img).
grub_cfg boot
launch boot
text="boot text $RANDOM"
"$AEM" secret set --text "$text" > /dev/null || fail "secret set"
"$AEM" totp init --no-confirm --no-recovery --out t.aem > init.out 2> init.err || { cat init.err; fail "totp init"; }
uri=$(head -n 1 init.out)
case "$uri" in otpauth://totp/*) ;; *) fail "no URI from totp init: $uri" ;; esac
grep -q "kept as the secret 'totp'" init.err || fail "init does not say it kept the totp secret: $(cat init.err)"
[ -s state/secrets/totp ] || fail "no state/secrets/totp"
pw="mfa pw $RANDOM"
AEM_MFA_PASSWORD=$pw AEM_LUKS_PASSPHRASE="test passphrase" "$AEM" mfa enroll --device luks.img > mfa.out ||
	fail "mfa enroll into the state"
grep -q "kept as the secret 'luks-key'" mfa.out || fail "enroll does not say where the box went: $(cat mfa.out)"
# The keyslot changed the LUKS header: PCR 13 is computed from the new one.
mkdir -p mnt; mount -t ext4 "$loop" mnt || fail "mount $loop"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out 2> reseal.err || { umount mnt; cat reseal.err; fail reseal; }
umount mnt

# What aem-boot sees: the stick under a disk's name (aem-boot skips loop*
# names, which are never removable media), the LUKS image by UUID.
name=sdaem
mkdir -p sys/class/block/"$name" dev/disk/by-uuid
ln -s "$loop" "dev/$name"
ln -s "$PWD/luks.img" "dev/disk/by-uuid/$luks_uuid"
echo "aem.uuid=$uuid rd.luks.uuid=$luks_uuid aem.timeout=5" > cmdline

# launch without the PCR 13 extend: aem-boot does that one.
boot() { # name input
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	local args=() path rest tcmd
	while read -r path rest; do
		case "$path" in *SINIT*) continue ;; esac
		args+=(--module "boot/${path#/}" "$rest")
	done < <(awk '$1 == "module" {$1 = ""; sub(/^ +/, ""); print}' boot/grub.cfg | sed "s/'//g")
	tcmd=$(awk '$1 == "multiboot" {$1 = ""; $2 = ""; sub(/^ +/, ""); print; exit}' boot/grub.cfg | sed "s/'//g")
	txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit sinit.bin --tboot boot/tboot.gz \
		--tboot-cmdline "$tcmd" "${args[@]}" --log "$1.evlog" > /dev/null || fail "launch"
	printf "$2" | "$AEM_BUILD/aem-boot" --cmdline cmdline --root "$PWD" --kmsg "$1.kmsg" \
		--mount "$PWD/mnt-$1" > "$1.screen" 2> "$1.err" || fail "aem-boot exit status"
	tr -d '\r' < "$1.screen" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' > "$1.txt"
}

boot one '\nwrong 1\nwrong 2\nwrong 3\n'
grep -q "unsealed the pending bundle" one.kmsg || { cat one.kmsg; fail "boot 1 did not unseal"; }
grep -qF "$text" one.txt || { cat one.txt; fail "the text is not shown"; }
read -r d tm utc code < <(grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC ' one.txt | head -n 1) ||
	{ cat one.txt; fail "no TOTP frame"; }
t=$(date -u -d "$d $tm" +%s)
assert_eq "code in the frame at $d $tm UTC (oathtool)" "$(oath "$uri" "$t")" "$code"
tl=$(grep -nF "$text" one.txt | head -n 1 | cut -d: -f1)
cl=$(grep -n " UTC  " one.txt | head -n 1 | cut -d: -f1)
pl=$(grep -n "AEM password (Enter to skip)" one.txt | head -n 1 | cut -d: -f1)
[ -n "$pl" ] && [ "$tl" -lt "$cl" ] && [ "$cl" -lt "$pl" ] || { cat one.txt; fail "order: text $tl, code $cl, prompt $pl"; }
assert_eq "wrong passwords said" 3 "$(grep -c '^Wrong password\.' one.txt)"
grep -q "Three wrong passwords: the disk passphrase is asked" one.txt || fail "giving up not said"
grep -q "multi-factor unlock not used: no password, or three wrong ones" one.kmsg || { cat one.kmsg; fail "kmsg"; }
grep -qF "$pw" one.screen one.err one.kmsg && fail "a password reached the output"
echo "ok: text, code equal to oathtool's, prompt after them; three wrong passwords, then the passphrase"

boot two "\n$pw\n"
grep -q "Wrong password" two.txt && fail "the right password was refused"
grep -q "aem-boot: luks-$luks_uuid: " two.kmsg || { cat two.kmsg; fail "no activation tried"; }
grep -q "the AEM key opens no keyslot" two.kmsg && fail "the key from the box opens no keyslot"
if grep -q "luks-$luks_uuid: opened with the AEM key" two.kmsg; then
	cryptsetup status "luks-$luks_uuid" | grep -q "is active" || fail "not active per cryptsetup"
	cryptsetup close "luks-$luks_uuid"
	grep -q "Disk unlocked with the AEM key" two.txt || fail "success not said"
	echo "ok: the right password: luks-$luks_uuid activated (cryptsetup status)"
else
	echo "note: no device-mapper here ($(grep -o "luks-$luks_uuid: .*" two.kmsg)): the key was accepted by a keyslot, activation not possible"
fi
for f in two.screen two.err two.kmsg; do grep -qF "$pw" "$f" && fail "the password reached $f"; done

boot three '\n\n'
grep -q "Wrong password" three.txt && fail "Enter alone was taken for a password"
grep -q "multi-factor unlock not used: no password" three.kmsg || { cat three.kmsg; fail "skip not logged"; }
echo "ok: Enter alone skips to the passphrase"

# display = text: the totp secret stays out of the bundle.
echo "display = text" >> aem.conf
mount -t ext4 "$loop" mnt || fail "mount $loop"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log three.evlog > reseal2.out 2> reseal2.err || { umount mnt; cat reseal2.err; fail "reseal (display = text)"; }
# The current bundle is sealed to the same values too: the pending one (just
# sealed, newest) must be the one this boot uses.
umount mnt
boot four '\n\n'
grep -q "unsealed the pending bundle" four.kmsg || { cat four.kmsg; fail "boot 4 did not unseal"; }
grep -qF "$text" four.txt || fail "display = text: the text is not shown"
grep -q " UTC  " four.txt && fail "display = text: a code was shown"
echo "ok: display = text seals no totp item"

# A write-protected stick: aem-boot mounts it read-only, still shows the
# secret, does not rotate (kernel log says so) and writes nothing to it.
blockdev --setro "$loop" || fail "blockdev --setro"
before=$(sha256sum < stick.img)
boot five '\n\n'
blockdev --setrw "$loop"
grep -q "read-only, no freshness rotation" five.kmsg || { cat five.kmsg; fail "no read-only fallback said"; }
grep -q "unsealed the current bundle .*freshness NOT rotated" five.kmsg || { cat five.kmsg; fail "boot 5: not the current bundle, or rotated"; }
grep -qF "$text" five.txt || { cat five.txt; fail "read-only stick: the text is not shown"; }
assert_eq "stick image after a read-only boot" "$before" "$(sha256sum < stick.img)"
echo "ok: a write-protected stick still shows the secret, is not written, and the log says the token was not rotated"

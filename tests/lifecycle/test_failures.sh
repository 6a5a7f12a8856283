#!/usr/bin/env bash
# Failures with a clear message and nothing lost: no TPM, prediction impossible, media
# not present, read-only media, full media (a tiny tmpfs). After each, the sealed files
# are byte-identical (sha256sum) and the boot they were sealed to still unseals.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
mnt=$PWD/mnt
cleanup_mnt() { mountpoint -q "$mnt" && umount "$mnt"; true; }
trap 'cleanup_mnt; _cleanup' EXIT
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
	echo "skip: cannot mount a tmpfs here (not root?)"; exit 77
fi
"$AEM" tpm-setup >/dev/null || fail tpm-setup
"$AEM" install --uuid 33333333-2222-3333-4444-555555555555 "$mnt" >/dev/null || fail install
id=$(tpm2_nvread 0x0100ae00 -s 20 | xxd -p | tr -d '\n')
"$AEM" secret set --text "still here" >/dev/null
grub_cfg boot
launch boot
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail reseal
"$AEM" boot-unseal --media "$mnt" >/dev/null 2>&1 || fail "first boot"
sums() { (cd "$mnt/aem/$id" && sha256sum secret*.sealed); }
before=$(sums)
still_unseals() { # what
	[ "$(sums)" = "$before" ] || fail "$1: sealed files changed"
	local out; out=$("$AEM" boot-unseal --media "$mnt" 2>/dev/null) || fail "$1: no longer unseals"
	[ "$out" = "still here" ] || fail "$1: wrong secret"
	before=$(sums)
}
expect() { # status regex what cmd...
	local want=$1 re=$2 what=$3 rc=0; shift 3
	"$@" > out.txt 2> err.txt || rc=$?
	assert_eq "$what: exit status" "$want" "$rc"
	grep -Eq "$re" err.txt || { cat err.txt; fail "$what: message lacks /$re/"; }
}

# No TPM: a TCTI on a port nobody listens on.
AEM_TCTI=swtpm:host=127.0.0.1,port=1 expect 4 "no TPM" "no TPM" "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log
still_unseals "no TPM"

# Prediction impossible: no event log -> nothing changed, told to reseal after a trusted boot.
expect 9 "if you trust that boot, run: aem reseal" "no event log" \
	"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot
still_unseals "no prediction"
expect 9 "cannot predict the next boot: .*cannot read" "missing module" \
	"$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir nowhere --event-log launch.log
still_unseals "missing module"

# Read-only media.
mount -o remount,ro "$mnt"
expect 8 "nothing replaced" "read-only media" "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log
out=$("$AEM" boot-unseal --media "$mnt" 2>err.txt) || fail "read-only media: boot refused"
[ "$out" = "still here" ] || fail "read-only media: secret"
grep -q "NOT rotated" err.txt || fail "read-only media: rotation failure not reported"
mount -o remount,rw "$mnt"
still_unseals "read-only media"
echo "ok: read-only media: refused clearly, the boot still unseals"

# Full media: fill the tmpfs, then reseal must fail without touching anything.
dd if=/dev/zero of="$mnt/filler" bs=1k 2>/dev/null || true
expect 8 "full|cannot write" "full media" "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log
rm "$mnt/filler"
still_unseals "full media"
echo "ok: full media: refused clearly, nothing lost"

# Media not present (unmounted / removed).
umount "$mnt"
expect 8 "not present" "media removed" "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log
mount -t tmpfs -o size=256k tmpfs "$mnt"
echo "ok: missing media reported"

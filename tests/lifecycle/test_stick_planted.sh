#!/usr/bin/env bash
# The stick is the attacker's: what is planted on it where aem reads or
# writes a file neither blocks the boot half (aem boot-unseal, the code
# aem-boot runs), nor makes it read a file from elsewhere, nor write
# elsewhere. Each case starts from a stick that was just rotated; after each
# the secret still comes back and the rotation completes or says why not:
#   1. a FIFO in place of secret.next.sealed (a pending bundle): ignored,
#      said, the current bundle unseals and rotates;
#   2. a FIFO in place of the sidecar secret.sealed.expect.json: taken as
#      no sidecar, the rotation completes;
#   3. a symlink sidecar to a root-only file of this host: nothing of that
#      file reaches the stick (grep over every file on it);
#   4. a symlink in place of secret.sealed (to a copy of the real file):
#      refused as not a regular file;
#   5. aem/<tpm-id> a symlink to a directory outside the stick: refused,
#      nothing written there.
# A read that blocks (today's FIFO case) is caught by `timeout` and fails.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
"$AEM" tpm-setup > /dev/null || fail tpm-setup
"$AEM" install --uuid 44444444-2222-3333-4444-555555555555 media > /dev/null || fail install
printf 'planted-proof' | "$AEM" secret set > /dev/null || fail "secret set"
grub_cfg boot
launch boot
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > /dev/null || fail reseal
id=$(ls media/aem)
d=media/aem/$id

unseal() { # what -> out.txt, err.txt; fails when it blocks or does not unseal
	local rc=0
	timeout 120 "$AEM" boot-unseal --media media > out.txt 2> err.txt || rc=$?
	[ $rc -ne 124 ] || fail "$1: boot-unseal blocked (killed after 120 s)"
	[ $rc -eq 0 ] || { cat err.txt; fail "$1: boot-unseal failed ($rc)"; }
	assert_eq "$1: the secret" "planted-proof" "$(cat out.txt)"
}
rotated() { # what
	grep -q "freshness rotated" err.txt || { cat err.txt; fail "$1: not rotated"; }
}
unseal "first boot"; rotated "first boot"
[ -f "$d/secret.sealed" ] || fail "no secret.sealed after the first boot"

mkfifo "$d/secret.next.sealed"
unseal "FIFO pending"; rotated "FIFO pending"
rm -f "$d/secret.next.sealed"
echo "ok: a FIFO in place of the pending bundle does not block the boot"

rm -f "$d/secret.sealed.expect.json"
mkfifo "$d/secret.sealed.expect.json"
unseal "FIFO sidecar"; rotated "FIFO sidecar"
[ -p "$d/secret.sealed.expect.json" ] && fail "FIFO sidecar: still a FIFO after the rotation"
echo "ok: a FIFO in place of the sidecar does not block the boot"

mark="root only $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$mark" > rootonly.txt; chmod 600 rootonly.txt
rm -f "$d/secret.sealed.expect.json"
ln -s "$PWD/rootonly.txt" "$d/secret.sealed.expect.json"
unseal "symlink sidecar"; rotated "symlink sidecar"
grep -rqF "$mark" media && fail "symlink sidecar: the root-only file was copied onto the stick"
[ -L "$d/secret.sealed.expect.json" ] && fail "symlink sidecar: the link is still the sidecar"
echo "ok: a symlink sidecar copies nothing onto the stick"

cp "$d/secret.sealed" real.sealed
rm "$d/secret.sealed"
ln -s "$PWD/real.sealed" "$d/secret.sealed"
rc=0; timeout 120 "$AEM" boot-unseal --media media > out.txt 2> err.txt || rc=$?
[ $rc -ne 124 ] || fail "symlink sealed file: blocked"
[ $rc -ne 0 ] || fail "symlink sealed file: unsealed through a link"
grep -q "secret.sealed: not a regular file" err.txt || { cat err.txt; fail "symlink sealed file: not said"; }
rm "$d/secret.sealed"; cp real.sealed "$d/secret.sealed"
unseal "file back"; rotated "file back"
echo "ok: a symlink in place of secret.sealed is refused"

mkdir -p outside
mv "$d" "outside/$id"
ln -s "$PWD/outside/$id" "$d"
before=$(cd outside && find . -type f -exec sha256sum {} + | sort)
rc=0; timeout 120 "$AEM" boot-unseal --media media > out.txt 2> err.txt || rc=$?
[ $rc -ne 0 ] || fail "symlinked aem/<id>: unsealed through a link"
grep -q "not a directory" err.txt || { cat err.txt; fail "symlinked aem/<id>: not said"; }
assert_eq "files outside the stick" "$before" "$(cd outside && find . -type f -exec sha256sum {} + | sort)"
rm "$d"; mv "outside/$id" "$d"
unseal "directory back"; rotated "directory back"
echo "ok: aem/<tpm-id> as a symlink is refused, nothing written through it"

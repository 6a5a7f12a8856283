#!/usr/bin/env bash
# TPM 1.2 NV writes are authorized. The bench's TPM has the well-known owner
# secret (tpm_takeownership -y -z). Oracle: tpm-tools (tpm_nvwrite,
# tpm_nvread, tpm_nvdefine), which authorize with the password they are given.
#  1. An owner-written index (the identity's kind): a wrong owner password
#     is refused as tpm_nvwrite --password=<wrong> is; the right one works.
#  2. nvLocked set (TPM_NV_DefineSpace of the lock index 0xFFFFFFFF, what
#     real chips ship with): the right owner password still works, a wrong
#     one is refused, a write without authorization is refused.
#  3. The keyed kind (freshness slots): written only with its key; the owner
#     cannot write it; an index undefined and defined again by the owner
#     with a password of theirs is refused as "not the one aem defined".
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
sim12
idx=0x00a10001
head -c 40 /dev/urandom > v1
head -c 40 /dev/urandom > v2
"$TOOLS/tpm12-nv" write $idx v1 || fail "first write (defines the index)"

owner_kind() { # label
	! tpm_nvwrite -i $idx --password=wrong -f v2 >/dev/null 2>&1 || fail "$1: tpm_nvwrite with a wrong owner password was accepted (oracle)"
	rc=0; AEM_OWNER_PASSWORD=wrong "$TOOLS/tpm12-nv" write $idx v2 2> err || rc=$?
	[ $rc -ne 0 ] || fail "$1: aem wrote with a wrong owner password"
	tpm_nvread -i $idx -s 40 -f out >/dev/null || fail "$1: tpm_nvread"
	cmp -s out v2 && fail "$1: the write with a wrong owner password reached NV"
	echo "ok: $1: wrong owner password refused ($(cat err))"
	"$TOOLS/tpm12-nv" write $idx v2 || fail "$1: write with the right owner password"
	tpm_nvread -i $idx -s 40 -f out >/dev/null && cmp -s out v2 || fail "$1: tpm_nvread does not see the write"
	"$TOOLS/tpm12-nv" write $idx v1 || fail "$1: write back"
	echo "ok: $1: the right owner password writes"
}
owner_kind "nvLocked clear"

# Before the lock the TPM checks no NV authorization: tpm_nvwrite without a
# password (no authorization session) writes.
tpm_nvwrite -i $idx -f v1 >/dev/null 2>&1 || fail "unauthorized write before nvLocked (bench)"
# aem tpm-setup on this owned TPM sets nvLocked (TPM_NV_DefineSpace of the
# lock index 0xFFFFFFFF without authorization).
AEM_STATE_DIR=$PWD/state "$AEM" tpm-setup > setup.out 2>&1 || { cat setup.out; fail "aem tpm-setup"; }
! tpm_nvwrite -i $idx -f v2 >/dev/null 2>&1 || fail "nvLocked not set: an unauthorized write still works"
echo "ok: nvLocked set by aem tpm-setup (an unauthorized tpm_nvwrite is refused now)"
owner_kind "nvLocked set"

if "$TOOLS/tpm12-nv" define 0x00a10002 72 "$(printf '11%.0s' $(seq 32))" 2>/dev/null; then
	key=$(printf '11%.0s' $(seq 32)); other=$(printf '22%.0s' $(seq 32))
	head -c 72 /dev/urandom > k1
	"$TOOLS/tpm12-nv" write 0x00a10002 k1 "$key" || fail "keyed write with its key"
	tpm_nvread -i 0x00a10002 -s 72 --password="$key" -f out >/dev/null && cmp -s out k1 ||
		fail "tpm_nvread with the key's hex text does not see the keyed write"
	! "$TOOLS/tpm12-nv" write 0x00a10002 v1 "$other" 2>/dev/null || fail "keyed write with another key"
	! tpm_nvwrite -i 0x00a10002 -z -f k1 >/dev/null 2>&1 || fail "keyed index written without its key"
	echo "ok: the keyed kind is written only with its key"
	tpm_nvrelease -i 0x00a10002 -y >/dev/null 2>&1 || fail "the owner cannot release the keyed index"
	tpm_nvdefine -i 0x00a10002 -s 72 -p "AUTHREAD|AUTHWRITE" -y --pwda=attacker >/dev/null 2>&1 ||
		fail "redefine with the attacker's password"
	rc=0; "$TOOLS/tpm12-nv" read 0x00a10002 72 "$key" > /dev/null 2> err || rc=$?
	[ $rc -ne 0 ] && grep -q "not the one aem defined" err || fail "a redefined keyed index was read: $(cat err)"
	echo "ok: a keyed index defined again by the owner is refused: $(cat err)"
	# Defined again with other permissions (owner-written): the public area differs.
	# (The wrong passwords above count against the dictionary-attack defence.)
	tpm_resetdalock -z >/dev/null 2>&1 || fail "tpm_resetdalock"
	tpm_nvrelease -i 0x00a10002 -y > rel.out 2>&1 || fail "release: $(cat rel.out)"
	tpm_nvdefine -i 0x00a10002 -s 72 -p "OWNERWRITE" -y >/dev/null 2>&1 || fail "define owner-written"
	rc=0; "$TOOLS/tpm12-nv" read 0x00a10002 72 "$key" > /dev/null 2> err || rc=$?
	[ $rc -ne 0 ] && grep -q "not the one aem defined" err || fail "an owner-written area was read as keyed: $(cat err)"
	rc=0; "$TOOLS/tpm12-nv" read $idx 40 "$key" > /dev/null 2> err || rc=$?
	[ $rc -ne 0 ] && grep -q "not the one aem defined" err || fail "the owner kind was read as keyed: $(cat err)"
	echo "ok: an area of other permissions is refused (public area checked)"
else
	fail "tpm12-nv define (keyed kind)"
fi

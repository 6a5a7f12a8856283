#!/usr/bin/env bash
# Freshness that an OS with the owner's rights cannot roll back (TPM 2.0).
# The attacker copies the media, lets the user boot once (the copy is now
# stale), then from another OS with the owner's authorization (empty, the
# default) puts the freshness slot's old bytes back: (1) with tpm2_nvwrite
# -C o, (2) by undefining the index and defining it again with the same
# public attributes and a password of their own, then writing the old bytes.
# (3) defines it as an owner-written index instead. Each way the genuine
# launch with the stale copy must refuse and show
# nothing. Oracles: tpm2-tools read and write the index; nothing here uses aem's
# NV code to decide what the attacker does.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
idx=0x0100ae10
"$AEM" tpm-setup >/dev/null || fail "tpm-setup"
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail "install"
grub_cfg boot
launch boot
"$AEM" secret set --text "rollback secret" >/dev/null || fail "secret set"
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail "reseal"
launch boot
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "first boot"; }
cp -a media copy                                   # the attacker's copy
tpm2_nvread -C o $idx -s 72 > old.bin || fail "the owner cannot read the slot"
launch boot
"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "user's boot"; }
cmp -s old.bin <(tpm2_nvread -C o $idx -s 72) && fail "the slot did not change on a boot"

boot_copy() { # what
	local rc=0
	launch boot
	"$AEM" boot-unseal --media copy > shown 2> copy.err || rc=$?
	[ $rc -ne 0 ] && [ ! -s shown ] || fail "$1: the stale copy unsealed: $(cat shown)"
	echo "ok: $1: refused ($(tail -n 1 copy.err))"
}

# 1. Writing the old bytes back with the owner's authorization.
if tpm2_nvwrite -C o -i old.bin $idx 2> w.err; then
	echo "the TPM accepted the owner's write of the old bytes"
else
	echo "ok: the TPM refuses the owner's write: $(head -n 1 w.err)"
fi
boot_copy "owner rewrite"

# 2. Undefine, define again with the same attributes and the attacker's
# password, write the old bytes.
attrs=$(tpm2_nvreadpublic $idx | awk '/attributes:/{getline; getline; print $2; exit}')
[ -n "$attrs" ] || fail "no attributes read"
attrs=$(printf '0x%x' $((attrs & ~0x20000000)))   # without TPMA_NV_WRITTEN
tpm2_nvundefine -C o $idx || fail "the owner cannot undefine the slot"
# An index the owner writes keeps its empty password, as it was defined; one
# written with its own password (TPMA_NV_AUTHWRITE) gets the attacker's, who
# does not know the original.
if (( attrs & 0x4 )); then
	tpm2_nvdefine -C o -s 72 -a "$attrs" -p attacker $idx >/dev/null || fail "define again ($attrs)"
	tpm2_nvwrite -C $idx -P attacker -i old.bin $idx || fail "attacker's write after the redefinition"
else
	tpm2_nvdefine -C o -s 72 -a "$attrs" $idx >/dev/null || fail "define again ($attrs)"
	tpm2_nvwrite -C o -i old.bin $idx || fail "attacker's write after the redefinition"
fi
cmp old.bin <(tpm2_nvread -C o $idx -s 72) || fail "the old bytes are not back"
boot_copy "undefine + define + old bytes"
grep -q "not the one aem defined" copy.err || fail "the refusal does not say the slot was redefined"
rc=0; launch boot; "$AEM" boot-unseal --media media > shown 2> boot.err || rc=$?
[ $rc -ne 0 ] && [ ! -s shown ] || fail "the genuine media unsealed on a redefined slot"
echo "ok: the genuine media is refused too: the user sees the tampering"

# 3. Defined again as an owner-written index (the attacker then writes it at
# will): the public area is not the keyed kind aem defines.
tpm2_nvundefine -C o $idx || fail "undefine"
tpm2_nvdefine -C o -s 72 -a "ownerwrite|ownerread|authread|no_da" $idx >/dev/null || fail "define owner-written"
tpm2_nvwrite -C o -i old.bin $idx || fail "owner write after the redefinition"
boot_copy "owner-written index with the old bytes"
grep -q "not the one aem defined" copy.err || fail "the refusal does not name the public area"

#!/usr/bin/env bash
# aem tpm-setup on a TPM 1.2 without owner: it takes ownership with a random
# owner password kept in $AEM_STATE_DIR/tpm12-owner (mode 0600) and the
# well-known SRK secret, then defines aem's identity index in NV. Checked with
# tpm-tools only: tpm_getpubek (TPM_OwnerReadPubek) accepts the stored
# password and refuses the well-known one, tpm_sealdata -z (well-known SRK)
# works, tpm_nvinfo lists the identity index. The simulator is started here
# with tpm-sim --no-owner: swtpm_setup --createek leaves the TPM enabled,
# active and unowned.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/tpm12/tpm12-common.sh"
command -v tpm_getpubek > /dev/null || fail "tpm-tools missing: run scripts/install-deps"
sim_start 1.2 "$PWD/sim" --no-owner
export AEM_TPM_FAMILY=1.2
unset AEM_OWNER_PASSWORD AEM_SRK_PASSWORD
export AEM_STATE_DIR=$PWD/state

tpm_getpubek -z > /dev/null || fail "the fresh TPM should have no owner (tpm_getpubek)"
"$AEM" tpm-setup > setup.out || fail "tpm-setup on an unowned TPM: $(cat setup.out)"
grep -q "took ownership" setup.out || fail "tpm-setup: $(cat setup.out)"
cat setup.out
assert_eq "owner password file mode" 600 "$(stat -c %a state/tpm12-owner)"
pw=$(cat state/tpm12-owner)
[[ "$pw" =~ ^[0-9a-f]{40}$ ]] || fail "owner password is not 40 hex digits: '$pw'"
# tpm_getpubek asks for the owner password on the terminal: give it a pty.
getpubek() { # password
	python3 - "$1" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("tpm_getpubek", ["tpm_getpubek"])
out = b""
sent = False
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
    if not sent and b"password" in out.lower():
        os.write(fd, sys.argv[1].encode() + b"\n"); sent = True
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
}
getpubek "$pw" > pubek.out || fail "tpm_getpubek with the stored owner password: $(cat pubek.out)"
grep -qi "public endorsement key" pubek.out || fail "tpm_getpubek: $(cat pubek.out)"
echo "ok: tpm_getpubek accepts the stored owner password"
! tpm_getpubek -z > /dev/null 2>&1 || fail "the owner password is the well-known one"
echo "ok: the well-known owner secret is refused"
head -c 32 /dev/urandom > secret
tpm_sealdata -z -i secret -o tools.sealed || fail "tpm_sealdata -z: the SRK secret is not the well-known one"
tpm_unsealdata -z -i tools.sealed -o tools.out && cmp secret tools.out || fail "tpm_unsealdata -z"
echo "ok: the SRK has the well-known secret"
idx=$(grep -o "aem identity of this TPM: [0-9a-f]*" setup.out | awk '{print $NF}')
[ ${#idx} = 40 ] || fail "no identity printed: $(cat setup.out)"
tpm_nvinfo > nvinfo.out || fail "tpm_nvinfo"
grep -q "Size *: 20 " nvinfo.out || fail "no 20-byte NV index (aem identity): $(cat nvinfo.out)"
nvi=$(awk '/NVRAM index/ {print $4; exit}' nvinfo.out)
tpm_nvread -i "$nvi" -s 20 -f nv.bin > /dev/null || fail "tpm_nvread $nvi"
assert_eq "identity in NV $nvi (tpm_nvread) = the one tpm-setup printed" "$idx" "$(xxd -p nv.bin)"
# A second run changes nothing and keeps the password.
"$AEM" tpm-setup > setup2.out || fail "second tpm-setup: $(cat setup2.out)"
grep -q "nothing changed" setup2.out || fail "second tpm-setup: $(cat setup2.out)"
grep -q "kept the aem identity of this TPM: $idx" setup2.out || fail "identity changed: $(cat setup2.out)"
assert_eq "owner password kept" "$pw" "$(cat state/tpm12-owner)"
# And a sealed round trip through aem on the new owner's SRK.
"$AEM" seal --allow-unmeasured --pcrs 0 --in secret --out s.aem || fail "seal"
"$AEM" unseal --in s.aem | cmp - secret || fail "unseal"
echo "ok: aem seal/unseal on the TPM aem took ownership of"

#!/usr/bin/env bash
# Neither the secret payload nor the 32-byte key the TPM seals ever crosses the
# TPM interface in clear, for seal and unseal.
#
# How we know the key without a debug hook in aem: the Load command aem sends
# carries the sealed object's public and private blobs (not secret: the private
# part is encrypted to the SRK). The test lifts them from the recorded traffic
# and unseals the object with tpm2-tools in a policy session WITHOUT parameter
# encryption: the TPM itself hands out the key in clear. That key is then
# searched (whole, and as any 12-byte window) in the traffic aem produced. A
# control run checks that the search does find the key in tpm2-tools' own
# unencrypted traffic, so a pass cannot come from a blind search.
# The structure is checked too: StartAuthSession salted with the SRK and
# AES-128-CFB, Create with TPMA_SESSION_DECRYPT, Unseal with TPMA_SESSION_ENCRYPT.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
seal_sim
launch
head -c 4096 /dev/urandom > secret
TCTI_PCAP_FILE=$PWD/seal.pcap "$AEM" seal --tcti "pcap:$AEM_TCTI" --in secret --out s.aem || fail seal
TCTI_PCAP_FILE=$PWD/unseal.pcap "$AEM" unseal --tcti "pcap:$AEM_TCTI" --in s.aem > out || fail unseal
cmp secret out || fail "unsealed secret differs"
tpm_stream seal.pcap > seal.txt
tpm_stream unseal.pcap > unseal.txt
[ -s seal.txt ] && [ -s unseal.txt ] || fail "nothing recorded"

# Lift the object from aem's Load command (TPM_CC_Load 0x157): header(10),
# parent handle(4), auth area (size + contents), TPM2B_PRIVATE, TPM2B_PUBLIC.
python3 - <<'PY' || fail "no Load command in the unseal traffic"
import re
for line in open("unseal.txt"):
    d, h = line.split()
    b = bytes.fromhex(h)
    if d == "C" and b[6:10] == bytes.fromhex("00000157"):
        o = 14
        o += 4 + int.from_bytes(b[o:o + 4], "big")
        n = int.from_bytes(b[o:o + 2], "big"); open("priv.bin", "wb").write(b[o:o + 2 + n]); o += 2 + n
        n = int.from_bytes(b[o:o + 2], "big"); open("pub.bin", "wb").write(b[o:o + 2 + n])
        raise SystemExit(0)
raise SystemExit(1)
PY
export TCTI_PCAP_FILE=$PWD/tools.pcap TPM2TOOLS_TCTI="pcap:$AEM_TCTI"
tpm2_load -C 0x81000001 -u pub.bin -r priv.bin -c obj.ctx >/dev/null
tpm2_startauthsession --policy-session -S sess.ctx
tpm2_policypcr -S sess.ctx -l sha256:13,17,18 >/dev/null
tpm2_unseal -c obj.ctx -p session:sess.ctx -o key.bin
tpm2_flushcontext -t
unset TCTI_PCAP_FILE; export TPM2TOOLS_TCTI=$AEM_TCTI
assert_eq "key size (from tpm2_unseal)" 32 "$(stat -c %s key.bin)"
tpm_stream tools.pcap > tools.txt

leaks() { # file with hex lines, needle file: count of 12-byte windows of the needle found
	python3 - "$1" "$2" <<'PY'
import sys
stream = b"".join(bytes.fromhex(l.split()[1]) for l in open(sys.argv[1]))
needle = open(sys.argv[2], "rb").read()
print(sum(1 for i in range(0, len(needle) - 11) if needle[i:i + 12] in stream))
PY
}
[ "$(leaks tools.txt key.bin)" -gt 0 ] || fail "control: the key is not found in tpm2-tools' clear traffic"
echo "ok: control: the search finds the key in unencrypted traffic"
assert_eq "key windows in aem seal traffic" 0 "$(leaks seal.txt key.bin)"
assert_eq "key windows in aem unseal traffic" 0 "$(leaks unseal.txt key.bin)"
assert_eq "payload windows in aem seal traffic" 0 "$(leaks seal.txt secret)"
assert_eq "payload windows in aem unseal traffic" 0 "$(leaks unseal.txt secret)"

# Session structure, read from the bytes on the wire.
python3 - <<'PY' || fail "session structure"
def cmds(f):
    for l in open(f):
        d, h = l.split()
        if d == "C":
            b = bytes.fromhex(h); yield b[6:10].hex(), b
def sess_attrs(b):  # first session of a command with one handle
    o = 10 + 4 + 4 + 4            # header, handle, authSize, session handle
    n = int.from_bytes(b[o:o + 2], "big")
    return b[o + 2 + n]
for f, cc, bit, name in (("seal.txt", "00000153", 0x20, "Create decrypt"),
                         ("unseal.txt", "0000015e", 0x40, "Unseal encrypt")):
    found = [sess_attrs(b) for c, b in cmds(f) if c == cc]
    assert found and all(a & bit for a in found), name
    print("ok:", name, "attribute set")
for f in ("seal.txt", "unseal.txt"):
    for c, b in cmds(f):
        if c != "00000176":
            continue
        assert b[10:14] == bytes.fromhex("81000001"), "tpmKey is the SRK"
        o = 18; o += 2 + int.from_bytes(b[o:o + 2], "big")       # nonceCaller
        salt = int.from_bytes(b[o:o + 2], "big"); o += 2 + salt
        assert salt > 0, "salted"
        assert b[o + 1:o + 7] == bytes.fromhex("000600800043"), "AES-128-CFB"
    print("ok:", f, "sessions salted with the SRK, AES-128-CFB")
PY

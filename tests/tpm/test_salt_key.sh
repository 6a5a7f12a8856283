#!/usr/bin/env bash
# The salt key is verified (TPM 2.0). aem tpm-setup records the name of the
# storage root key it made; every unseal compares the key at 0x81000001 with
# it before a session is salted with that key. An interposer (here: another
# primary key of the same template made persistent at the handle, as an
# active attacker on the bus would answer ReadPublic with a key of theirs)
# must meet a refusal that says why, and no TPM2_StartAuthSession may have
# been sent. Oracles: tpm2_readpublic gives the key's name; the commands sent
# are read from the traffic recorded by tpm2-tss's pcap TCTI.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
export AEM_STATE_DIR=$PWD/state
seal_sim
launch
tpm2_readpublic -c 0x81000001 -n srk.name >/dev/null || fail "tpm2_readpublic"
[ -f state/tpm2-srk.name ] || fail "tpm-setup recorded no storage root key name"
assert_eq "recorded name" "$(xxd -p -c 64 srk.name)" "$(head -c 68 state/tpm2-srk.name)"
echo "ok: tpm-setup records the name tpm2_readpublic gives"
head -c 64 /dev/urandom > secret
"$AEM" seal --in secret --out s.aem || fail "seal"
"$AEM" unseal --in s.aem | cmp - secret || fail "unseal with aem's key"
echo "ok: unseal with the recorded key"

# The interposed key: same template (ECC P-256, AES-128-CFB, restricted
# decrypt, no DA) with tpm2-tools' empty unique value instead of aem's
# zero-filled one: another key, another name.
tpm2_evictcontrol -C o -c 0x81000001 >/dev/null || fail "evict aem's key"
tpm2_createprimary -C o -g sha256 -G ecc256:null:aes128cfb \
	-a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt" \
	-c other.ctx >/dev/null || fail "createprimary"
tpm2_evictcontrol -C o -c other.ctx 0x81000001 >/dev/null || fail "persist the other key"
tpm2_readpublic -c 0x81000001 -n other.name >/dev/null
[ "$(xxd -p -c 64 other.name)" != "$(xxd -p -c 64 srk.name)" ] || fail "the other key has the same name"

rm -f rec.pcap
rc=0
TCTI_PCAP_FILE=$PWD/rec.pcap "$AEM" unseal --tcti "pcap:$AEM_TCTI" --in s.aem > out 2> err || rc=$?
assert_eq "exit status (4: the TPM is not set up for aem)" 4 "$rc"
[ ! -s out ] || fail "unseal wrote $(stat -c %s out) bytes with the interposed key"
grep -q "not the one 'aem tpm-setup' recorded" err || { cat err; fail "the refusal does not say why"; }
tpm_commands rec.pcap > cmds
! grep -qi '^00000176$' cmds || fail "a session was salted with the interposed key (TPM2_StartAuthSession sent): $(tr '\n' ' ' < cmds)"
echo "ok: refused before any session: $(head -n 1 err)"
echo "ok: commands sent: $(tr '\n' ' ' < cmds)"

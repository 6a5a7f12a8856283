#!/usr/bin/env bash
# The TPM 2.0 owner password never crosses the bus in a password session, nor
# the key of a keyed NV index (the freshness slot): aem tpm-setup (storage
# root key, identity index) and aem install (the slot, defined with its key)
# run on a TPM whose owner password is set, with every byte sent to the TPM
# recorded by tpm2-tss's pcap TCTI; neither the password nor the slot key (in
# the media record) may appear in the commands. Oracle: tpm2_changeauth sets
# the password; the recording is read by the test's own pcap reader.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
sim_start 2.0
pw=owner-password-4f2a9c
tpm2_changeauth -c o "$pw" || fail "tpm2_changeauth"
export AEM_OWNER_PASSWORD=$pw TCTI_PCAP_FILE=$PWD/rec.pcap
"$AEM" tpm-setup --tcti "pcap:$AEM_TCTI" > setup.out || { cat setup.out; fail "tpm-setup with an owner password"; }
mkdir media
"$AEM" install --tcti "pcap:$AEM_TCTI" --uuid 11111111-2222-3333-4444-555555555555 media > install.out ||
	{ cat install.out; fail "install with an owner password"; }
unset TCTI_PCAP_FILE
key=$(sed -n 's/^slot_key=//p' state/media/@.conf)
[ ${#key} = 64 ] || fail "no slot key in the media record"
tpm_stream rec.pcap | awk '$1 == "C" {print $2}' > cmds.hex
[ -s cmds.hex ] || fail "nothing recorded"
pwhex=$(printf '%s' "$pw" | xxd -p | tr -d '\n')
! grep -q "$pwhex" cmds.hex || fail "the owner password crossed the bus in clear"
! grep -q "$key" cmds.hex || fail "the slot key crossed the bus in clear"
echo "ok: $(wc -l < cmds.hex) commands recorded; neither the owner password nor the slot key is in them"
tpm2_nvreadpublic 0x0100ae10 > pub.txt; grep -q authwrite pub.txt || fail "the slot is not keyed"
echo "ok: tpm-setup and install work with an owner password"

#!/usr/bin/env bash
# TPM 2.0: `aem totp init` (answered with oathtool's code for the URI it prints)
# seals a fresh 160-bit key as a TPM HMAC object; `aem totp code` then equals
# `oathtool --totp` for SHA-1 and SHA-256, 6 and 8 digits, at many times,
# also after a power cycle and the same emulated launch. The code is computed
# BY THE TPM: the recorded traffic has TPM2_HMAC and no TPM2_Unseal, and the
# key never appears on the wire (neither at init nor at code).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/seal/seal-common.sh"
. "$AEM_SRC/tests/totp/totp-common.sh"
need_oathtool
seal_sim
launch
export AEM_RECOVERY_PASSWORD=correct-horse
n=0
for combo in "sha1 6" "sha256 8" "sha1 8" "sha256 6"; do
	set -- $combo
	rc=0; TCTI_PCAP_FILE=$PWD/init.$1.$2.pcap init_confirmed --tcti "pcap:$AEM_TCTI" \
		--out t.$1.$2.aem --algorithm "$1" --digits "$2" --ascii || rc=$?
	[ $rc -eq 0 ] || { cat init.err; fail "init $combo: exit $rc"; }
	uri=$(head -n 1 init.out)
	cp init.out init.$1.$2.out
	case "$uri" in otpauth://totp/*) ;; *) fail "first line is not the URI: $uri" ;; esac
	assert_eq "$combo: key length (bytes)" 20 $(( $(uri_hex "$uri" | wc -c) / 2 ))
	grep -q '##' init.out || fail "no QR code after the URI"
	[ -s t.$1.$2.aem.recovery ] || fail "no recovery copy next to t.$1.$2.aem"
	for t in 0 59 1111111109 1234567890 2000000000 20000000000 $(date +%s); do
		got=$("$AEM" totp code --in t.$1.$2.aem --time "$t") || fail "code $combo at $t"
		want=$(oath "$uri" "$t")
		[ "$got" = "$want" ] || fail "$combo at $t: aem $got, oathtool $want"
		n=$((n + 1))
	done
	echo "$uri" > uri.$1.$2
done
echo "ok: $n TPM-computed codes equal oathtool's"

# The traffic: TPM2_HMAC (0x155) computes the code, no TPM2_Unseal (0x15e),
# and the key is never on the wire, at init (Create) nor at code.
uri=$(cat uri.sha256.8); key=$(uri_hex "$uri")
TCTI_PCAP_FILE=$PWD/code.pcap "$AEM" totp code --tcti "pcap:$AEM_TCTI" --in t.sha256.8.aem > /dev/null || fail "code via pcap"
cmds=$(tpm_commands code.pcap | tr '\n' ' ')
case " $cmds " in *" 00000155 "*) echo "ok: TPM2_HMAC in the code traffic" ;; *) fail "no TPM2_HMAC: $cmds" ;; esac
case " $cmds " in *" 0000015e "*) fail "TPM2_Unseal in the code traffic: $cmds" ;; esac
for f in code.pcap init.sha256.8.pcap; do
	tpm_stream "$f" | grep -qi "$key" && fail "the key crosses the TPM interface in clear ($f)"
done
# Control: the search finds the key where it is in clear (the URI's hex).
printf 'C 00%s00\n' "$key" | grep -qi "$key" || fail "control search"
echo "ok: the key is not in the recorded traffic"
assert_eq "transient objects left in the TPM" "" "$(tpm2_getcap handles-transient)"
assert_eq "sessions left in the TPM" "" "$(tpm2_getcap handles-loaded-session)"

# Power cycle and the same launch: the same codes.
launch
for combo in sha1.6 sha256.8; do
	t=$(date +%s)
	got=$("$AEM" totp code --in t.$combo.aem --time "$t") || fail "code after reboot ($combo)"
	assert_eq "after reboot + same launch ($combo)" "$(oath "$(cat uri.$combo)" "$t")" "$got"
done

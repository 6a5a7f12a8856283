# Helpers of the seal suite (sourced by tests/seal/test_*.sh after common.sh).
#   seal_sim                 simulator in ./sim with aem's SRK (aem tpm-setup)
#   launch [KERNEL_CMDLINE]  reboot + emulated TXT launch of the fixtures + the
#                            PCR 13 extend the initramfs hook would do ($LUKS13)
F=$AEM_FIXTURES
AEM=$AEM_BUILD/aem
LUKS13=${LUKS13:-$(printf 'luks header' | sha256sum | cut -c1-64)}
head -c 8192 /dev/urandom > sinit.bin

seal_sim() {
	need_fixtures
	sim_start 2.0
	"$AEM" tpm-setup >/dev/null || fail "aem tpm-setup"
}

launch() { # [kernel cmdline] [sinit] [pcr13 digest]
	local kcmd=${1:-placeholder root=/dev/mapper/dom0-root ro quiet} sinit=${2:-sinit.bin}
	local d13=${3:-$LUKS13}
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit "$sinit" --tboot "$F/tboot.gz" \
		--module "$F/xen.gz" "placeholder console=none dom0_mem=max:4096M" \
		--module "$F/vmlinuz" "$kcmd" \
		--module "$F/initrd.img" "" --log launch.log >/dev/null
	tpm2_pcrextend "13:sha256=$d13" >/dev/null
}

# Run aem unseal expecting a refusal: exit status $1, empty stdout, stderr in unseal.err.
expect_refusal() { # status args...
	local want=$1 rc=0; shift
	"$AEM" unseal "$@" > unseal.out 2> unseal.err || rc=$?
	assert_eq "unseal exit status ($*)" "$want" "$rc"
	[ ! -s unseal.out ] || fail "unseal wrote $(stat -c %s unseal.out) bytes to stdout on failure"
}

# The TPM traffic recorded by tpm2-tss's pcap TCTI (TCTI "pcap:CHILD", file in
# env TCTI_PCAP_FILE), one line per TPM command ("C hex") or response ("R hex").
# A pcapng reader of its own: IPv4/TCP packets to/from the simulated TPM port 2321.
tpm_stream() { # file.pcap
	python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
off = 0
while off + 12 <= len(data):
    btype, blen = struct.unpack_from("<II", data, off)
    if blen < 12 or off + blen > len(data):
        sys.exit("truncated pcapng block at %d" % off)
    if btype == 6:  # Enhanced Packet Block
        caplen = struct.unpack_from("<I", data, off + 20)[0]
        pkt = data[off + 28: off + 28 + caplen]
        ihl = (pkt[0] & 15) * 4
        sport, dport = struct.unpack_from(">HH", pkt, ihl)
        thl = (pkt[ihl + 12] >> 4) * 4
        payload = pkt[ihl + thl:]
        print(("C " if dport == 2321 else "R ") + payload.hex())
    off += blen
PY
}
# Command codes (hex, 8 digits) of the recorded commands, one per line.
tpm_commands() { # file.pcap
	tpm_stream "$1" | awk '$1 == "C" {print substr($2, 13, 8)}'
}

# Helpers of the tpm12 suite (sourced by tests/tpm12/test_*.sh after
# tests/lib/common.sh). Everything that computes an expected value here uses
# tools that are not aem: tboot's tb_polgen (inside txt-launch), libtspi
# (tspi-pcrs, tspi-extend), openssl, python3 for byte layouts.
#   sim12                    TPM 1.2 simulator in ./sim (swtpm + tcsd, owned, well-known secrets)
#   launch12                 power cycle + emulated TXT launch of $XEN $KERNEL $INITRD (with
#                            $XCMD $KCMD, $SINIT, $TBOOT, mapping $MAP) + PCR 13 <- $LUKS13
#   pcr_hex P                PCR P as read by libtspi
#   expect_refusal RC ARGS   aem unseal ARGS must exit RC with nothing on stdout
F=$AEM_FIXTURES
AEM=$AEM_BUILD/aem
ZERO40=$(printf '0%.0s' $(seq 40))
FF40=$(printf 'f%.0s' $(seq 40))
LUKS13=${LUKS13:-$(printf 'luks header' | openssl dgst -sha1 -r | cut -c1-40)}
head -c 8192 /dev/urandom > sinit.bin
SINIT=$PWD/sinit.bin TBOOT=$F/tboot.gz MAP=legacy
XEN=$F/xen.gz XCMD="placeholder console=none dom0_mem=max:4096M"
KERNEL=$F/vmlinuz KCMD="placeholder root=/dev/mapper/dom0-root ro quiet"
INITRD=$F/initrd.img

sim12() {
	need_fixtures
	command -v tpm_sealdata >/dev/null || fail "tpm-tools missing: run scripts/install-deps"
	# tpm-sim picks free ports, but another process may take one before tcsd
	# binds it (tcsd then fails, and taking ownership with it): try again.
	local try
	for try in 1 2 3; do
		sim_start 1.2 "$PWD/sim$try"
		[ "${AEM_TPM_FAMILY:-}" = 1.2 ] && return 0
		echo "tpm-sim start failed (try $try of 3)" >&2
	done
	fail "tpm-sim could not start a TPM 1.2 simulator"
}

launch12() {
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --pcr-map "$MAP" --sinit "$SINIT" --tboot "$TBOOT" \
		--module "$XEN" "$XCMD" --module "$KERNEL" "$KCMD" --module "$INITRD" "" \
		--log launch.log >/dev/null
	"$TOOLS/tspi-extend" 13 "$LUKS13" >/dev/null
}

pcr_hex() { pcr_tpm12 "$1"; }

expect_refusal() { # status args...
	local want=$1 rc=0; shift
	"$AEM" unseal "$@" > unseal.out 2> unseal.err || rc=$?
	[ "$rc" = "$want" ] || { cat unseal.err >&2; fail "unseal $*: exit $rc, expected $want"; }
	[ ! -s unseal.out ] || fail "unseal wrote $(stat -c %s unseal.out) bytes to stdout on failure"
	echo "ok: unseal $* refused with exit $rc"
}

# Fields of an aem sealed file (layout of docs/sealed-format.md), read by
# python3: "family bank mask policy_hex blob_priv_hex" and one "pcr value" line
# per expected value.
sealed_fields() { # file
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89AEMSEAL", "magic"
fam = d[10]
bank, mask = struct.unpack_from(">HI", d, 20)
size = {4: 20, 11: 32, 12: 48, 13: 64}[bank]
off = 26
vals = []
for i in range(24):
    if mask >> i & 1:
        vals.append((i, d[off:off + size].hex())); off += size
plen, = struct.unpack_from(">H", d, off); off += 2
policy = d[off:off + plen].hex(); off += plen + 16
publen, = struct.unpack_from(">H", d, off); off += 2 + publen
privlen, = struct.unpack_from(">H", d, off); off += 2
priv = d[off:off + privlen].hex()
print(fam, bank, mask, policy, priv)
for i, v in vals:
    print(i, v)
PY
}

# digestAtRelease inside a TPM_STORED_DATA12 blob (TPM 1.2 spec part 2):
# tag 0016, et, sealInfoSize, TPM_PCR_INFO_LONG {tag 0006, locC, locR,
# creation selection, release selection, digestAtCreation, digestAtRelease}.
blob_release() { # hex blob -> "release_mask_hex locality digest_hex"
	python3 - "$1" <<'PY'
import struct, sys
b = bytes.fromhex(sys.argv[1])
tag, et, isz = struct.unpack_from(">HHI", b, 0)
assert tag == 0x16, "not TPM_STORED_DATA12"
o = 8
itag, locc, locr = struct.unpack_from(">HBB", b, o); o += 4
assert itag == 6, "not TPM_PCR_INFO_LONG"
n, = struct.unpack_from(">H", b, o); o += 2 + n
n, = struct.unpack_from(">H", b, o); rel = b[o + 2:o + 2 + n]; o += 2 + n
o += 20
print(rel[::-1].hex(), locr, b[o:o + 20].hex())
PY
}

# The TPM_PCR_COMPOSITE hash of PCRs (list) at the values libtspi reads now,
# with openssl: be16(3) || 3 select bytes || be32(20n) || values.
composite_now() { # pcr...
	local p mask=0 vals=""
	for p in "$@"; do mask=$((mask | 1 << p)); vals+=$(pcr_hex "$p"); done
	{ printf '0003%02x%02x%02x%08x' $((mask & 255)) $((mask >> 8 & 255)) $((mask >> 16 & 255)) \
		$((20 * $#)); echo -n "$vals"; } | xxd -r -p | openssl dgst -sha1 -r | cut -c1-40
}

# The composite hash of given values, with openssl: args "pcr=hex" ascending.
composite_of() {
	local a mask=0 vals="" n=0
	for a in "$@"; do mask=$((mask | 1 << ${a%%=*})); vals+=${a#*=}; n=$((n + 1)); done
	{ printf '0003%02x%02x%02x%08x' $((mask & 255)) $((mask >> 8 & 255)) $((mask >> 16 & 255)) \
		$((20 * n)); echo -n "$vals"; } | xxd -r -p | openssl dgst -sha1 -r | cut -c1-40
}

#!/usr/bin/env bash
# The emulated TXT launch on a TPM 2.0 simulator: PCRs read with tpm2-tools equal an
# independent replay of the log it wrote (tpm2_eventlog); a reboot resets 17-22.
. "$AEM_SRC/tests/lib/common.sh"
need_fixtures
F=$AEM_FIXTURES
sim_start 2.0
ff64=$(printf 'f%.0s' $(seq 64))

for p in 17 18 19 20 21 22; do assert_eq "PCR $p after power-on" "$ff64" "$(pcr_tpm2 sha256 $p)"; done

head -c 8192 /dev/urandom > sinit.bin
txt-launch --dir "$AEM_SIM_DIR" --sinit sinit.bin --tboot "$F/tboot.gz" \
	--module "$F/xen.gz" "placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M" \
	--module "$F/vmlinuz" "placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1234 rhgb quiet" \
	--module "$F/initrd.img" "" --log log.bin

tpm2_eventlog log.bin > log.yaml || fail "tpm2_eventlog cannot parse the emulated log"
for bank in sha1 sha256; do
	for p in 17 18; do
		replay=$(awk -v b="$bank:" -v p="$p" '
			/^pcrs:/ {inp=1; next} inp && $1 == b {inb=1; next}
			inp && inb && $1 == p {print substr($3, 3); exit}
			inp && inb && $1 ~ /^sha/ {inb=0}' log.yaml)
		assert_eq "$bank PCR $p = replay of the log" "$replay" "$(pcr_tpm2 $bank $p)"
	done
done
pcr17=$(pcr_tpm2 sha256 17)
assert_ne "PCR 17 measured" "$ff64" "$pcr17"
assert_eq "PCR 19 untouched on TPM 2.0" "$(printf '0%.0s' $(seq 64))" "$(pcr_tpm2 sha256 19)"

# tboot's default policy entry, as found in a real tboot log from Intel hardware.
# The first tboot (0x501) event of the real log is the policy entry into PCR 17.
real=$AEM_SRC/tests/unit/data/intel-tboot-tpm2-tcg.bin   # provenance: tests/unit/data/README.md
[ -f "$real" ] || fail "real log fixture $real missing"
real_p=$(tpm2_eventlog "$real" 2>/dev/null | awk '/DigestCount: 1/ {one=1} one && /Digest: "/ {gsub(/"/, "", $2); print $2; exit}')
[ ${#real_p} -eq 64 ] || fail "no single-digest tboot event in $real"
grep -q "$real_p" log.yaml || fail "policy entry of the emulated launch differs from real tboot's ($real_p)"
echo "ok: policy entry equals the one in a real tboot log"
# tboot's events carry one digest (sha256) only: extpol=sha256
n501=$(grep -c 'DigestCount: 1' log.yaml)
assert_eq "tboot events with a single digest" 5 "$n501"

# Same files again: same PCRs. A changed command line: different PCR 17.
tpm-sim reboot --dir "$AEM_SIM_DIR"
for p in 17 18 19 20 21 22; do assert_eq "PCR $p after reboot" "$ff64" "$(pcr_tpm2 sha256 $p)"; done
txt-launch --dir "$AEM_SIM_DIR" --sinit sinit.bin --tboot "$F/tboot.gz" \
	--module "$F/xen.gz" "placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M" \
	--module "$F/vmlinuz" "placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1234 rhgb quiet" \
	--module "$F/initrd.img" "" --log log2.bin
assert_eq "same launch, same PCR 17" "$pcr17" "$(pcr_tpm2 sha256 17)"
cmp -s log.bin log2.bin || fail "same launch wrote a different log"
tpm-sim reboot --dir "$AEM_SIM_DIR"
txt-launch --dir "$AEM_SIM_DIR" --sinit sinit.bin --tboot "$F/tboot.gz" \
	--module "$F/xen.gz" "placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M" \
	--module "$F/vmlinuz" "placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1234 single" \
	--module "$F/initrd.img" "" --log log3.bin
assert_ne "kernel cmdline changed, PCR 17 changed" "$pcr17" "$(pcr_tpm2 sha256 17)"

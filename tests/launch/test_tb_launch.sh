#!/usr/bin/env bash
# The emulated TrenchBoot launch (tb-launch), all four variants, on a TPM 2.0 and a
# TPM 1.2 simulator: the PCRs read with tpm2-tools / libtspi equal an independent
# replay of the log it wrote (tpm2_eventlog; hashlib for TPM 1.2), PCRs 19-22 stay
# zero, and the digests of the rules checked against a real log (drtm-tests' A1, AMD
# UEFI, v0.5.3-rc1: docs/measurement.md) come out as on hardware.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/launch/tb-lib.sh"
need_fixtures
TB_DIR=$PWD/files
tb_files "$TB_DIR" 1
zero40=$(printf '0%.0s' $(seq 40)) zero64=$(printf '0%.0s' $(seq 64))
ff64=$(printf 'f%.0s' $(seq 64))

sim_start 2.0
for v in intel-mb2 amd-mb2 intel-efi amd-efi; do
	tb_launch "$v" 1 "$v.log"
	for bank in sha1 sha256; do
		for p in 17 18; do
			assert_eq "$v: $bank PCR $p = tpm2_eventlog's replay" \
				"$(tb_replay2 "$v.log" $bank $p)" "$(pcr_tpm2 $bank $p)"
		done
	done
	for p in 19 20 21 22; do assert_eq "$v: PCR $p stays zero" "$zero64" "$(pcr_tpm2 sha256 $p)"; done
	assert_ne "$v: PCR 17 measured" "$ff64" "$(pcr_tpm2 sha256 17)"
done
# Same files, same PCR 17 on the BIOS path (nothing boot-time in it).
tb_launch amd-mb2 1 again.log
a17=$(pcr_tpm2 sha256 17)
tb_launch amd-mb2 1 again2.log
assert_eq "amd-mb2: the same launch twice gives the same PCR 17" "$a17" "$(pcr_tpm2 sha256 17)"

# The rules against the real log A1 (AMD, UEFI, v0.5.3-rc1): the DLME entry offset of
# u32 0x00626794, the AMD info record of an SKL whose bootloader_data_offset is 0xe4d4,
# the module string of meta-trenchboot's xen.cfg kernel line (digest prefixes from
# the real log, sha1 and sha256).
mkdir -p a1
tb-gen xen-efi --from "$AEM_FIXTURES/xen.gz" --entry 0x00626794 --out a1/xen.efi
cp "$AEM_FIXTURES/vmlinuz" a1/bzImage
cat > a1/xen.cfg <<-CFG
[global]
default=xen

[xen]
options=console=tty0 console=com1 com1=115200,8n1 no-real-mode edd=off
kernel=bzImage rootwait root=LABEL=root rootfstype=ext4 console=ttyS0,115200 earlyprintk=serial,ttyS0,115200
CFG
tpm-sim reboot --dir "$AEM_SIM_DIR"
tb-launch --dir "$AEM_SIM_DIR" --variant amd-efi --dce "$TB_DIR/skl.bin" --xen a1/xen.efi \
	--xen-cfg a1/xen.cfg --log a1.log
tpm2_eventlog a1.log > a1.yaml
for d in 2aa0baf3 60bd6370 2994b35e 7375279d 878c18de 48fb8fce; do
	grep -q "Digest: \"$d" a1.yaml || fail "a digest of the real log A1 ($d...) is not in the emulated one"
done
echo "ok: DLME entry offset, SLRT AMD info and module string digests equal the real log A1's"

# TPM 1.2: SHA-1 only; Intel writes a TXT container, SKL a TCG 1.2 header wrapping one.
sim_start 1.2 "$PWD/sim12"
for v in intel-mb2 amd-mb2 intel-efi amd-efi; do
	tb_launch "$v" 1 "$v-12.log"
	while read -r p val; do
		assert_eq "TPM 1.2 $v: PCR $p = replay of the log" "$val" "$(pcr_tpm12 "$p")"
	done < <(tb_replay12 "$v-12.log")
	assert_eq "TPM 1.2 $v: PCR 19 stays zero" "$zero40" "$(pcr_tpm12 19)"
done

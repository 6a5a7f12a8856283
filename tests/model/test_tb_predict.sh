#!/usr/bin/env bash
# TrenchBoot prediction against the emulated launch, per variant: launch build 1, predict
# build 2 (a changed Xen, kernel, initramfs and command lines) from that log and the
# new files, launch build 2: every PCR aem predicts equals the simulator's (both banks),
# every other is named as unknown (stderr, JSON) with exit status 10. Tampered files
# launched instead: the prediction differs. A grub.cfg slaunch entry is predicted with
# TrenchBoot's model (it used to be tboot's, silently).
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/launch/tb-lib.sh"
need_fixtures
AEM=${AEM_UNDER_TEST:-$AEM_BUILD/aem}   # AEM_UNDER_TEST: run against another build
TB_DIR=$PWD/files
tb_files "$TB_DIR" 1
tb_files "$TB_DIR" 2 "placeholder root=/dev/mapper/qubes_dom0-root ro aem.uuid=build-2 quiet"
D=$TB_DIR

predict() { # variant log bank [more aem predict options] -> prints; sets $prc
	local v=$1 log=$2 bank=$3
	shift 3
	prc=0
	case "$v" in
	*-efi) "$AEM" predict --event-log "$log" --bank "$bank" --xen "$D/esp-2/xen.efi" "$@" \
		2> err.txt || prc=$? ;;
	*) "$AEM" predict --event-log "$log" --bank "$bank" --xen "$D/xen-2.gz" \
		--module "$D/vmlinuz-2" --cmdline "$(cat "$D/kcmd-2")" --module "$D/initrd-2.img" "$@" \
		2> err.txt || prc=$? ;;
	esac
}
json_pcr() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["pcrs"].get(sys.argv[2], ""))' "$@"; }
json_unknown() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(d["unknown"])))' "$1"; }

check_variant() { # variant family [notamper]: the whole round for one variant on the running sim
	local v=$1 fam=$2 banks known unknown why p bank
	case "$fam" in 2.0) banks="sha1 sha256" ;; *) banks=sha1 ;; esac
	case "$v" in
	*-mb2) known=17 unknown=18 why="PCR 18: the multiboot2 information GRUB builds at boot cannot be computed from files" ;;
	amd-efi) known=18 unknown=17 why="PCR 17: the DLME is the xen.efi image as it runs" ;;
	intel-efi) known=18 unknown=17 why="PCR 17: SINIT's MLE hash covers the xen.efi image as it runs" ;;
	esac
	tb_launch "$v" 1 "$v-$fam-old.log"
	for bank in $banks; do
		predict "$v" "$v-$fam-old.log" $bank --format json --output "pred-$bank.json"
		assert_eq "$v TPM $fam $bank: exit status 10 (partial)" 10 "$prc"
		grep -q "^$why" err.txt || { cat err.txt; fail "$v: stderr does not name PCR $unknown"; }
		assert_eq "$v TPM $fam $bank: one line per unknown PCR" 1 "$(grep -c '^PCR ' err.txt)"
		assert_eq "$v TPM $fam $bank: JSON names PCR $unknown unknown" "$unknown" "$(json_unknown "pred-$bank.json")"
		assert_eq "$v TPM $fam $bank: JSON gives no value for PCR $unknown" "" "$(json_pcr "pred-$bank.json" $unknown)"
	done
	tb_launch "$v" 2 "$v-$fam-new.log"
	for bank in $banks; do
		for p in $known 19; do
			if [ "$fam" = 2.0 ]; then got=$(pcr_tpm2 $bank $p); else got=$(pcr_tpm12 $p); fi
			assert_eq "$v TPM $fam $bank: predicted PCR $p = the launch of the new files" \
				"$(json_pcr "pred-$bank.json" $p)" "$got"
		done
	done
	b=${banks##* }
	[ "${3:-}" = notamper ] && return 0
	predict "$v" "$v-$fam-old.log" $b --format json --output pred.json
	# Tamper: the launch differs from what was predicted.
	case "$v" in
	*-mb2)  # a kernel with one byte changed
		cp "$D/vmlinuz-2" "$D/vmlinuz-2.good"
		printf 'X' | dd of="$D/vmlinuz-2" bs=1 seek=4096 conv=notrunc status=none
		tb_launch "$v" 2 "$v-$fam-tampered.log"
		mv "$D/vmlinuz-2.good" "$D/vmlinuz-2" ;;
	*-efi)  # an extra kernel option written into xen.cfg
		cp "$D/esp-2/xen.cfg" "$D/esp-2/xen.cfg.good"
		sed -i 's/^\( *kernel=.*\)$/\1 init=\/bin\/sh/' "$D/esp-2/xen.cfg"
		tb_launch "$v" 2 "$v-$fam-tampered.log"
		mv "$D/esp-2/xen.cfg.good" "$D/esp-2/xen.cfg" ;;
	esac
	if [ "$fam" = 2.0 ]; then got=$(pcr_tpm2 $b $known); else got=$(pcr_tpm12 $known); fi
	assert_ne "$v TPM $fam: tampered launch differs from the prediction in PCR $known" \
		"$(json_pcr pred.json $known)" "$got"
	# ... and the diagnosis names the component.
	rc=0; "$AEM" verify --event-log "$v-$fam-tampered.log" --expect pred.json > verify.txt || rc=$?
	assert_eq "$v: verify of the tampered launch: mismatch" 5 "$rc"
	case "$v" in
	*-mb2) want="differs: PCR 17: MB module 1 (vmlinuz-2) differs from the sealed boot" ;;
	*-efi) want="differs: PCR 18: the module string 1 (vmlinuz-$TB_KVER) differs from the sealed boot" ;;
	esac
	grep -qxF "$want" verify.txt || { cat verify.txt; fail "$v: the diagnosis does not say: $want"; }
	echo "ok: $v: $want"
}

sim_start 2.0
for v in intel-mb2 amd-mb2 intel-efi amd-efi; do check_variant "$v" 2.0; done

# A Xen without a TrenchBoot MLE header (Debian's) is refused, with a sentence.
rc=0; "$AEM" predict --event-log amd-mb2-2.0-old.log --xen "$AEM_FIXTURES/xen.gz" 2> err.txt || rc=$?
assert_eq "Debian's xen.gz (no MLE header): input error" 3 "$rc"
grep -q "MLE header" err.txt || fail "the refusal does not say why: $(cat err.txt)"

# A grub.cfg slaunch entry (BIOS and UEFI): TrenchBoot's model, same values as above.
mkdir -p boot/EFI/qubes
cp "$D/xen-2.gz" boot/xen-2.gz; cp "$D/vmlinuz-2" boot/; cp "$D/initrd-2.img" boot/; cp "$D/skl.bin" boot/
cp "$D/esp-2/"* boot/EFI/qubes/
mv boot/EFI/qubes/xen.efi boot/EFI/qubes/xen-4.19.efi; mv boot/EFI/qubes/xen.cfg boot/EFI/qubes/xen-4.19.cfg
cat > grub.cfg <<-CFG
menuentry 'Qubes, with Xen 4.19 and Linux $TB_KVER (TrenchBoot AEM)' {
	echo 'Enabling slaunch ...'
	slaunch
	multiboot2 /xen-2.gz placeholder console=none no-real-mode edd=off
	module2 /vmlinuz-2 $(cat "$D/kcmd-2")
	module2 /initrd-2.img
	slaunch_module /skl.bin
}
menuentry 'Qubes, UEFI (TrenchBoot AEM)' {
	slaunch
	chainloader /EFI/qubes/xen-4.19.efi vmlinuz-$TB_KVER
	slaunch_module (hd0,gpt2)/skl.bin
}
CFG
tb_launch amd-mb2 1 mb2-old.log
rc=0; "$AEM" predict --event-log mb2-old.log --grub-cfg grub.cfg --entry 0 --boot-dir "$PWD/boot" \
	--format json --output grub.json 2> err.txt || rc=$?
assert_eq "grub.cfg slaunch entry: exit status 10 (TrenchBoot's model, PCR 18 named)" 10 "$rc"
grep -q '^PCR 18: the multiboot2 information' err.txt || fail "PCR 18 not named: $(cat err.txt)"
tb_launch amd-mb2 2 mb2-new.log
assert_eq "grub.cfg slaunch entry: predicted PCR 17 = the launch" "$(json_pcr grub.json 17)" "$(pcr_tpm2 sha256 17)"
tb_launch amd-efi 1 efi-old.log
rc=0; "$AEM" predict --event-log efi-old.log --grub-cfg grub.cfg --entry 1 --boot-dir "$PWD/boot" \
	--format json --output grub-efi.json 2> err.txt || rc=$?
assert_eq "grub.cfg UEFI slaunch entry: exit status 10" 10 "$rc"
grep -q '^PCR 17: the DLME' err.txt || fail "PCR 17 not named: $(cat err.txt)"
tb_launch amd-efi 2 efi-new.log
assert_eq "grub.cfg UEFI slaunch entry: predicted PCR 18 = the launch" "$(json_pcr grub-efi.json 18)" "$(pcr_tpm2 sha256 18)"

# TPM 1.2 (SHA-1).
sim_start 1.2 "$PWD/sim12"
for v in intel-mb2 intel-efi amd-mb2 amd-efi; do
	tb_launch "$v" 1 probe.log
	if [ "${v%%-*}" = amd ] && ! "$AEM" log --event-log probe.log > /dev/null 2>&1; then
		echo "not yet: $v on TPM 1.2 needs the parser of SKL's TCG 1.2 log header (aem log cannot read it)"
		continue
	fi
	check_variant "$v" 1.2 notamper   # the tamper cases ran on TPM 2.0
done

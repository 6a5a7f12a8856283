#!/usr/bin/env bash
# Acceptance of the measured-launch model against the emulated TXT launch
# (tests/launch/txt-launch, whose digests come from tboot's own tb_polgen and
# lcp2_mlehash): for TPM 2.0 and TPM 1.2 in both mappings, with the real Debian xen.gz,
# vmlinuz and initrd.img and Qubes-style command lines,
#  1. aem predict from the launch's log + the same files == the PCRs the TPM reports;
#  2. aem predict from the OLD log + NEW files (a changed initrd, a changed kernel command
#     line, a changed tboot) == the PCRs after a launch of the new files;
#  3. aem verify accepts the new log against the new prediction and names the first
#     differing module against the old one.
. "$AEM_SRC/tests/lib/common.sh"
need_fixtures
for t in jq tpm2_pcrread tb_polgen lcp2_mlehash; do
	command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
F=$AEM_FIXTURES
aem=$AEM_BUILD/aem
xen_cmd="placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off"
linux_cmd="placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1234 rhgb quiet"
linux_cmd2="placeholder root=/dev/mapper/qubes_dom0-root ro rd.luks.uuid=luks-1234 single"

head -c 8192 /dev/urandom > sinit.bin
# New files of an "update": an initrd with different bytes, a tboot with a changed byte
# inside its MLE (what SINIT measures).
{ zcat "$F/initrd.img"; head -c 4096 /dev/urandom; } | gzip -1 > initrd-new.img
zcat "$F/tboot.gz" > tboot.elf
printf '\x90' | dd of=tboot.elf bs=1 seek=$((0x1000 + 0x20000)) conv=notrunc status=none
gzip -9 -c tboot.elf > tboot-new.gz

launch() { # family map tboot initrd linux_cmd log
	txt-launch --dir "$AEM_SIM_DIR" --family "$1" --pcr-map "$2" --sinit sinit.bin --tboot "$3" \
		--module "$F/xen.gz" "$xen_cmd" --module "$F/vmlinuz" "$5" --module "$4" "" --log "$6"
}

predict() { # family map log tboot initrd linux_cmd [extra...] -> "17 18 19" values
	local fam=$1 map=$2 log=$3 tb=$4 initrd=$5 cmd=$6; shift 6
	"$aem" predict --event-log "$log" --tpm "$fam" --pcr-map "$map" \
		--module "$F/xen.gz" --cmdline "$xen_cmd" --module "$F/vmlinuz" --cmdline "$cmd" \
		--module "$initrd" "$@" --format json > pred.json
	jq -r '.pcrs["17"], .pcrs["18"], .pcrs["19"]' pred.json | tr '\n' ' '
}

read_pcr() { # family pcr; tcsd may need a moment after a reboot of the TPM 1.2 simulator
	local v= try
	for try in 1 2 3 4 5; do
		if [ "$1" = 2.0 ]; then v=$(pcr_tpm2 sha256 "$2"); else v=$(pcr_tpm12 "$2" 2>/dev/null) || v=; fi
		[ -n "$v" ] && break
		sleep 1
	done
	[ -n "$v" ] || fail "cannot read PCR $2 of the TPM $1 simulator"
	echo "$v"
}

read_pcrs() { # family
	local p out=
	for p in 17 18 19; do out+="$(read_pcr "$1" $p) "; done
	echo "$out"
}

run_family() { # family map
	local fam=$1 map=$2 want got
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	launch "$fam" "$map" "$F/tboot.gz" "$F/initrd.img" "$linux_cmd" "old-$fam-$map.log"
	want=$(read_pcrs "$fam")
	got=$(predict "$fam" "$map" "old-$fam-$map.log" "$F/tboot.gz" "$F/initrd.img" "$linux_cmd")
	assert_eq "$fam $map: prediction from the launch's log and the same files" "$want" "$got"
	cp pred.json "same-$fam-$map.json"

	# the same through a Qubes-style grub.cfg entry
	cat > grub.cfg <<-CFG
	menuentry 'Qubes (AEM)' {
		multiboot /tboot.gz placeholder
		module /xen.gz $xen_cmd
		module /vmlinuz $linux_cmd
		module /initrd.img
		module /SINIT_81.BIN
	}
	CFG
	got=$("$aem" predict --event-log "old-$fam-$map.log" --tpm "$fam" --pcr-map "$map" \
		--grub-cfg grub.cfg --boot-dir "$F" --format json | jq -r '.pcrs["17"], .pcrs["18"], .pcrs["19"]' | tr '\n' ' ')
	assert_eq "$fam $map: prediction through grub.cfg" "$want" "$got"

	# an update: new initrd, new kernel command line, new tboot; predicted from the OLD log
	got=$(predict "$fam" "$map" "old-$fam-$map.log" tboot-new.gz initrd-new.img "$linux_cmd2" --tboot tboot-new.gz)
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	launch "$fam" "$map" tboot-new.gz initrd-new.img "$linux_cmd2" "new-$fam-$map.log"
	want=$(read_pcrs "$fam")
	assert_eq "$fam $map: prediction of the updated boot from the old log" "$want" "$got"
	assert_ne "$fam $map: the update changed the PCRs" \
		"$(jq -r '.pcrs["17"], .pcrs["18"], .pcrs["19"]' "same-$fam-$map.json" | tr '\n' ' ')" "$got"

	# verify: the new log matches the new prediction, the old prediction names the initrd
	"$aem" verify --event-log "new-$fam-$map.log" --expect pred.json >/dev/null ||
		fail "$fam $map: aem verify rejects the log of the predicted boot"
	set +e
	"$aem" verify --event-log "new-$fam-$map.log" --expect "same-$fam-$map.json" > verify.txt
	rc=$?
	set -e
	assert_eq "$fam $map: verify exit status on a mismatch" 5 "$rc"
	# the first tboot event that differs is the kernel's (its command line changed)
	grep -q "module 1 $F/vmlinuz" verify.txt ||
		fail "$fam $map: verify did not name the kernel: $(cat verify.txt)"
	echo "ok: $fam $map: verify names: $(head -c 100 verify.txt)"
}

sim_start 2.0
run_family 2.0 da
run_family 2.0 legacy      # tboot forces D/A on TPM 2.0: the prediction must too
sim_start 1.2 "$PWD/sim12"
run_family 1.2 legacy
run_family 1.2 da

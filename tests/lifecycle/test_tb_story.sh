#!/usr/bin/env bash
# The user story on TrenchBoot launches (GRUB slaunch, Xen the launched image), emulated
# by tb-launch on swtpm: TPM 2.0 AMD (SKINIT + SKL) and Intel (SINIT) legacy-BIOS launches,
# and TPM 1.2 Intel. install -> seal -> launch -> boot-unseal shows the secret, freshness
# rotates and a copy is refused -> a kernel/initramfs update: aem update cannot predict
# PCR 18 (GRUB's multiboot2 information), so it keeps the sealed files, records the
# prediction of the rest and says "next boot: reseal needed" (exit 10); aem status says
# it -> the updated boot does not unseal -> aem reseal on it checks the recorded PCRs,
# then seals -> the next boot unseals. A tampered module is refused: the boot-unseal
# refuses it, and aem reseal after an update names the module that differs.
# Oracles: the launch digests come from tb-launch (hashlib over the files), the
# initramfs digest from gzip -dc | sha256sum, the sealed files' bytes from sha256sum.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
. "$AEM_SRC/tests/lifecycle/tb-common.sh"
command -v jq >/dev/null || { echo "skip: jq missing"; exit 77; }

story() { # family vendor variant
	local fam=$1 vendor=$2 var=$3 id rc new before rec
	echo "=== TPM $fam, TrenchBoot $var ==="
	export AEM_STATE_DIR=$PWD/state AEM_CONF=$PWD/aem.conf
	lc_setup "$fam"
	tb_boot_files boot "$vendor"
	"$AEM" tpm-setup >/dev/null || fail "tpm-setup"
	id=$("$AEM" status --json | jq -r .identity)
	"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail install
	tb_grub_cfg boot
	grep -q "aem.uuid=11111111-2222-3333-4444-555555555555" boot/grub.cfg || fail "no aem.uuid="
	tb_launch boot "$var"
	"$AEM" secret set --text "tb secret $var" >/dev/null
	"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal.out || { cat reseal.out; fail "reseal"; }

	tb_launch boot "$var"
	"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "boot-unseal"; }
	assert_eq "secret after a $var launch" "tb secret $var" "$(cat shown)"
	grep -q "freshness rotated" boot.err || { cat boot.err; fail "not rotated"; }
	cp -a media media.copy
	tb_launch boot "$var"
	"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "second boot"; }
	tb_launch boot "$var"
	rc=0; "$AEM" boot-unseal --media media.copy > shown 2> replay.err || rc=$?
	[ $rc -ne 0 ] && [ ! -s shown ] || fail "an old copy of the media unsealed"
	grep -q "stale freshness token" replay.err || { cat replay.err; fail "replay not explained"; }
	echo "ok: freshness on a TrenchBoot launch"
	# Unchanged files: status expects the next boot to unseal (PCR 18 unknown but 13, 17 match).
	"$AEM" status "${LUKS_ARGS[@]}" --json --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st0.json
	[ "$(jq -r '.next_boot' st0.json)" != "reseal needed" ] || { cat st0.json; fail "unchanged boot said to need a reseal"; }

	# The update: a new initramfs (bytes inside the gzip stream: GRUB and Xen see the
	# decompressed image).
	{ gzip -dc "$F/initrd.img"; printf 'update %s' "$var"; } | gzip -1 > boot/initrd.img-6.1.0-aem
	local sum=sha256sum; [ "$fam" = 1.2 ] && sum=sha1sum
	new=$(gzip -dc boot/initrd.img-6.1.0-aem | $sum | cut -d' ' -f1)
	"$AEM" status "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st1.txt
	grep -qx "next boot: reseal needed" st1.txt || { cat st1.txt; fail "status before update: no 'next boot: reseal needed'"; }
	before=$(sha256sum "media/aem/$id/secret.sealed" | cut -d' ' -f1)
	rc=0; "$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log \
		> update.out 2> update.err || rc=$?
	assert_eq "aem update on TrenchBoot BIOS: exit (partial)" 10 "$rc"
	grep -qx "next boot: reseal needed" update.out || { cat update.out update.err; fail "update does not say reseal needed"; }
	grep -q "PCR 18: the multiboot2 information" update.err || { cat update.err; fail "PCR 18 not named"; }
	assert_eq "current sealed file untouched" "$before" "$(sha256sum "media/aem/$id/secret.sealed" | cut -d' ' -f1)"
	[ ! -e "media/aem/$id/secret.next.sealed" ] || fail "a pending file was sealed to a guess"
	rec=state/reseal-needed.json
	[ -f $rec ] || fail "no reseal-needed record"
	assert_eq "record: the new initramfs' digest" "$new" \
		"$(jq -r '.events[] | select(.file != null and (.file | endswith("initrd.img-6.1.0-aem"))) | .digest' $rec)"
	assert_eq "record: PCR 18 unknown" true "$(jq -r '.unknown | has("18")' $rec)"
	assert_eq "record: PCR 18 not in the predicted values" false "$(jq -r '.pcrs | has("18")' $rec)"
	"$AEM" status "${LUKS_ARGS[@]}" --json --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st2.json
	assert_eq "status --json: next_boot" "reseal needed" "$(jq -r .next_boot st2.json)"
	assert_eq "status --json: recorded by update" true "$(jq -r .reseal_needed.recorded_by_update st2.json)"
	assert_eq "status --json: media next_boot_resealed" no "$(jq -r '.media[0].next_boot_resealed' st2.json)"

	# The updated boot: the sealed secret is for the old one.
	tb_launch boot "$var"
	rc=0; "$AEM" boot-unseal --media media > shown 2> boot.err || rc=$?
	[ $rc -ne 0 ] && [ ! -s shown ] || fail "the updated boot unsealed the old seal"
	"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal2.out 2> reseal2.err ||
		{ cat reseal2.out reseal2.err; fail "reseal on the updated boot"; }
	grep -q "PCR 17: as predicted for the installed update" reseal2.out || { cat reseal2.out; fail "PCR 17 not checked"; }
	grep -q "PCR 13: as predicted for the installed update" reseal2.out || { cat reseal2.out; fail "PCR 13 not checked"; }
	[ ! -e $rec ] || fail "record left after the reseal"
	tb_launch boot "$var"
	"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "boot after the reseal"; }
	assert_eq "secret after update + reseal" "tb secret $var" "$(cat shown)"
	"$AEM" status "${LUKS_ARGS[@]}" --json --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > st3.json
	[ "$(jq -r '.next_boot' st3.json)" != "reseal needed" ] || { cat st3.json; fail "still 'reseal needed' after the reseal"; }
	echo "ok: update -> reseal needed -> reseal checked -> unseal ($var)"

	# Tamper: the kernel is replaced behind aem's back. The boot refuses; after an update
	# of the initramfs, aem reseal on the tampered boot names the kernel and refuses.
	printf 'evil' >> boot/vmlinuz-6.1.0-aem
	tb_launch boot "$var"
	rc=0; "$AEM" boot-unseal --media media > shown 2> boot.err || rc=$?
	[ $rc -ne 0 ] && [ ! -s shown ] || fail "a tampered kernel unsealed"
	cp "$F/vmlinuz" boot/vmlinuz-6.1.0-aem
	tb_launch boot "$var"
	"$AEM" boot-unseal --media media > shown 2> boot.err || { cat boot.err; fail "restored kernel refused"; }
	{ gzip -dc "$F/initrd.img"; printf 'update 2 %s' "$var"; } | gzip -1 > boot/initrd.img-6.1.0-aem
	rc=0; "$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log >/dev/null 2>&1 || rc=$?
	assert_eq "second update: exit" 10 "$rc"
	printf 'evil' >> boot/vmlinuz-6.1.0-aem     # after the update, before the reboot
	tb_launch boot "$var"
	rc=0; "$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log > reseal3.out 2> reseal3.err || rc=$?
	assert_eq "reseal on a tampered boot: exit (mismatch)" 5 "$rc"
	grep -q "PCR 17: MB module 1 (vmlinuz-6.1.0-aem) differs from the installed update" reseal3.out ||
		{ cat reseal3.out reseal3.err; fail "the kernel is not named"; }
	[ -f $rec ] || fail "record dropped by a refused reseal"
	[ ! -e "media/aem/$id/secret.next.sealed" ] || fail "a refused reseal sealed"
	echo "ok: tamper refused, the component named ($var)"
	tpm-sim stop --dir "$AEM_SIM_DIR"
}

story 2.0 amd amd-mb2
# A second story in fresh directories: the Intel (SINIT) launch.
mkdir intel && cd intel
story 2.0 intel intel-mb2
cd .. && mkdir tpm12 && cd tpm12
story 1.2 intel intel-mb2
echo "all TrenchBoot lifecycle stories passed"

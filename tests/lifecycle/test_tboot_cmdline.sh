#!/usr/bin/env bash
# tboot's own command line is part of its MLE measurement (SINIT hashes the MLE, where
# the loader wrote the command line), so `aem update` recomputes the MLE hash from tboot
# and the multiboot line of the entry GRUB will boot, never keeping the logged one.
# Oracle: txt-launch, whose MLE hash comes from tboot's lcp2_mlehash --cmdline, with the
# command line given literally here (not read by the project's grub reader).
#  1. grub.cfg `multiboot /tboot.gz logging=serial,memory`, launched with --tboot-cmdline
#     "logging=serial,memory": update -> boot -> unseal.
#  2. only tboot's arguments change (same tboot.gz): update -> boot -> unseal (keeping
#     the logged MLE hash would have sealed to the old one).
#  3. a launch with other tboot arguments than the grub.cfg says is refused.
#  4. the same through grub.cfg written by `aem grub-config --tboot-args`.
. "$AEM_SRC/tests/lib/common.sh"
. "$AEM_SRC/tests/lifecycle/lc-common.sh"
lc_setup 2.0
boot_files boot
"$AEM" tpm-setup >/dev/null || fail tpm-setup
"$AEM" install --uuid 11111111-2222-3333-4444-555555555555 media >/dev/null || fail install
"$AEM" secret set --text "tboot args" >/dev/null || fail "secret set"
id=$(tpm2_nvread 0x0100ae00 -s 20 | xxd -p | tr -d '\n')

entry() { # tboot-args -> boot/grub.cfg, as a user or a distribution script writes it
	cat > boot/grub.cfg <<CFG
menuentry 'Xen with tboot' {
	multiboot /tboot.gz $1
	module /xen-4.17.gz placeholder $XEN_ARGS
	module /vmlinuz-6.1.0-aem placeholder $KERNEL_ARGS aem.uuid=11111111-2222-3333-4444-555555555555
	module /initrd.img-6.1.0-aem
	module /SINIT_test.BIN
}
CFG
}
# The emulated launch with tboot's command line given literally.
boot_with() { # tboot-cmdline
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --family 2.0 --sinit sinit.bin --tboot boot/tboot.gz \
		--tboot-cmdline "$1" --module boot/xen-4.17.gz "placeholder $XEN_ARGS" \
		--module boot/vmlinuz-6.1.0-aem "placeholder $KERNEL_ARGS aem.uuid=11111111-2222-3333-4444-555555555555" \
		--module boot/initrd.img-6.1.0-aem "" --log launch.log >/dev/null
	tpm2_pcrextend "13:sha256=$LUKS13" >/dev/null
}
update() { "$AEM" update "${LUKS_ARGS[@]}" --grub-cfg boot/grub.cfg --boot-dir boot --event-log launch.log > update.out 2>&1 || { cat update.out; fail "update: $1"; }; }
unseals() { # what
	local out
	out=$("$AEM" boot-unseal --media media 2> boot.err) || { cat boot.err; fail "$1: no unseal"; }
	[ "$out" = "tboot args" ] || fail "$1: wrong secret"
	grep -q "pending" boot.err || { cat boot.err; fail "$1: not the file aem update prepared"; }
	echo "ok: $1"
}

# A first boot with no tboot arguments, trusted (reseal).
entry ""
boot_with ""
"$AEM" reseal "${LUKS_ARGS[@]}" --event-log launch.log >/dev/null || fail reseal
boot_with ""
"$AEM" boot-unseal --media media >/dev/null 2>&1 || fail "first boot"

entry "logging=serial,memory"
update "tboot arguments added"
jq -e '.events[] | select(.what == "MLE hash" and .cmdline == "logging=serial,memory")' \
	"media/aem/$id/secret.next.sealed.expect.json" >/dev/null || fail "sidecar lacks the MLE hash event with tboot's command line"
boot_with "logging=serial,memory"
unseals "multiboot /tboot.gz logging=serial,memory: update -> boot -> unseal"

entry "logging=serial,memory min_ram=0x2000000"
update "tboot arguments changed"
boot_with "logging=serial,memory min_ram=0x2000000"
unseals "only tboot's arguments changed: update -> boot -> unseal"

# A boot whose tboot got other arguments than the grub.cfg says (an attacker's edit at
# the GRUB prompt) must not open the secret sealed by update.
entry "logging=serial"
update "for the refusal"
rm -rf only-pending && cp -a media only-pending && rm "only-pending/aem/$id/secret.sealed"
boot_with "logging=serial,memory"
rc=0; "$AEM" boot-unseal --media only-pending > shown 2> boot.err || rc=$?
[ $rc -ne 0 ] && [ ! -s shown ] || fail "a launch with other tboot arguments unsealed"
grep -q "PCR values differ" boot.err || { cat boot.err; fail "refusal not a PCR mismatch"; }
echo "ok: other tboot arguments than predicted: refused"

# The grub.cfg aem grub-config writes; the launch reads tboot's arguments from its
# multiboot line with awk (lc-common.sh launch).
boot_with "logging=serial,memory min_ram=0x2000000"   # the boot update ran in
"$AEM" boot-unseal --media media >/dev/null 2>&1 || fail "boot before grub-config"
"$AEM" grub-config --boot-dir boot --xen-args "$XEN_ARGS" --kernel-args "$KERNEL_ARGS" \
	--tboot-args "logging=serial,memory vga_delay=1" > boot/grub.cfg || fail "grub-config"
grep -q "multiboot.*/tboot.gz.* logging=serial,memory vga_delay=1$" boot/grub.cfg || fail "grub-config: $(grep multiboot boot/grub.cfg)"
update "grub-config entry"
launch boot
unseals "aem grub-config --tboot-args: update -> boot -> unseal"

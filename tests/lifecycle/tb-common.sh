# Helpers of the TrenchBoot lifecycle tests (sourced after lc-common.sh).
#   tb_boot_files DIR VENDOR [XENTAG]   a BIOS /boot for a TrenchBoot launch: a Xen ELF with an
#                                       MLE header (tb-gen, from Debian's xen.gz), the fixture
#                                       kernel and initramfs, skl.bin (amd, tb-gen) or an SINIT
#                                       stand-in (intel), GRUB's slaunch module
#   tb_grub_cfg DIR                     grub.cfg written by aem grub-config (launch detected)
#   tb_launch DIR VARIANT [pcr13...]    reboot + emulated TrenchBoot launch (tb-launch, digests
#                                       computed with hashlib) of what DIR/grub.cfg's first entry
#                                       says, read here with awk (not with aem's grub reader),
#                                       then the PCR 13 extends of the initramfs hook
tb_boot_files() { # dir vendor [xentag]
	mkdir -p "$1/grub/i386-pc"
	: > "$1/grub/i386-pc/slaunch.mod"
	tb-gen xen-elf --from "$F/xen.gz" --tag "${3:-xen-1}" --out "$1/xen-4.17.gz" >/dev/null
	cp "$F/vmlinuz" "$1/vmlinuz-6.1.0-aem"
	cp "$F/initrd.img" "$1/initrd.img-6.1.0-aem"
	if [ "$2" = amd ]; then tb-gen skl --tag skl-1 --out "$1/skl.bin" >/dev/null
	else cp sinit.bin "$1/SINIT_test.BIN"; fi
}
tb_grub_cfg() { # bootdir
	"$AEM" grub-config --boot-dir "$1" --xen-args "$XEN_ARGS" --kernel-args "$KERNEL_ARGS" \
		> "$1/grub.cfg" || fail "aem grub-config"
	grep -q '^	slaunch$' "$1/grub.cfg" || { cat "$1/grub.cfg"; fail "no slaunch entry"; }
}
tb_launch() { # bootdir variant [pcr13-digest...]
	local b=$1 v=$2 args=() path rest xen xcmd dce d; shift 2
	read -r xen xcmd < <(awk '$1 == "multiboot2" {$1 = ""; sub(/^ +/, ""); print; exit}' "$b/grub.cfg" | sed "s/'//g")
	while read -r path rest; do
		args+=(--module "$b${path}" "$rest")
	done < <(awk '/^}/ {exit} $1 == "module2" {$1 = ""; sub(/^ +/, ""); print}' "$b/grub.cfg" | sed "s/'//g")
	case "$v" in
	amd-*) dce=$(awk '$1 == "slaunch_module" && tolower($2) ~ /skl\.bin$/ {print $2; exit}' "$b/grub.cfg") ;;
	*) dce=$(awk '$1 == "slaunch_module" && tolower($2) ~ /sinit/ {print $2; exit}' "$b/grub.cfg") ;;
	esac
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	tb-launch --dir "$AEM_SIM_DIR" --family "$AEM_TPM_FAMILY" --variant "$v" --dce "$b$dce" \
		--xen "$b$xen" --xen-cmdline "$xcmd" "${args[@]}" --log launch.log >/dev/null ||
		fail "tb-launch $v"
	[ $# -gt 0 ] || set -- "$LUKS13"
	for d in "$@"; do
		if [ "$AEM_TPM_FAMILY" = 2.0 ]; then
			tpm2_pcrextend "13:sha256=$d" >/dev/null
		else
			"$TOOLS/tspi-extend" 13 "$d" >/dev/null
		fi
	done
}

# Helpers of the lifecycle suite (sourced after tests/lib/common.sh).
#   lc_setup                  simulator + state/media/boot dirs in the test's temp dir
#   boot_files DIR            a /boot with the fixtures (Xen, kernel, initrd, tboot, SINIT)
#   launch BOOTDIR            reboot + emulated TXT launch of what grub.cfg in BOOTDIR says
#                             (txt-launch computes the digests with tboot's own tb_polgen)
#                             + the PCR 13 extend the initramfs hook does ($LUKS13)
F=$AEM_FIXTURES
AEM=$AEM_BUILD/aem
LUKS13=$(printf 'luks header' | sha256sum | cut -c1-64)
export AEM_STATE_DIR=$PWD/state AEM_CONF=$PWD/aem.conf
XEN_ARGS="console=none dom0_mem=max:4096M"
KERNEL_ARGS="root=/dev/mapper/dom0-root ro quiet"

lc_setup() {
	need_fixtures
	sim_start "${1:-2.0}"
	mkdir -p media state
	head -c 8192 /dev/urandom > sinit.bin
}

boot_files() { # dir
	mkdir -p "$1"
	cp "$F/xen.gz" "$1/xen-4.17.gz"
	cp "$F/vmlinuz" "$1/vmlinuz-6.1.0-aem"
	cp "$F/initrd.img" "$1/initrd.img-6.1.0-aem"
	cp "$F/tboot.gz" "$1/tboot.gz"
	cp sinit.bin "$1/SINIT_test.BIN"
}

# The entry GRUB will boot: written by aem grub-config, as 19_linux_xen_tboot_aem does.
grub_cfg() { # bootdir
	"$AEM" grub-config --boot-dir "$1" --xen-args "$XEN_ARGS" --kernel-args "$KERNEL_ARGS" \
		--tboot-args "logging=memory" > "$1/grub.cfg" || fail "aem grub-config"
}

# Emulated boot of the files named in BOOTDIR/grub.cfg (first entry), read with awk,
# not with the project's grub reader: module lines in order, arguments as written.
launch() { # bootdir [pcr13]
	local b=$1 d13=${2:-$LUKS13} args=() path rest
	while read -r path rest; do
		path=${path#/}
		case "$path" in *SINIT*) continue ;; esac
		args+=(--module "$b/$path" "$rest")
	done < <(awk '$1 == "module" || $1 == "module2" {$1 = ""; sub(/^ +/, ""); print}' "$b/grub.cfg" |
		 sed "s/'//g" | awk '!seen[$0]++')
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --family "$AEM_TPM_FAMILY" --sinit sinit.bin \
		--tboot "$b/tboot.gz" "${args[@]}" --log launch.log >/dev/null
	if [ "$AEM_TPM_FAMILY" = 2.0 ]; then
		tpm2_pcrextend "13:sha256=$d13" >/dev/null
	else
		"$TOOLS/tspi-extend" 13 "$(printf 'luks header' | sha1sum | cut -c1-40)" >/dev/null
	fi
}

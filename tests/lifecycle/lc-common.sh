# Helpers of the lifecycle suite (sourced after tests/lib/common.sh).
#   lc_setup                  simulator + state/media/boot dirs in the test's temp dir
#   boot_files DIR            a /boot with the fixtures (Xen, kernel, initrd, tboot, SINIT)
#   launch BOOTDIR            reboot + emulated TXT launch of what grub.cfg in BOOTDIR says
#                             (txt-launch computes the digests with tboot's own tb_polgen and
#                             lcp2_mlehash, with tboot's own command line from the multiboot
#                             line) + the PCR 13 extend the initramfs hook does
#   luks_image FILE           a small real LUKS2 image (cryptsetup luksFormat)
#   luks_digest FILE BANK     the hash of its `cryptsetup luksHeaderBackup` (sha256sum/sha1sum):
#                             the digest the boot path extends PCR 13 with
# The lifecycle commands that compute PCR 13 (reseal, update, status) get the LUKS header
# with "${LUKS_ARGS[@]}" (--luks-header, instead of the kernel command line's rd.luks.uuid=).
F=$AEM_FIXTURES
AEM=$AEM_BUILD/aem
export AEM_STATE_DIR=$PWD/state AEM_CONF=$PWD/aem.conf

luks_image() { # file
	truncate -s 8M "$1"
	printf 'test passphrase' > "$1.key"
	cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
		--luks2-metadata-size 16k --luks2-keyslots-size 512k --key-file "$1.key" "$1" >/dev/null 2>&1 ||
		fail "cryptsetup luksFormat $1"
}
luks_digest() { # file bank
	rm -f "$1.hdr"
	cryptsetup luksHeaderBackup "$1" --header-backup-file "$1.hdr" 2>"$1.err" || { cat "$1.err" >&2; fail "luksHeaderBackup $1"; }
	"${2}sum" "$1.hdr" | cut -d' ' -f1
	rm -f "$1.hdr"
}
XEN_ARGS="console=none dom0_mem=max:4096M"
KERNEL_ARGS="root=/dev/mapper/dom0-root ro quiet"

lc_setup() {
	need_fixtures
	command -v cryptsetup >/dev/null || fail "cryptsetup missing: run scripts/install-deps"
	if [ "${1:-2.0}" = 1.2 ]; then sim12_start; else sim_start 2.0; fi
	mkdir -p media state
	head -c 8192 /dev/urandom > sinit.bin
	luks_image "$PWD/luks.img"
	LUKS_ARGS=(--luks-header "$PWD/luks.img")
	if [ "$AEM_TPM_FAMILY" = 2.0 ]; then LUKS13=$(luks_digest luks.img sha256)
	else LUKS13=$(luks_digest luks.img sha1); fi
}

# tpm-sim picks free ports, but another process may take one before tcsd binds it.
sim12_start() {
	local try
	for try in 1 2 3; do
		sim_start 1.2 "$PWD/sim$try"
		[ "${AEM_TPM_FAMILY:-}" = 1.2 ] && return 0
		echo "tpm-sim start failed (try $try of 3)" >&2
	done
	fail "tpm-sim could not start a TPM 1.2 simulator"
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
# not with the project's grub reader: module lines in order, arguments as written, and
# tboot's own arguments (its MLE measurement covers them). PCR 13 then gets what the
# initramfs hook extends: the digest of each LUKS header (default $LUKS13).
launch() { # bootdir [pcr13-digest...]
	local b=$1 args=() path rest tcmd map=() d; shift
	while read -r path rest; do
		path=${path#/}
		case "$path" in *SINIT*) continue ;; esac
		args+=(--module "$b/$path" "$rest")
	done < <(awk '$1 == "module" || $1 == "module2" {$1 = ""; sub(/^ +/, ""); print}' "$b/grub.cfg" |
		 sed "s/'//g" | awk '!seen[$0]++')
	tcmd=$(awk '$1 == "multiboot" || $1 == "multiboot2" {$1 = ""; $2 = ""; sub(/^ +/, ""); print; exit}' "$b/grub.cfg" | sed "s/'//g")
	[ "$AEM_TPM_FAMILY" = 1.2 ] && map=(--pcr-map "${AEM_PCR_MAP:-legacy}")
	tpm-sim reboot --dir "$AEM_SIM_DIR"
	txt-launch --dir "$AEM_SIM_DIR" --family "$AEM_TPM_FAMILY" "${map[@]}" --sinit sinit.bin \
		--tboot "$b/tboot.gz" --tboot-cmdline "$tcmd" "${args[@]}" --log launch.log >/dev/null
	[ $# -gt 0 ] || set -- "$LUKS13"
	for d in "$@"; do
		if [ "$AEM_TPM_FAMILY" = 2.0 ]; then
			tpm2_pcrextend "13:sha256=$d" >/dev/null
		else
			"$TOOLS/tspi-extend" 13 "$d" >/dev/null
		fi
	done
}

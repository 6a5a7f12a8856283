#!/bin/bash
# dracut module "aem": Anti Evil Maid in the initramfs. Installs the boot-path
# program aem-boot (shows the secret sealed to this boot before the disk
# passphrase prompt) and aem-check-root (halts when root or an rd.lvm.lv is
# not on dm-crypt). Opt-in: add it with `add_dracutmodules+=" aem "` in a
# dracut.conf.d file, or `dracut --add aem`.

# Where aem-boot is: $AEM_BOOT_BIN, else next to an installed aem, else PATH.
aem_boot_bin() {
    local p
    for p in "${AEM_BOOT_BIN:-}" /usr/local/lib/aem/aem-boot /usr/lib/aem/aem-boot \
        /usr/local/sbin/aem-boot /usr/sbin/aem-boot; do
        [[ -n $p && -x $p ]] && { echo "$p"; return 0; }
    done
    command -v aem-boot
}

# called by dracut
check() {
    aem_boot_bin > /dev/null || return 1
    require_binaries mount umount || return 1
    return 255
}

# called by dracut
depends() {
    echo systemd crypt
    return 0
}

# called by dracut: TPM interfaces (tpm_tis is built into most distribution
# kernels; instmods accepts built-in ones) and what the AEM media can sit on.
installkernel() {
    hostonly='' instmods tpm_tis tpm_crb tpm_tis_core \
        usb_storage uas xhci_pci xhci_hcd ehci_pci ehci_hcd ohci_pci uhci_hcd \
        sd_mod mmc_block sdhci_pci sdhci_acpi ext4
}

# called by dracut
install() {
    inst_binary "$(aem_boot_bin)" /usr/sbin/aem-boot || return 1
    # tpm2-tss loads its TCTI with dlopen: no ELF dependency shows it to dracut.
    inst_libdir_file "libtss2-tcti-device.so*"
    inst_simple "$moddir/aem-boot.service" "$systemdsystemunitdir/aem-boot.service"
    inst_simple "$moddir/aem-check-root.service" "$systemdsystemunitdir/aem-check-root.service"
    inst_script "$moddir/aem-check-root.sh" /usr/sbin/aem-check-root
    inst_multiple readlink basename cat
    $SYSTEMCTL -q --root "$initdir" enable aem-boot.service aem-check-root.service
    install_tcsd
}

# TPM 1.2: tcsd in the initramfs (docs/boot.md says why), when the host has it.
install_tcsd() {
    local f
    find_binary tcsd > /dev/null || return 0
    inst_binary "$(find_binary tcsd)" /usr/sbin/tcsd
    inst_multiple ip chown chmod mkdir cp
    # tcsd finds the SRK only through its persistent storage, written when
    # ownership was taken: ship the host's copy (rebuild after taking ownership).
    local ps=${AEM_TCSD_SYSTEM_DATA:-/var/lib/tpm/system.data}
    [[ -s $ps ]] && inst_simple "$ps" /etc/aem/tcsd-system.data
    inst_script "$moddir/aem-tcsd.sh" /usr/sbin/aem-tcsd
    inst_simple "$moddir/aem-tcsd.service" "$systemdsystemunitdir/aem-tcsd.service"
    for f in passwd group; do
        grep -q '^tss:' "$initdir/etc/$f" 2> /dev/null || grep '^tss:' "/etc/$f" >> "$initdir/etc/$f"
    done
    $SYSTEMCTL -q --root "$initdir" enable aem-tcsd.service
}

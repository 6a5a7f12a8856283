#!/bin/bash
# dracut module "aem": Anti Evil Maid in the initramfs. Installs the boot-path
# program aem-boot (shows the secret sealed to this boot before the disk
# passphrase prompt) and aem-check-root (halts when root or an rd.lvm.lv is
# not on dm-crypt). Opt-in: add it with `add_dracutmodules+=" aem "` in a
# dracut.conf.d file, or `dracut --add aem`.

# The TPM family the image is for: $AEM_TPM_FAMILY (2.0, 1.2 or both), else what
# the kernel says of this machine's TPM, else both.
aem_family() {
    case ${AEM_TPM_FAMILY:-} in
        2.0 | 2) echo 2; return ;;
        1.2) echo 12; return ;;
        both) echo both; return ;;
    esac
    case $(cat /sys/class/tpm/tpm0/tpm_version_major 2> /dev/null) in
        2) echo 2 ;;
        1) echo 12 ;;
        *) echo both ;;
    esac
}

# Which boot program: $AEM_BOOT_BIN when it is one; else the one built for
# this family (aem-boot-tpm2 / aem-boot-tpm12: only that family's code), else
# aem-boot (both families), looked up in $AEM_BOOT_BIN when it is a directory,
# else next to an installed aem, else on PATH.
aem_boot_bin() {
    local p d n fam dirs=(/usr/local/lib/aem /usr/lib/aem /usr/local/sbin /usr/sbin)
    [[ -f ${AEM_BOOT_BIN:-} ]] && { [[ -x $AEM_BOOT_BIN ]] && echo "$AEM_BOOT_BIN"; return; }
    [[ -d ${AEM_BOOT_BIN:-} ]] && dirs=("$AEM_BOOT_BIN")
    fam=$(aem_family)
    for n in "aem-boot-tpm$fam" aem-boot; do
        [[ $n == aem-boot-tpmboth ]] && continue
        for d in "${dirs[@]}"; do
            p=$d/$n
            [[ -x $p ]] && { echo "$p"; return 0; }
        done
    done
    [[ -d ${AEM_BOOT_BIN:-} ]] || command -v aem-boot
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
    [[ $(aem_family) == 12 ]] || inst_libdir_file "libtss2-tcti-device.so*"
    # TPM 2.0: the storage root key's name aem tpm-setup recorded; aem-boot
    # checks the key against it before salting a session with it.
    local srkname=${AEM_STATE_DIR:-/var/lib/aem}/tpm2-srk.name
    [[ -s $srkname ]] && inst_simple "$srkname" /etc/aem/tpm2-srk.name
    inst_simple "$moddir/aem-boot.service" "$systemdsystemunitdir/aem-boot.service"
    inst_simple "$moddir/aem-check-root.service" "$systemdsystemunitdir/aem-check-root.service"
    inst_script "$moddir/aem-check-root.sh" /usr/sbin/aem-check-root
    inst_multiple readlink basename cat
    $SYSTEMCTL -q --root "$initdir" enable aem-boot.service aem-check-root.service
    [[ $(aem_family) == 2 ]] || install_tcsd
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
    inst_simple "$moddir/tcsd-hosts" /etc/aem/tcsd-hosts
    inst_simple "$moddir/tcsd-nsswitch.conf" /etc/aem/tcsd-nsswitch.conf
    inst_simple "$moddir/aem-tcsd.service" "$systemdsystemunitdir/aem-tcsd.service"
    for f in passwd group; do
        grep -q '^tss:' "$initdir/etc/$f" 2> /dev/null || grep '^tss:' "/etc/$f" >> "$initdir/etc/$f"
    done
    $SYSTEMCTL -q --root "$initdir" enable aem-tcsd.service
}

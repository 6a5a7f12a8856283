#!/bin/bash
# dracut module "aempeer" (benchmark only): the user-space tool set a
# shell-script AEM hook needs for TPM 2.0, as listed by the Qubes AEM dracut
# module (tpm2-tools commands, the TCTI plugin, openssl and the coreutils /
# misc helpers its scripts call). Used by bench/initramfs to weigh it against
# the aem module in the same dracut run. Tools missing on the build host are
# skipped (-o); bench/initramfs reports them. AEM_PEER_SET=tpm2 keeps only
# the tpm2-tools commands, the TCTI plugin and openssl.
check() { return 255; }
depends() { return 0; }
install() {
    inst_libdir_file "libtss2-tcti-device.so*"
    inst_multiple -o openssl \
        tpm2_changeauth tpm2_create tpm2_createprimary tpm2_evictcontrol \
        tpm2_encryptdecrypt tpm2_flushcontext tpm2_load tpm2_nvdefine tpm2_nvread \
        tpm2_nvreadpublic tpm2_nvundefine tpm2_nvwrite tpm2_nvwritelock tpm2_pcrextend \
        tpm2_pcrread tpm2_policycommandcode tpm2_startauthsession tpm2_unseal
    [[ ${AEM_PEER_SET:-} == tpm2 ]] && return 0
    inst_multiple -o base32 blockdev clear cryptsetup cut date file grep head install killall \
        lsblk oathtool printf scrypt sed seq sha1sum sha256sum sort tail tee tr uniq wc \
        xargs xxd
    inst_simple /usr/share/misc/magic.mgc
}

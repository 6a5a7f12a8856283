#!/bin/sh
# aemtest drtm|cap: see module-setup.sh. Talks on /dev/ttyS1 (the harness's pipe).
# cap also lists the device-mapper devices the kernel has (name, dm uuid).
aux=/dev/ttyS1
case "$1" in
drtm)
    # One open for both directions: the UART drops what arrives while closed.
    exec 3<> "$aux"
    stty -F "$aux" raw -echo 2>/dev/null
    echo "AEMTEST ready" >&3
    # "x HEX": a raw TPM command for /dev/tpm0, sent at whatever locality the
    # harness set on swtpm's control channel (the late launch's own extends:
    # SKL's and Xen's, locality 2); its response code is reported. Any other
    # line ends the launch.
    while read -r line <&3; do
        case "$line" in
        x\ *)
            [ -e /run/aemtest.tpm ] || { exec 4<> /dev/tpm0; : > /run/aemtest.tpm; }
            echo "${line#x }" | xxd -r -p > /run/aemtest.cmd
            cat /run/aemtest.cmd >&4
            rc=$(dd bs=4096 count=1 <&4 2>/dev/null | xxd -p | tr -d '\n' | cut -c13-20)
            echo "AEMTEST tpm rc=${rc:-none}" >&3
            ;;
        *)
            [ -e /run/aemtest.tpm ] && exec 4>&-
            rm -f /run/aemtest.tpm
            echo "AEMTEST got $line" >&3
            break
            ;;
        esac
    done
    ;;
cap)
    mkdir -p /run/aemtest
    mount -t ext4 -o ro /dev/disk/by-label/aem /run/aemtest
    # the bundle aem-boot just rotated: aem/<tpm-id>/secret.sealed
    for sealed in /run/aemtest/aem/*/secret.sealed; do :; done
    # TPM 2.0 through the kernel's resource manager; TPM 1.2 through tcsd.
    tcti=
    [ -e /dev/tpmrm0 ] && tcti="--tcti device:/dev/tpmrm0"
    # (a restarted tcsd takes a moment to listen: retry "no TPM", exit 4)
    for i in 1 2 3 4 5 6 7 8 9 10; do
        TSS_TCSD_HOSTNAME=127.0.0.1 TSS_TCSD_PORT=30003 \
            aem unseal --in "$sealed" $tcti > /run/aemtest.out 2>/run/aemtest.err
        rc=$?
        [ $rc = 4 ] || break
        sleep 0.5
    done
    umount /run/aemtest
    out=empty
    [ -s /run/aemtest.out ] && out=nonempty
    while read -r l; do echo "AEMTEST cap: $l"; done < /run/aemtest.err > "$aux"
    # device-mapper devices as the kernel names them (aem-boot's multi-factor unlock)
    for d in /sys/block/dm-*/dm; do
        [ -e "$d/name" ] && echo "AEMTEST dm: $(cat "$d/name") $(cat "$d/uuid")" > "$aux"
    done
    # TPM 1.2: how often systemd had to restart the initramfs tcsd (it must
    # survive aem-boot's and this unseal's disconnects).
    if [ -e /etc/systemd/system/initrd.target.wants/aem-tcsd.service ] ||
        [ -e /usr/lib/systemd/system/aem-tcsd.service ]; then
        sleep 1
        echo "AEMTEST tcsd restarts=$(systemctl show -p NRestarts --value aem-tcsd.service)" > "$aux"
    fi
    echo "AEMTEST cap rc=$rc stdout=$out" > "$aux"
    ;;
esac
exit 0

#!/bin/sh
# aem-tcsd: trousers' tcsd for aem-boot on a TPM 1.2 machine (libaemtpm's
# TPM 1.2 backend talks TSPI, i.e. to tcsd). Does nothing on a TPM 2.0.
# Listens on the loopback only; dies with the initramfs at switch-root, so
# the booted system's own tcsd gets /dev/tpm0 afterwards.
[ "$(cat /sys/class/tpm/tpm0/tpm_version_major 2>/dev/null)" = 1 ] || exit 0
d=/run/aem-tcsd
ip link set lo up
mkdir -p "$d"
cat > "$d/tcsd.conf" <<CONF
port = 30003
system_ps_file = $d/system.data
firmware_log_file = /dev/null
kernel_log_file = /dev/null
CONF
[ -f /etc/aem/tcsd-system.data ] && cp /etc/aem/tcsd-system.data "$d/system.data"
# tcsd insists on a root:tss 0640 configuration and runs as tss.
chown root:tss "$d/tcsd.conf" && chmod 0640 "$d/tcsd.conf"
chown -R tss:tss "$d"
chown root:tss "$d/tcsd.conf"
chown tss /dev/tpm0
exec tcsd -f -c "$d/tcsd.conf"

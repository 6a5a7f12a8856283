#!/bin/bash
# dracut module "aemtest": test-only helpers of the e2e suite, never shipped.
#  - aemtest-drtm.service (aemtest.drtm on the command line): before aem-boot,
#    says "AEMTEST ready" on the second serial port and waits for a line from
#    the harness, which meanwhile performs the emulated DRTM launch;
#  - aemtest-cap.service (aemtest.cap): after aem-boot, tries `aem unseal` of
#    the media's current bundle (aem/<tpm-id>/secret.sealed) again and reports its exit status.
check() { return 255; }
depends() { echo aem; }
install() {
    inst_binary "$AEM_TEST_AEM" /usr/bin/aem
    inst_script "$moddir/aemtest.sh" /usr/sbin/aemtest
    inst_multiple mount umount mkdir stty xxd dd cat cut tr
    inst_simple "$moddir/aemtest-drtm.service" "$systemdsystemunitdir/aemtest-drtm.service"
    inst_simple "$moddir/aemtest-cap.service" "$systemdsystemunitdir/aemtest-cap.service"
    $SYSTEMCTL -q --root "$initdir" enable aemtest-drtm.service aemtest-cap.service
}

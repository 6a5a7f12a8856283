#!/usr/bin/env bash
# test_boot_secret on a TPM 1.2 guest: swtpm in TPM 1.2 mode, the secret
# sealed through tcsd on the host (SHA-1 bank, host-computed PCR 13 and 17),
# unsealed in the initramfs through the tcsd that aem-tcsd.service starts.
export E2E_FAMILY=1.2
command -v tcsd >/dev/null || { echo "SKIP: trousers' tcsd is not installed"; exit 77; }
exec bash "$AEM_SRC/tests/e2e/test_boot_secret.sh"

/* aem-boot's multi-factor password (docs/multifactor.md): after the secret
 * was shown, the AEM password opens the luks-key box of the bundle. Nothing
 * here touches the TPM (it is capped by then) or the disks. */
#ifndef AEM_BOOT_MFA_H
#define AEM_BOOT_MFA_H

#include <stddef.h>
#include <stdint.h>

#include "mfa.h"

#define AEM_BOOT_MFA_TRIES 3

/* Ask "AEM password (Enter to skip): " on out_fd and read it from in_fd,
 * without echo when in_fd is a terminal; a wrong one is said on screen and
 * asked again, up to AEM_BOOT_MFA_TRIES times. 0 with key filled; 1 when
 * skipped (empty input, end of input) or after the last wrong try; else the
 * error code (err.h) of the box. The password is wiped on every path, key on every
 * path but success (the caller wipes it then). */
int aem_boot_mfa_key(int in_fd, int out_fd, const uint8_t *box, size_t box_len,
		     uint8_t key[AEM_MFA_KEY_LEN]);

#endif

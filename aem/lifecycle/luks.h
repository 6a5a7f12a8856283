/* The LUKS header measurement of the boot path: the hash of the header
 * backup `cryptsetup luksHeaderBackup` would write (the binary header, the
 * LUKS2 JSON areas and the keyslot area), so that a header swapped by an
 * attacker, e.g. with a keyslot of their own, changes PCR 13 before any
 * unseal. Same digest as `sha256sum` (TPM 2.0) or `sha1sum` (TPM 1.2) of
 * that file. */
#ifndef AEM_LUKS_H
#define AEM_LUKS_H

#include <stdint.h>

#include "pcr.h"

/* Hash the LUKS header of device (a block device or an image file) with the
 * bank's hash into out (aem_bank_size(bank) bytes). The backup is written to
 * a private temporary directory under tmpdir (NULL: $TMPDIR or /tmp) and
 * removed before returning. Returns 0, AEM_E_FORMAT when device holds
 * no LUKS header, AEM_E_IO when it cannot be read, AEM_E_INVAL for
 * a bad bank. */
int aem_luks_header_hash(const char *device, enum aem_bank bank, const char *tmpdir,
			 uint8_t *out);

#endif

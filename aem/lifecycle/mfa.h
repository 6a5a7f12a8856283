/* Multi-factor unlock: what the TPM says about the boot AND what the user
 * knows. A random 64-byte LUKS key is encrypted under a user password
 * (pwbox.h: scrypt + AES-256-GCM), and that box is sealed to the PCRs
 * (seal.h); the file lives on the AEM media. The key is enrolled into a LUKS2
 * keyslot. At boot, after the TOTP code is shown, the password opens the box
 * and the key unlocks the disk; typing nothing falls back to the normal
 * passphrase prompt. Neither a stolen media (no TPM state), nor the TPM
 * alone (no password), nor a tampered boot (the TPM refuses) yields the key.
 * Functions return 0 or a negative error code (err.h); nothing prints. */
#ifndef AEM_MFA_H
#define AEM_MFA_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "fileio.h"
#include "tpm.h"

#define AEM_MFA_KEY_LEN 64

/* A fresh key (RAND_priv_bytes) into key, boxed under pw and sealed to v
 * (pin optional, as for aem seal). *out: the file (free with aem_buf_free). */
int aem_mfa_create(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
		   size_t pin_len, const char *pw, size_t pw_len, uint8_t key[AEM_MFA_KEY_LEN],
		   uint8_t **out, size_t *out_len);
/* Unseal the file (buf, len) and open the box with pw: AEM_TPM_E_PCR_MISMATCH
 * when the boot differs (now gets the live values when not NULL),
 * AEM_TPM_E_AUTH for a wrong password. key is wiped on every failure. */
int aem_mfa_open(struct aem_tpm *t, const uint8_t *buf, size_t len, const char *pin,
		 size_t pin_len, const char *pw, size_t pw_len, uint8_t key[AEM_MFA_KEY_LEN],
		 struct aem_pcr_values *now);

/* Add key as a new passphrase of the LUKS2 device, authorised by an existing
 * passphrase (old). The new keyslot uses PBKDF2 with few iterations: the key
 * has 512 bits of entropy, so stretching it only slows the boot. *slot gets
 * the keyslot. AEM_TPM_E_AUTH when old opens no keyslot (nothing changed). */
int aem_mfa_enroll(const char *device, const char *old, size_t old_len,
		   const uint8_t key[AEM_MFA_KEY_LEN], int *slot);
/* Remove keyslot slot (undo an enrolment whose file could not be written). */
int aem_mfa_unenroll(const char *device, int slot);
/* Unlock the device with key through libcryptsetup: activate it as
 * /dev/mapper/<name>, or (name NULL) only check that key opens a keyslot.
 * *slot gets the keyslot that opened. AEM_TPM_E_AUTH when none does. */
int aem_mfa_activate(const char *device, const char *name, const uint8_t key[AEM_MFA_KEY_LEN],
		     int *slot);
/* Write key to path for rd.luks.key / systemd-cryptsetup (mode 0400, new
 * file only, no symbolic link followed): for boots where systemd-cryptsetup,
 * not aem, opens the disk. path should be on a tmpfs such as /run. */
int aem_mfa_write_keyfile(const char *path, const uint8_t key[AEM_MFA_KEY_LEN]);

/* Shared by mfa.c and mfa_activate.c: crypt_init + crypt_load of a LUKS2
 * device (AEM_E_IO / AEM_E_FORMAT), and libcryptsetup's negative
 * errno as an error code (-EPERM, -ENOENT: AEM_TPM_E_AUTH). */
struct crypt_device;
int aem_mfa_luks_load(const char *device, struct crypt_device **cd);
int aem_mfa_luks_err(int r);

#endif

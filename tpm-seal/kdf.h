/* PIN stretching for the TPM authValue of a sealed object. The TPM's
 * dictionary-attack lockout is the main guard; stretching makes an offline
 * guess (a stolen sealed blob plus a future TPM weakness) expensive too.
 * scrypt, N = 2^15, r = 8, p = 1 (32 MiB, roughly 0.1 s), 16-byte salt,
 * 32-byte output. The parameters are recorded in the sealed file
 * (docs/sealed-format.md); changing them needs a new KDF id there. */
#ifndef AEM_TPM_KDF_H
#define AEM_TPM_KDF_H

#include <stddef.h>
#include <stdint.h>

#define AEM_KDF_SCRYPT 1           /* KDF id stored in the sealed file */
#define AEM_KDF_SCRYPT_LOG2N 15
#define AEM_KDF_SCRYPT_R 8
#define AEM_KDF_SCRYPT_P 1
#define AEM_KDF_SALT_SIZE 16
#define AEM_KDF_OUT_SIZE 32

/* auth := scrypt(pin, salt) with the parameters above. pin need not be NUL
 * terminated. Returns 0 or AEM_E_INVAL / AEM_E_CRYPTO (auth wiped). */
int aem_pin_stretch(const char *pin, size_t pin_len, const uint8_t salt[AEM_KDF_SALT_SIZE],
		    uint8_t auth[AEM_KDF_OUT_SIZE]);
/* The same with explicit scrypt parameters (tests, future KDF ids). */
int aem_pin_stretch_scrypt(const char *pin, size_t pin_len, const uint8_t *salt, size_t salt_len,
			   unsigned log2n, unsigned r, unsigned p, uint8_t *out, size_t out_len);

#endif

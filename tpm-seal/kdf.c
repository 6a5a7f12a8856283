#include "kdf.h"
#include "err.h"

#include <string.h>
#include <openssl/evp.h>

/* OpenSSL refuses scrypt above its default 32 MiB limit; allow what the
 * parameters need (128 * r * N plus the p lanes) with headroom. */
static uint64_t scrypt_maxmem(unsigned log2n, unsigned r, unsigned p)
{
	return 128ull * r * ((1ull << log2n) + 2 * p) + (1u << 20);
}

int aem_pin_stretch_scrypt(const char *pin, size_t pin_len, const uint8_t *salt, size_t salt_len,
			   unsigned log2n, unsigned r, unsigned p, uint8_t *out, size_t out_len)
{
	if ((!pin && pin_len) || !salt || !out || !out_len)
		return AEM_E_INVAL;
	if (log2n < 1 || log2n > 22 || r < 1 || r > 32 || p < 1 || p > 16)
		return AEM_E_INVAL;
	if (EVP_PBE_scrypt(pin ? pin : "", pin_len, salt, salt_len, 1ull << log2n, r, p,
			   scrypt_maxmem(log2n, r, p), out, out_len) != 1) {
		explicit_bzero(out, out_len);
		return AEM_E_CRYPTO;
	}
	return 0;
}

int aem_pin_stretch(const char *pin, size_t pin_len, const uint8_t salt[AEM_KDF_SALT_SIZE],
		    uint8_t auth[AEM_KDF_OUT_SIZE])
{
	return aem_pin_stretch_scrypt(pin, pin_len, salt, AEM_KDF_SALT_SIZE, AEM_KDF_SCRYPT_LOG2N,
				      AEM_KDF_SCRYPT_R, AEM_KDF_SCRYPT_P, auth, AEM_KDF_OUT_SIZE);
}

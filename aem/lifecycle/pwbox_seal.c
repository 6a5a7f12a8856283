/* Making password boxes (pwbox.h); kept out of the boot program, which only
 * opens them (pwbox.c). */
#include "pwbox.h"
#include "aead.h"
#include "err.h"
#include "kdf.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int aem_pwbox_seal_kdf(const char *pw, size_t pw_len, unsigned log2n, unsigned r, unsigned p,
		       const uint8_t *pt, size_t len, uint8_t **out, size_t *out_len)
{
	struct aem_pwbox b = { .log2n = (uint8_t)log2n, .r = (uint8_t)r, .p = (uint8_t)p };
	uint8_t key[AEM_AEAD_KEY_SIZE], *f;
	size_t n = AEM_PWBOX_OVERHEAD + len;
	int err;

	*out = NULL;
	*out_len = 0;
	if (!pt || len == 0 || len > AEM_PWBOX_MAX_DATA || !aem_pwbox_kdf_ok(log2n, r, p))
		return AEM_E_INVAL;
	if (RAND_bytes(b.salt, sizeof(b.salt)) != 1)
		return AEM_E_CRYPTO;
	f = calloc(1, n);
	if (!f)
		return AEM_E_NOMEM;
	memcpy(f, AEM_PWBOX_MAGIC, AEM_PWBOX_MAGIC_SIZE);
	f[8] = AEM_PWBOX_VERSION;
	f[9] = AEM_KDF_SCRYPT;
	f[10] = b.log2n;
	f[11] = b.r;
	f[12] = b.p;
	memcpy(f + 14, b.salt, sizeof(b.salt));
	put_u32(f + 58, (uint32_t)len);
	err = aem_pwbox_derive(pw, pw_len, &b, key);
	if (!err)
		err = aem_aead_encrypt(key, f, AEM_PWBOX_HEAD, pt, len, f + AEM_PWBOX_OVERHEAD,
				       f + 30, f + 42);
	explicit_bzero(key, sizeof(key));
	if (err) {
		explicit_bzero(f, n);
		free(f);
		return err;
	}
	*out = f;
	*out_len = n;
	return 0;
}

int aem_pwbox_seal(const char *pw, size_t pw_len, const uint8_t *pt, size_t len, uint8_t **out,
		   size_t *out_len)
{
	return aem_pwbox_seal_kdf(pw, pw_len, AEM_KDF_SCRYPT_LOG2N, AEM_KDF_SCRYPT_R,
				  AEM_KDF_SCRYPT_P, pt, len, out, out_len);
}

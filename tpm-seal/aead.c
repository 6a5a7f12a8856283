#include "aead.h"
#include "err.h"

#include <limits.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* EVP takes int lengths; feed long inputs in chunks below INT_MAX. */
#define CHUNK (1u << 30)

static int feed_aad(EVP_CIPHER_CTX *c, const uint8_t *aad, size_t aad_len)
{
	int n;

	while (aad_len) {
		size_t k = aad_len < CHUNK ? aad_len : CHUNK;
		if (EVP_CipherUpdate(c, NULL, &n, aad, (int)k) != 1)
			return -1;
		aad += k;
		aad_len -= k;
	}
	return 0;
}

static int feed_data(EVP_CIPHER_CTX *c, const uint8_t *in, size_t len, uint8_t *out)
{
	int n;

	while (len) {
		size_t k = len < CHUNK ? len : CHUNK;
		if (EVP_CipherUpdate(c, out, &n, in, (int)k) != 1 || (size_t)n != k)
			return -1;
		in += k;
		out += k;
		len -= k;
	}
	return 0;
}

/* One GCM pass; enc = 1 encrypts and writes the tag, enc = 0 checks it. */
static int gcm(int enc, const uint8_t *key, const uint8_t *aad, size_t aad_len,
	       const uint8_t *in, size_t len, uint8_t *out, const uint8_t *nonce, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t fin[16];
	int n = 0, rc = AEM_E_CRYPTO;

	if (!c)
		return AEM_E_NOMEM;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, AEM_AEAD_NONCE_SIZE, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) != 1)
		goto out;
	if (feed_aad(c, aad, aad_len) || feed_data(c, in, len, out))
		goto out;
	if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, AEM_AEAD_TAG_SIZE, tag) != 1)
		goto out;
	/* For decryption this is where the tag is compared (constant time in OpenSSL). */
	if (EVP_CipherFinal_ex(c, fin, &n) != 1 || n != 0)
		goto out;
	if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, AEM_AEAD_TAG_SIZE, tag) != 1)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

static int args_ok(const uint8_t *key, const uint8_t *aad, size_t aad_len,
		   const uint8_t *in, size_t len, const uint8_t *out)
{
	return key && (aad || !aad_len) && ((in && out) || !len);
}

int aem_aead_encrypt_nonce(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
			   const uint8_t *pt, size_t len, uint8_t *ct,
			   const uint8_t nonce[AEM_AEAD_NONCE_SIZE], uint8_t tag[AEM_AEAD_TAG_SIZE])
{
	if (!args_ok(key, aad, aad_len, pt, len, ct) || !nonce || !tag)
		return AEM_E_INVAL;
	return gcm(1, key, aad, aad_len, pt, len, ct, nonce, tag);
}

int aem_aead_encrypt(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
		     const uint8_t *pt, size_t len, uint8_t *ct,
		     uint8_t nonce[AEM_AEAD_NONCE_SIZE], uint8_t tag[AEM_AEAD_TAG_SIZE])
{
	if (!nonce)
		return AEM_E_INVAL;
	/* A random 96-bit nonce: each key encrypts one payload, so collisions are moot. */
	if (RAND_bytes(nonce, AEM_AEAD_NONCE_SIZE) != 1)
		return AEM_E_CRYPTO;
	return aem_aead_encrypt_nonce(key, aad, aad_len, pt, len, ct, nonce, tag);
}

int aem_aead_decrypt(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
		     const uint8_t *ct, size_t len, const uint8_t nonce[AEM_AEAD_NONCE_SIZE],
		     const uint8_t tag[AEM_AEAD_TAG_SIZE], uint8_t *pt)
{
	uint8_t t[AEM_AEAD_TAG_SIZE];
	int rc;

	if (!args_ok(key, aad, aad_len, ct, len, pt) || !nonce || !tag)
		return AEM_E_INVAL;
	memcpy(t, tag, sizeof(t));      /* EVP wants a non-const tag */
	rc = gcm(0, key, aad, aad_len, ct, len, pt, nonce, t);
	if (rc && len)
		explicit_bzero(pt, len);
	return rc;
}

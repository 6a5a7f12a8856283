/* AES-256-GCM for the sealed payload (OpenSSL EVP): a fresh random 12-byte
 * nonce per encryption, a 16-byte tag. The key comes from the TPM; the
 * sealed-file header is passed as additional authenticated data, so any edit
 * of it makes decryption fail. */
#ifndef AEM_TPM_AEAD_H
#define AEM_TPM_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define AEM_AEAD_KEY_SIZE 32
#define AEM_AEAD_NONCE_SIZE 12
#define AEM_AEAD_TAG_SIZE 16

/* Encrypt len bytes of pt into ct (len bytes; may be the same buffer as pt),
 * drawing a random nonce (written to nonce) and writing the tag. aad may be
 * NULL when aad_len is 0, pt/ct may be NULL when len is 0.
 * Returns 0 or AEM_E_INVAL / AEM_E_CRYPTO. */
int aem_aead_encrypt(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
		     const uint8_t *pt, size_t len, uint8_t *ct,
		     uint8_t nonce[AEM_AEAD_NONCE_SIZE], uint8_t tag[AEM_AEAD_TAG_SIZE]);
/* Same with a caller-chosen nonce: only for known-answer tests. Never reuse
 * a nonce with the same key in the product. */
int aem_aead_encrypt_nonce(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
			   const uint8_t *pt, size_t len, uint8_t *ct,
			   const uint8_t nonce[AEM_AEAD_NONCE_SIZE], uint8_t tag[AEM_AEAD_TAG_SIZE]);
/* Decrypt and verify. On a tag mismatch returns AEM_E_CRYPTO and pt is
 * wiped (no unauthenticated plaintext ever reaches the caller). */
int aem_aead_decrypt(const uint8_t key[AEM_AEAD_KEY_SIZE], const uint8_t *aad, size_t aad_len,
		     const uint8_t *ct, size_t len, const uint8_t nonce[AEM_AEAD_NONCE_SIZE],
		     const uint8_t tag[AEM_AEAD_TAG_SIZE], uint8_t *pt);

#endif

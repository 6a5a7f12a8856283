/* Payload sealing: TPM-sealed key + AEAD + the sealed file format. */
#include "seal.h"
#include "aead.h"
#include "err.h"
#include "kdf.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

/* Encrypt pt under key with the header of s as AAD; fills s->nonce/tag/ct. */
static int encrypt_payload(struct aem_sealed *s, const uint8_t key[AEM_TPM_KEY_LEN],
			   const uint8_t *pt, size_t len)
{
	uint8_t *aad = NULL;
	size_t aad_len = 0;
	int err;

	if (len) {
		s->ct = malloc(len);
		if (!s->ct)
			return AEM_E_NOMEM;
	}
	s->ct_len = len;
	err = aem_sealed_aad(s, &aad, &aad_len);
	if (!err)
		err = aem_aead_encrypt(key, aad, aad_len, pt, len, s->ct, s->nonce, s->tag);
	free(aad);
	return err;
}

static int stretch(const char *pin, size_t pin_len, const uint8_t salt[AEM_KDF_SALT_SIZE],
		   uint8_t auth[AEM_KDF_OUT_SIZE])
{
	if (pin_len == 0)
		return AEM_E_INVAL;
	return aem_pin_stretch(pin, pin_len, salt, auth);
}

int aem_tpm_seal_payload(struct aem_tpm *t, const struct aem_pcr_values *expect, const char *pin,
			 size_t pin_len, const uint8_t *pt, size_t len, uint8_t **out,
			 size_t *out_len)
{
	struct aem_sealed s;
	uint8_t key[AEM_TPM_KEY_LEN], auth[AEM_KDF_OUT_SIZE];
	int err;

	*out = NULL;
	*out_len = 0;
	memset(&s, 0, sizeof(s));
	s.family = aem_tpm_family(t);
	s.expect = *expect;
	if (RAND_priv_bytes(key, sizeof(key)) != 1)
		return AEM_E_CRYPTO;
	err = 0;
	if (pin) {
		s.flags |= AEM_SEALED_F_PIN;
		if (RAND_bytes(s.pin_salt, sizeof(s.pin_salt)) != 1)
			err = AEM_E_CRYPTO;
		if (!err)
			err = stretch(pin, pin_len, s.pin_salt, auth);
	}
	if (!err)
		err = aem_tpm_seal_key(t, expect, pin ? auth : NULL, pin ? sizeof(auth) : 0, key, &s);
	if (!err)
		err = encrypt_payload(&s, key, pt, len);
	if (!err)
		err = aem_sealed_serialize(&s, out, out_len);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(auth, sizeof(auth));
	aem_sealed_free(&s);
	return err;
}

static int decrypt_payload(const struct aem_sealed *s, const uint8_t key[AEM_TPM_KEY_LEN],
			   uint8_t *pt)
{
	uint8_t *aad = NULL;
	size_t aad_len = 0;
	int err;

	err = aem_sealed_aad(s, &aad, &aad_len);
	if (!err)
		err = aem_aead_decrypt(key, aad, aad_len, s->ct, s->ct_len, s->nonce, s->tag, pt);
	free(aad);
	return err;
}

/* Fill now with the live values of the sealed selection; a PCR mismatch the
 * TPM reported but the live values do not show is a policy problem. */
static int explain_mismatch(struct aem_tpm *t, const struct aem_sealed *s,
			    struct aem_pcr_values *now)
{
	size_t n = aem_bank_size(s->expect.bank);

	if (!now)
		return AEM_TPM_E_PCR_MISMATCH;
	memset(now, 0, sizeof(*now));
	now->bank = s->expect.bank;
	now->mask = s->expect.mask;
	if (aem_tpm_pcr_read(t, now))
		return AEM_TPM_E_PCR_MISMATCH;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(now->mask, i) && memcmp(now->v[i], s->expect.v[i], n))
			return AEM_TPM_E_PCR_MISMATCH;
	return AEM_TPM_E_POLICY;
}

int aem_tpm_unseal_payload(struct aem_tpm *t, const struct aem_sealed *s, const char *pin,
			   size_t pin_len, uint8_t *pt, struct aem_pcr_values *now)
{
	uint8_t key[AEM_TPM_KEY_LEN], auth[AEM_KDF_OUT_SIZE];
	int has_pin = !!(s->flags & AEM_SEALED_F_PIN);
	int err = 0;

	if (has_pin && !pin)
		return AEM_TPM_E_AUTH;
	if (has_pin)
		err = stretch(pin, pin_len, s->pin_salt, auth);
	if (!err)
		err = aem_tpm_unseal_key(t, s, has_pin ? auth : NULL, has_pin ? sizeof(auth) : 0, key);
	explicit_bzero(auth, sizeof(auth));
	if (err == AEM_TPM_E_PCR_MISMATCH)
		err = explain_mismatch(t, s, now);
	if (!err)
		err = decrypt_payload(s, key, pt);
	explicit_bzero(key, sizeof(key));
	if (err && s->ct_len)
		explicit_bzero(pt, s->ct_len);
	return err;
}

/* Sealing a payload of any size: a random 32-byte key is sealed by the TPM
 * (aem_tpm_seal_key), the payload is AES-256-GCM under it with the sealed
 * file's header as additional data (aead.h, sealed.h). */
#ifndef AEM_TPM_SEAL_H
#define AEM_TPM_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "sealed.h"
#include "tpm.h"
#include "values.h"

/* Seal len bytes of pt to the values in expect (pin: optional, pin_len
 * bytes). *out / *out_len: the malloc'd sealed file (free with aem_buf_free).
 * The key comes from OpenSSL's RAND_priv_bytes, never from TPM2_GetRandom,
 * whose answer would cross the bus in clear. */
int aem_tpm_seal_payload(struct aem_tpm *t, const struct aem_pcr_values *expect, const char *pin,
			 size_t pin_len, const uint8_t *pt, size_t len, uint8_t **out,
			 size_t *out_len);

/* Unseal s (parsed with aem_sealed_parse) into pt, which holds s->ct_len
 * bytes. pin is needed when s->flags has AEM_SEALED_F_PIN. On
 * AEM_TPM_E_PCR_MISMATCH, now (when not NULL) gets the live values of the
 * sealed selection so the caller can name the PCRs that differ. pt is wiped
 * on every failure. */
int aem_tpm_unseal_payload(struct aem_tpm *t, const struct aem_sealed *s, const char *pin,
			   size_t pin_len, uint8_t *pt, struct aem_pcr_values *now);

#endif

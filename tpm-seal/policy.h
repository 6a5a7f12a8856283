/* TPM 2.0 policy digests computed offline, with no TPM: the same bytes a
 * policy session (real or trial) would hold after the same commands. The
 * session hash is always SHA-256, so every digest here is 32 bytes.
 * Sealing to predicted PCR values relies on this: the object's authPolicy is
 * built from given values, never read back from the TPM. */
#ifndef AEM_TPM_POLICY_H
#define AEM_TPM_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"

#define AEM_POLICY_SIZE 32
/* TPM_CC values of the policy commands (TPM 2.0 Part 2, table 12). */
#define AEM_TPM2_CC_POLICY_AUTHVALUE 0x0000016bu
#define AEM_TPM2_CC_POLICY_PCR 0x0000017fu
/* Marshalled TPML_PCR_SELECTION with one bank: count, hash, sizeofSelect=3, bitmap. */
#define AEM_TPM2_PCR_SELECTION_SIZE 10

/* A fresh policy session's digest: all zero. */
void aem_policy_init(uint8_t policy[AEM_POLICY_SIZE]);
/* TPM2_PolicyPCR over v->bank / v->mask with the values in v:
 * policy = H(policy || TPM_CC_PolicyPCR || TPML_PCR_SELECTION || H(values asc)).
 * AEM_E_INVAL for an unknown bank or an empty / out-of-range mask. */
int aem_policy_pcr(uint8_t policy[AEM_POLICY_SIZE], const struct aem_pcr_values *v);
/* TPM2_PolicyAuthValue: policy = H(policy || TPM_CC_PolicyAuthValue). */
int aem_policy_authvalue(uint8_t policy[AEM_POLICY_SIZE]);
/* Marshal a one-bank TPML_PCR_SELECTION into out (AEM_TPM2_PCR_SELECTION_SIZE
 * bytes, big-endian as on the wire); *len gets the size written. */
void aem_tpm2_pcr_selection(enum aem_bank bank, aem_pcr_mask m,
			    uint8_t out[AEM_TPM2_PCR_SELECTION_SIZE], size_t *len);

#endif

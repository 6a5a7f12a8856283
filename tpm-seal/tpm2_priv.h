/* Private to the TPM 2.0 backend (tpm2*.c): the state behind a struct
 * aem_tpm opened on a TCTI, and helpers shared by its files. */
#ifndef AEM_TPM_TPM2_PRIV_H
#define AEM_TPM_TPM2_PRIV_H

#include <stdint.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#include "tpm.h"
#include "policy.h"

struct tpm2 {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	TSS2_RC last_rc;   /* last failing response code, for diagnostics */
	int started;       /* TPM2_Startup tried once already */
};

/* The base of a TPM-layer code: format-one codes lose their handle,
 * session or parameter number (and the P bit). */
uint32_t aem_tpm2_rc_base(uint32_t rc);
/* Remember rc (when not success) and map it to an AEM_TPM_E_* code. */
int aem_tpm2_fail(struct tpm2 *t, TSS2_RC rc);
/* After a command answered TPM_RC_INITIALIZE: send TPM2_Startup(CLEAR) once.
 * Returns 1 when the caller should retry the command. */
int aem_tpm2_startup_retry(struct tpm2 *t, TSS2_RC rc);
/* Fill a one-bank TPML_PCR_SELECTION. */
void aem_tpm2_selection(TPML_PCR_SELECTION *sel, enum aem_bank bank, aem_pcr_mask mask);

/* The SRK's object attributes (tpm2_srk.c checks them, tpm2_admin.c makes
 * the key with them). */
#define AEM_TPM2_SRK_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
			    TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH | \
			    TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT)

/* The SRK at AEM_TPM2_SRK_HANDLE as an ESYS_TR (one TPM2_ReadPublic).
 * AEM_TPM_E_NO_SRK when absent. When check is set, also verify its template
 * (a second ReadPublic): AEM_TPM_E_BAD_SRK when it is not ours. */
int aem_tpm2_srk_get(struct tpm2 *t, int check, ESYS_TR *srk);
int aem_tpm2_setup(void *impl, int *created);
/* The owner's authorization (AEM_OWNER_PASSWORD, else empty) in an HMAC
 * session for one command, salted with the SRK when salted (tpm2_nv.c). */
int aem_tpm2_owner_session(struct tpm2 *t, int salted, ESYS_TR *sess);
/* A session salted with the SRK (AES-128-CFB parameter encryption, SHA-256). */
int aem_tpm2_salted_session(struct tpm2 *t, ESYS_TR srk, TPM2_SE type, ESYS_TR *sess);

int aem_tpm2_seal_key(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		  size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s);
int aem_tpm2_unseal_key(void *impl, const struct aem_sealed *s, const uint8_t *auth,
		    size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN]);

/* tpm2_seal.c, shared with tpm2_hmac.c (both make PCR-policy objects under the SRK). */
/* The object's policy digest for values v (and a PIN when with_auth). */
int aem_tpm2_expected_policy(const struct aem_pcr_values *v, int with_auth,
			     uint8_t policy[AEM_POLICY_SIZE]);
/* TPM2_Create under srk in a salted session encrypting the sensitive part; blobs into s. */
int aem_tpm2_create(struct tpm2 *t, ESYS_TR srk, const TPM2B_SENSITIVE_CREATE *sens,
		    const TPM2B_PUBLIC *tmpl, struct aem_sealed *s);
/* Unmarshal s's blobs; the policy recomputed from s's values must equal the stored one
 * and the object's authPolicy (checked before any TPM command). */
int aem_tpm2_load_blobs(const struct aem_sealed *s, TPM2B_PUBLIC *pub, TPM2B_PRIVATE *priv);
/* PolicyPCR (+ PolicyAuthValue) in sess; AEM_TPM_E_PCR_MISMATCH when the PCRs differ. */
int aem_tpm2_run_policy(struct tpm2 *t, ESYS_TR sess, const struct aem_sealed *s);
/* The object of s loaded under the SRK (authValue auth when s has a PIN), and
 * a salted policy session *sess in which its policy is already satisfied:
 * ready for one command (Unseal, HMAC). kind_ok (NULL: any) vets the public
 * area first. On error nothing is left loaded; on success the caller
 * flushes *obj (and *sess when its command fails). */
int aem_tpm2_policy_load(struct tpm2 *t, const struct aem_sealed *s, const uint8_t *auth,
			 size_t auth_len, int (*kind_ok)(const TPMT_PUBLIC *p), ESYS_TR *obj,
			 ESYS_TR *sess);

#endif

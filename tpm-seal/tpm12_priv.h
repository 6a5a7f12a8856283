/* Private to the TPM 1.2 backend (tpm12*.c): the state behind a struct
 * aem_tpm opened on tcsd, and helpers shared by its files. */
#ifndef AEM_TPM_TPM12_PRIV_H
#define AEM_TPM_TPM12_PRIV_H

#include <stdint.h>
#include <trousers/tss.h>

#include "tpm12.h"

struct tpm12 {
	TSS_HCONTEXT ctx;
	TSS_HTPM tpm;
	TSS_HKEY srk;         /* 0 until first needed */
	TSS_RESULT last_rc;   /* last failing TSS_RESULT, for diagnostics */
	char detail[320];     /* sentence for last_rc, with its number */
	int srk_asked;        /* the SRK password was prompted for (kept below) */
	size_t srk_pw_len;
	char srk_pw[AEM_TPM12_SECRET_MAX];
};

/* Remember rc (when not success) and map it to an AEM_TPM_E_* code. */
int aem_tpm12_fail(struct tpm12 *t, TSS_RESULT rc);
/* Give obj a usage policy with secret (len bytes, plain, hashed by the TSS)
 * or the well-known secret when secret is NULL. */
int aem_tpm12_set_secret(struct tpm12 *t, TSS_HOBJECT obj, const uint8_t *secret, size_t len);
/* Secret from env name (NULL when unset; the pointer is the environment's). */
const char *aem_tpm12_env_secret(const char *name);
/* The owner secret to use: set by the front end, else AEM_OWNER_PASSWORD,
 * else NULL (the well-known secret). */
const char *aem_tpm12_owner_secret(void);
/* After TPM_AUTHFAIL on the SRK with the well-known secret: prompt once for
 * the SRK password and give it to the SRK. 1 = ask again with it, 0 = no
 * (AEM_SRK_PASSWORD set, already asked, no prompt), <0 = error. */
int aem_tpm12_srk_reprompt(struct tpm12 *t);
/* Append the dictionary-attack state to t->detail (after a failed
 * authorization); silent when the TPM does not say. */
void aem_tpm12_da_note(struct tpm12 *t);
/* TPM_GetCapability(TPM_CAP_DA_LOGIC) on t, parsed. */
int aem_tpm12_ask_da(struct tpm12 *t, struct aem_tpm12_da_info *di);
int aem_tpm12_da_info(void *impl, struct aem_tpm_da *da);
/* 1 when the TPM has an owner, 0 when not, negative AEM_TPM_E_* on error. */
int aem_tpm12_owned(struct tpm12 *t);
/* Load the SRK (once) with its secret; AEM_TPM_E_NOT_OWNED without owner. */
int aem_tpm12_srk(struct tpm12 *t);

int aem_tpm12_seal_key(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		       size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s);
int aem_tpm12_unseal_key(void *impl, const struct aem_sealed *s, const uint8_t *auth,
			 size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN]);
int aem_tpm12_setup(void *impl, int *created);
int aem_tpm12_nv_read(void *impl, uint32_t index, const uint8_t *key, uint8_t *buf, size_t len);
int aem_tpm12_nv_write(void *impl, uint32_t index, const uint8_t *key, const uint8_t *buf,
		       size_t len);
int aem_tpm12_nv_define(void *impl, uint32_t index, const uint8_t *key, size_t len);
int aem_tpm12_nv_undefine(void *impl, uint32_t index);
int aem_tpm12_nv_kind(void *impl, uint32_t index, int *kind, size_t *size);

#endif

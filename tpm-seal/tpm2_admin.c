/* TPM 2.0 operations of the administration commands only (tpm-setup, DA
 * state, random bytes, TPM-resident HMAC keys): kept out of the facade's
 * core table so the boot-path program does not link them. */
#include "tpm2_priv.h"
#include "tpm2_nv.h"
#include "err.h"

#include <string.h>

/* TCG "EK Credential Profile"/provisioning-guidance style storage template:
 * unique x and y are 32 zero bytes each so every TPM derives the same key
 * from its owner seed. */
static void srk_template(TPM2B_PUBLIC *pub)
{
	TPMT_PUBLIC *p = &pub->publicArea;

	memset(pub, 0, sizeof(*pub));
	p->type = TPM2_ALG_ECC;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = AEM_TPM2_SRK_ATTRS;
	p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
	p->parameters.eccDetail.symmetric.keyBits.aes = 128;
	p->parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
	p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
	p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	p->unique.ecc.x.size = 32;
	p->unique.ecc.y.size = 32;
}

static int srk_create(struct tpm2 *t)
{
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside = { .size = 0 };
	TPML_PCR_SELECTION none = { .count = 0 };
	ESYS_TR obj = ESYS_TR_NONE, persist = ESYS_TR_NONE;
	TSS2_RC rc;

	ESYS_TR sess;
	int err;

	memset(&sens, 0, sizeof(sens));
	srk_template(&tmpl);
	/* The owner password in HMAC sessions, never in a password session
	 * (no key to salt with yet: the HMAC does not reveal it). */
	if ((err = aem_tpm2_owner_session(t, 0, &sess)) != 0)
		return err;
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_OWNER, sess, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &none, &obj, NULL, NULL,
				NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_FlushContext(t->esys, sess);
		return aem_tpm2_fail(t, rc);
	}
	if ((err = aem_tpm2_owner_session(t, 0, &sess)) != 0) {
		Esys_FlushContext(t->esys, obj);
		return err;
	}
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, obj, sess, ESYS_TR_NONE,
			       ESYS_TR_NONE, AEM_TPM2_SRK_HANDLE, &persist);
	if (rc != TSS2_RC_SUCCESS)
		Esys_FlushContext(t->esys, sess);
	Esys_FlushContext(t->esys, obj);
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_fail(t, rc);
	Esys_TR_Close(t->esys, &persist);
	return 0;
}

int aem_tpm2_setup(void *impl, int *created)
{
	struct tpm2 *t = impl;
	ESYS_TR srk;
	int err;

	*created = 0;
	err = aem_tpm2_srk_get(t, 1, &srk);
	if (err == 0) {
		Esys_TR_Close(t->esys, &srk);
		return 0;
	}
	if (err != AEM_TPM_E_NO_SRK)
		return err; /* a foreign key at the handle is never replaced */
	err = srk_create(t);
	if (err)
		return err;
	*created = 1;
	return 0;
}

static int tpm2_random(void *impl, uint8_t *buf, size_t len)
{
	struct tpm2 *t = impl;

	while (len) {
		TPM2B_DIGEST *r = NULL;
		UINT16 want = len > 32 ? 32 : (UINT16)len;
		TSS2_RC rc = Esys_GetRandom(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
					    want, &r);

		if (rc != TSS2_RC_SUCCESS && aem_tpm2_startup_retry(t, rc))
			continue;
		if (rc != TSS2_RC_SUCCESS)
			return aem_tpm2_fail(t, rc);
		if (r->size == 0 || r->size > want) {
			Esys_Free(r);
			return AEM_TPM_E_TPM;
		}
		memcpy(buf, r->buffer, r->size);
		buf += r->size;
		len -= r->size;
		explicit_bzero(r->buffer, r->size);
		Esys_Free(r);
	}
	return 0;
}

static void da_take(struct aem_tpm_da *da, const TPMS_TAGGED_PROPERTY *p)
{
	switch (p->property) {
	case TPM2_PT_PERMANENT: da->in_lockout = !!(p->value & TPMA_PERMANENT_INLOCKOUT); break;
	case TPM2_PT_LOCKOUT_COUNTER: da->counter = p->value; break;
	case TPM2_PT_MAX_AUTH_FAIL: da->max_tries = p->value; break;
	case TPM2_PT_LOCKOUT_INTERVAL: da->recovery_s = p->value; break;
	default: break;
	}
}

static int tpm2_da_info(void *impl, struct aem_tpm_da *da)
{
	struct tpm2 *t = impl;
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	TSS2_RC rc;

	/* TPM_PT_PERMANENT .. TPM_PT_LOCKOUT_INTERVAL in one GetCapability. */
	rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				TPM2_CAP_TPM_PROPERTIES, TPM2_PT_PERMANENT,
				TPM2_PT_LOCKOUT_INTERVAL - TPM2_PT_PERMANENT + 1, &more, &cap);
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_fail(t, rc);
	for (UINT32 i = 0; i < cap->data.tpmProperties.count && i < TPM2_MAX_TPM_PROPERTIES; i++)
		da_take(da, &cap->data.tpmProperties.tpmProperty[i]);
	Esys_Free(cap);
	return 0;
}

const struct aem_tpm_admin_ops aem_tpm2_admin_ops = {
	.random = tpm2_random,
	.da_info = tpm2_da_info,
	.setup = aem_tpm2_setup,
	.hmac_seal = aem_tpm2_hmac_seal,
	.hmac = aem_tpm2_hmac,
	.nv_define = aem_tpm2_nv_define,
	.nv_undefine = aem_tpm2_nv_undefine,
	.nv_kind = aem_tpm2_nv_kind,
};

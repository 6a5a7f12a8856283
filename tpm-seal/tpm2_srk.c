/* The storage root key: an ECC NIST P-256 restricted decryption key made
 * from the TCG provisioning template and kept at AEM_TPM2_SRK_HANDLE. Only
 * `aem tpm-setup` creates it; seal and unseal only look it up, so a missing
 * or foreign key is reported instead of silently replaced. */
#include "tpm2_priv.h"
#include "err.h"

#include <string.h>

#define SRK_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
		   TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH | \
		   TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT)

/* TCG "EK Credential Profile"/provisioning-guidance style storage template:
 * unique x and y are 32 zero bytes each so every TPM derives the same key
 * from its owner seed. */
static void srk_template(TPM2B_PUBLIC *pub)
{
	TPMT_PUBLIC *p = &pub->publicArea;

	memset(pub, 0, sizeof(*pub));
	p->type = TPM2_ALG_ECC;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = SRK_ATTRS;
	p->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
	p->parameters.eccDetail.symmetric.keyBits.aes = 128;
	p->parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
	p->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
	p->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
	p->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	p->unique.ecc.x.size = 32;
	p->unique.ecc.y.size = 32;
}

/* Is pub a key of our template? The unique point differs per TPM and is
 * not compared. */
static int srk_matches(const TPMT_PUBLIC *p)
{
	const TPMS_ECC_PARMS *e = &p->parameters.eccDetail;

	return p->type == TPM2_ALG_ECC && p->nameAlg == TPM2_ALG_SHA256 &&
	       p->objectAttributes == SRK_ATTRS && p->authPolicy.size == 0 &&
	       e->symmetric.algorithm == TPM2_ALG_AES && e->symmetric.keyBits.aes == 128 &&
	       e->symmetric.mode.aes == TPM2_ALG_CFB && e->scheme.scheme == TPM2_ALG_NULL &&
	       e->curveID == TPM2_ECC_NIST_P256 && e->kdf.scheme == TPM2_ALG_NULL;
}

static int srk_check(struct tpm2 *t, ESYS_TR srk)
{
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL, *qname = NULL;
	TSS2_RC rc;
	int ok;

	rc = Esys_ReadPublic(t->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, &name,
			     &qname);
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_fail(t, rc);
	ok = srk_matches(&pub->publicArea);
	Esys_Free(pub);
	Esys_Free(name);
	Esys_Free(qname);
	return ok ? 0 : AEM_TPM_E_BAD_SRK;
}

int aem_tpm2_srk_get(struct tpm2 *t, int check, ESYS_TR *srk)
{
	TSS2_RC rc;
	int err;

	*srk = ESYS_TR_NONE;
	do
		rc = Esys_TR_FromTPMPublic(t->esys, AEM_TPM2_SRK_HANDLE, ESYS_TR_NONE, ESYS_TR_NONE,
					   ESYS_TR_NONE, srk);
	while (rc != TSS2_RC_SUCCESS && aem_tpm2_startup_retry(t, rc));
	if (rc != TSS2_RC_SUCCESS) {
		err = aem_tpm2_fail(t, rc);
		/* TPM_RC_HANDLE on ReadPublic: nothing at the persistent handle. */
		if ((rc & TSS2_RC_LAYER_MASK) == 0 && aem_tpm2_rc_base(rc) == TPM2_RC_HANDLE)
			return AEM_TPM_E_NO_SRK;
		return err;
	}
	if (!check)
		return 0;
	err = srk_check(t, *srk);
	if (err)
		Esys_TR_Close(t->esys, srk);
	return err;
}

int aem_tpm2_salted_session(struct tpm2 *t, ESYS_TR srk, TPM2_SE type, ESYS_TR *sess)
{
	TPMT_SYM_DEF sym = { .algorithm = TPM2_ALG_AES, .keyBits.aes = 128, .mode.aes = TPM2_ALG_CFB };
	TSS2_RC rc;

	/* The salt is encrypted to the SRK, so only this TPM can derive the
	 * session key that protects the parameters. */
	rc = Esys_StartAuthSession(t->esys, srk, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
				   ESYS_TR_NONE, NULL, type, &sym, TPM2_ALG_SHA256, sess);
	return aem_tpm2_fail(t, rc);
}

static int srk_create(struct tpm2 *t)
{
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl;
	TPM2B_DATA outside = { .size = 0 };
	TPML_PCR_SELECTION none = { .count = 0 };
	ESYS_TR obj = ESYS_TR_NONE, persist = ESYS_TR_NONE;
	TSS2_RC rc;

	memset(&sens, 0, sizeof(sens));
	srk_template(&tmpl);
	rc = Esys_CreatePrimary(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				ESYS_TR_NONE, &sens, &tmpl, &outside, &none, &obj, NULL, NULL,
				NULL, NULL);
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_fail(t, rc);
	rc = Esys_EvictControl(t->esys, ESYS_TR_RH_OWNER, obj, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			       ESYS_TR_NONE, AEM_TPM2_SRK_HANDLE, &persist);
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

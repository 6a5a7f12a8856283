/* The storage root key: an ECC NIST P-256 restricted decryption key made
 * from the TCG provisioning template and kept at AEM_TPM2_SRK_HANDLE. Only
 * `aem tpm-setup` creates it (tpm2_admin.c); seal and unseal only look it up,
 * so a missing or foreign key is reported instead of silently replaced. */
#include "tpm2_priv.h"
#include "err.h"
#include "pcr.h"

#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

/* Is pub a key of our template? The unique point differs per TPM and is
 * not compared. */
static int srk_matches(const TPMT_PUBLIC *p)
{
	const TPMS_ECC_PARMS *e = &p->parameters.eccDetail;

	return p->type == TPM2_ALG_ECC && p->nameAlg == TPM2_ALG_SHA256 &&
	       p->objectAttributes == AEM_TPM2_SRK_ATTRS && p->authPolicy.size == 0 &&
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

/* The name of the key behind tr, computed from the public area ESYS keeps
 * for it (the one its ReadPublic returned, and the one it encrypts a salt
 * to): no TPM command. Esys_TR_Serialize writes the resource as handle,
 * name, resource type (1: a key), then the TPM2B_PUBLIC. The name ESYS
 * stored must be the computed one too. */
static int tr_name(struct tpm2 *t, ESYS_TR tr, uint8_t name[AEM_TPM2_NAME_LEN])
{
	uint8_t *buf = NULL, area[sizeof(TPMT_PUBLIC)];
	size_t len = 0, off = 0, alen = 0;
	TPM2B_PUBLIC pub;
	TPM2B_NAME esys_name;
	UINT32 handle, type;
	int err = AEM_TPM_E_SALT_KEY;

	/* A structured TPM2B unmarshals only into one whose size is 0. */
	memset(&pub, 0, sizeof(pub));
	memset(&esys_name, 0, sizeof(esys_name));
	if (Esys_TR_Serialize(t->esys, tr, &buf, &len) != TSS2_RC_SUCCESS)
		return AEM_TPM_E_TPM;
	if (!Tss2_MU_UINT32_Unmarshal(buf, len, &off, &handle) &&
	    !Tss2_MU_TPM2B_NAME_Unmarshal(buf, len, &off, &esys_name) &&
	    !Tss2_MU_UINT32_Unmarshal(buf, len, &off, &type) && type == 1 &&
	    !Tss2_MU_TPM2B_PUBLIC_Unmarshal(buf, len, &off, &pub) &&
	    pub.publicArea.nameAlg == TPM2_ALG_SHA256 &&
	    !Tss2_MU_TPMT_PUBLIC_Marshal(&pub.publicArea, area, sizeof(area), &alen)) {
		name[0] = 0x00;
		name[1] = 0x0b;
		err = aem_hash(AEM_BANK_SHA256, area, alen, name + 2) ? AEM_E_CRYPTO : 0;
		if (!err && (esys_name.size != AEM_TPM2_NAME_LEN ||
			     memcmp(esys_name.name, name, AEM_TPM2_NAME_LEN)))
			err = AEM_TPM_E_SALT_KEY;
	}
	free(buf);
	return err;
}

int aem_tpm2_srk_name(void *impl, uint8_t name[AEM_TPM2_NAME_LEN])
{
	struct tpm2 *t = impl;
	ESYS_TR srk;
	int err = aem_tpm2_srk_get(t, 1, &srk);

	if (err)
		return err;
	err = tr_name(t, srk, name);
	Esys_TR_Close(t->esys, &srk);
	return err;
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
	/* The key recorded by tpm-setup, checked on the public area the lookup
	 * just read, before anything is salted with it. */
	if (aem_tpm_expected_srk_name()) {
		uint8_t name[AEM_TPM2_NAME_LEN];

		err = tr_name(t, *srk, name);
		if (!err && memcmp(name, aem_tpm_expected_srk_name(), sizeof(name)))
			err = AEM_TPM_E_SALT_KEY;
		if (err) {
			Esys_TR_Close(t->esys, srk);
			return err;
		}
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

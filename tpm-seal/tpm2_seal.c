/* TPM 2.0 sealing of the 32-byte payload key.
 *
 * Seal: the object's authPolicy is computed offline (policy.c) from the
 * expected PCR values, so sealing to predicted values and to current ones is
 * one path. TPM2_Create runs in an HMAC session salted with the SRK whose
 * command parameter encryption (TPMA_SESSION_DECRYPT) hides the key and the
 * PIN-derived authValue on the wire.
 *
 * Unseal: ReadPublic(SRK), StartAuthSession(policy, salted with the SRK,
 * AES-128-CFB), PolicyPCR(, PolicyAuthValue), Load, Unseal with response
 * encryption (TPMA_SESSION_ENCRYPT) and no continueSession (the TPM drops the
 * session), FlushContext(object): six TPM commands, seven with a PIN. The SRK
 * template is not re-checked here: a different key at the handle cannot load
 * the object (the private part is bound to the real parent's seed). */
#include "tpm2_priv.h"
#include "err.h"
#include "policy.h"

#include <string.h>
#include <tss2/tss2_mu.h>

static void sealed_template(TPM2B_PUBLIC *pub, const uint8_t policy[AEM_POLICY_SIZE])
{
	TPMT_PUBLIC *p = &pub->publicArea;

	memset(pub, 0, sizeof(*pub));
	p->type = TPM2_ALG_KEYEDHASH;
	p->nameAlg = TPM2_ALG_SHA256;
	/* No userWithAuth: the PIN alone never unseals, only the policy does.
	 * No noDA: wrong PINs count toward the TPM's dictionary-attack lockout. */
	p->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
	p->authPolicy.size = AEM_POLICY_SIZE;
	memcpy(p->authPolicy.buffer, policy, AEM_POLICY_SIZE);
	p->parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;
}

/* The object's policy digest for values v (and a PIN when with_auth). */
int aem_tpm2_expected_policy(const struct aem_pcr_values *v, int with_auth,
			   uint8_t policy[AEM_POLICY_SIZE])
{
	int err;

	aem_policy_init(policy);
	err = aem_policy_pcr(policy, v);
	if (!err && with_auth)
		err = aem_policy_authvalue(policy);
	return err;
}

static int store_blobs(const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv, struct aem_sealed *s)
{
	size_t off = 0;

	if (Tss2_MU_TPM2B_PUBLIC_Marshal(pub, s->blob_pub, sizeof(s->blob_pub), &off))
		return AEM_TPM_E_TPM;
	s->blob_pub_len = off;
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Marshal(priv, s->blob_priv, sizeof(s->blob_priv), &off))
		return AEM_TPM_E_TPM;
	s->blob_priv_len = off;
	return 0;
}

int aem_tpm2_create(struct tpm2 *t, ESYS_TR srk, const TPM2B_SENSITIVE_CREATE *sens,
			 const TPM2B_PUBLIC *tmpl, struct aem_sealed *s)
{
	TPM2B_DATA outside = { .size = 0 };
	TPML_PCR_SELECTION none = { .count = 0 };
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_PUBLIC *pub = NULL;
	ESYS_TR sess;
	TSS2_RC rc;
	int err;

	err = aem_tpm2_salted_session(t, srk, TPM2_SE_HMAC, &sess);
	if (err)
		return err;
	/* Exactly DECRYPT: encrypt inSensitive; no continueSession, so the TPM
	 * frees the session after Create. */
	Esys_TRSess_SetAttributes(t->esys, sess, TPMA_SESSION_DECRYPT, 0xff);
	rc = Esys_Create(t->esys, srk, sess, ESYS_TR_NONE, ESYS_TR_NONE, sens, tmpl, &outside,
			 &none, &priv, &pub, NULL, NULL, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_FlushContext(t->esys, sess); /* a failed command leaves it loaded */
		return aem_tpm2_fail(t, rc);
	}
	err = store_blobs(pub, priv, s);
	Esys_Free(priv);
	Esys_Free(pub);
	return err;
}

int aem_tpm2_seal_key(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		  size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s)
{
	struct tpm2 *t = impl;
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl;
	ESYS_TR srk;
	uint8_t policy[AEM_POLICY_SIZE];
	int err;

	if (auth && (auth_len == 0 || auth_len > sizeof(sens.sensitive.userAuth.buffer)))
		return AEM_E_INVAL;
	err = aem_tpm2_expected_policy(expect, auth != NULL, policy);
	if (err)
		return err;
	err = aem_tpm2_srk_get(t, 1, &srk);
	if (err)
		return err;
	sealed_template(&tmpl, policy);
	memset(&sens, 0, sizeof(sens));
	if (auth) {
		sens.sensitive.userAuth.size = (UINT16)auth_len;
		memcpy(sens.sensitive.userAuth.buffer, auth, auth_len);
	}
	sens.sensitive.data.size = AEM_TPM_KEY_LEN;
	memcpy(sens.sensitive.data.buffer, key, AEM_TPM_KEY_LEN);
	err = aem_tpm2_create(t, srk, &sens, &tmpl, s);
	explicit_bzero(&sens, sizeof(sens));
	Esys_TR_Close(t->esys, &srk);
	if (err)
		return err;
	s->family = AEM_FAMILY_TPM20;
	memcpy(s->policy, policy, AEM_POLICY_SIZE);
	s->policy_len = AEM_POLICY_SIZE;
	return 0;
}

/* Unmarshal the blobs and check, before any TPM command, that the policy
 * digest recomputed from the file's expected values equals both the stored
 * digest and the object's authPolicy: an edited file explains itself. */
int aem_tpm2_load_blobs(const struct aem_sealed *s, TPM2B_PUBLIC *pub, TPM2B_PRIVATE *priv)
{
	uint8_t policy[AEM_POLICY_SIZE];
	size_t off = 0;
	int err;

	memset(pub, 0, sizeof(*pub));
	memset(priv, 0, sizeof(*priv));
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(s->blob_pub, s->blob_pub_len, &off, pub) ||
	    off != s->blob_pub_len)
		return AEM_E_FORMAT;
	off = 0;
	if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(s->blob_priv, s->blob_priv_len, &off, priv) ||
	    off != s->blob_priv_len)
		return AEM_E_FORMAT;
	err = aem_tpm2_expected_policy(&s->expect, !!(s->flags & AEM_SEALED_F_PIN), policy);
	if (err)
		return AEM_E_FORMAT;
	if (s->policy_len != AEM_POLICY_SIZE || memcmp(policy, s->policy, AEM_POLICY_SIZE) ||
	    pub->publicArea.authPolicy.size != AEM_POLICY_SIZE ||
	    memcmp(policy, pub->publicArea.authPolicy.buffer, AEM_POLICY_SIZE))
		return AEM_E_CRYPTO;
	return 0;
}

/* PolicyPCR with the expected digest: a TPM whose PCRs differ answers
 * TPM_RC_VALUE right here, before Load. */
int aem_tpm2_run_policy(struct tpm2 *t, ESYS_TR sess, const struct aem_sealed *s)
{
	const struct aem_pcr_values *v = &s->expect;
	uint8_t cat[AEM_PCR_COUNT * AEM_MAX_DIGEST];
	size_t n = 0, dsize = aem_bank_size(v->bank);
	TPML_PCR_SELECTION sel;
	TPM2B_DIGEST digest = { .size = 32 };
	TSS2_RC rc;

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(v->mask, i)) {
			memcpy(cat + n, v->v[i], dsize);
			n += dsize;
		}
	/* The PolicyPCR digest is in the session's hash, SHA-256. */
	if (aem_hash(AEM_BANK_SHA256, cat, n, digest.buffer))
		return AEM_E_CRYPTO;
	aem_tpm2_selection(&sel, v->bank, v->mask);
	rc = Esys_PolicyPCR(t->esys, sess, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &digest, &sel);
	if (aem_tpm2_rc_base(rc) == TPM2_RC_VALUE) {
		t->last_rc = rc;
		return AEM_TPM_E_PCR_MISMATCH;
	}
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_fail(t, rc);
	if (s->flags & AEM_SEALED_F_PIN) {
		rc = Esys_PolicyAuthValue(t->esys, sess, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE);
		if (rc != TSS2_RC_SUCCESS)
			return aem_tpm2_fail(t, rc);
	}
	return 0;
}

static int unseal_object(struct tpm2 *t, ESYS_TR obj, ESYS_TR sess, uint8_t key[AEM_TPM_KEY_LEN])
{
	TPM2B_SENSITIVE_DATA *out = NULL;
	TSS2_RC rc;
	int err = 0;

	Esys_TRSess_SetAttributes(t->esys, sess, TPMA_SESSION_ENCRYPT, 0xff);
	rc = Esys_Unseal(t->esys, obj, sess, ESYS_TR_NONE, ESYS_TR_NONE, &out);
	if (rc != TSS2_RC_SUCCESS) {
		err = aem_tpm2_fail(t, rc);
		/* With a correct PIN, a failed policy is the PCRs changing. */
		if (err == AEM_TPM_E_POLICY)
			err = AEM_TPM_E_PCR_MISMATCH;
		Esys_FlushContext(t->esys, sess);
		return err;
	}
	if (out->size != AEM_TPM_KEY_LEN)
		err = AEM_E_FORMAT;
	else
		memcpy(key, out->buffer, AEM_TPM_KEY_LEN);
	explicit_bzero(out->buffer, sizeof(out->buffer));
	Esys_Free(out);
	return err;
}

int aem_tpm2_policy_load(struct tpm2 *t, const struct aem_sealed *s, const uint8_t *auth,
			 size_t auth_len, int (*kind_ok)(const TPMT_PUBLIC *p), ESYS_TR *obj,
			 ESYS_TR *sess)
{
	TPM2B_PUBLIC pub;
	TPM2B_PRIVATE priv;
	TPM2B_AUTH a = { .size = 0 };
	ESYS_TR srk;
	TSS2_RC rc;
	int err;

	*obj = *sess = ESYS_TR_NONE;
	if (!!(s->flags & AEM_SEALED_F_PIN) != (auth != NULL) ||
	    (auth && (auth_len == 0 || auth_len > sizeof(a.buffer))))
		return AEM_E_INVAL;
	err = aem_tpm2_load_blobs(s, &pub, &priv);
	if (!err && kind_ok && !kind_ok(&pub.publicArea))
		err = AEM_E_FORMAT;
	if (!err)
		err = aem_tpm2_srk_get(t, 0, &srk);
	if (err)
		return err;
	err = aem_tpm2_salted_session(t, srk, TPM2_SE_POLICY, sess);
	if (!err)
		err = aem_tpm2_run_policy(t, *sess, s);
	if (!err) {
		rc = Esys_Load(t->esys, srk, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &priv,
			       &pub, obj);
		err = aem_tpm2_fail(t, rc);
	}
	Esys_TR_Close(t->esys, &srk);
	if (err) {
		if (*sess != ESYS_TR_NONE)
			Esys_FlushContext(t->esys, *sess);
		*obj = *sess = ESYS_TR_NONE;
		return err;
	}
	if (auth) {
		a.size = (UINT16)auth_len;
		memcpy(a.buffer, auth, auth_len);
		Esys_TR_SetAuth(t->esys, *obj, &a);
		explicit_bzero(&a, sizeof(a));
	}
	return 0;
}

int aem_tpm2_unseal_key(void *impl, const struct aem_sealed *s, const uint8_t *auth,
		    size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN])
{
	struct tpm2 *t = impl;
	ESYS_TR obj, sess;
	int err = aem_tpm2_policy_load(t, s, auth, auth_len, NULL, &obj, &sess);

	if (err)
		return err;
	err = unseal_object(t, obj, sess, key);
	Esys_FlushContext(t->esys, obj);
	return err;
}

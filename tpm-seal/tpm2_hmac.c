/* TPM 2.0 HMAC key objects: a TOTP/HOTP key that the TPM keeps and uses
 * itself, so after enrolment the key never exists in host memory again.
 *
 * Create: a keyedHash object with the HMAC scheme (SHA-1 or SHA-256), the
 * key imported as its sensitive data, authPolicy = PolicyPCR (+
 * PolicyAuthValue with a PIN) computed offline from the expected values,
 * fixedTPM|fixedParent|sign, no userWithAuth: only the policy can use it.
 * TPM2_Create runs in a session salted with the SRK that encrypts the key on
 * the wire (TPMA_SESSION_DECRYPT).
 *
 * HMAC: Load, a policy session salted with the SRK, PolicyPCR(,
 * PolicyAuthValue), TPM2_HMAC with response encryption, FlushContext. A TPM
 * whose PCRs differ refuses at PolicyPCR (TPM_RC_VALUE). */
#include "tpm2_priv.h"
#include "err.h"
#include "policy.h"

#include <string.h>
#include <tss2/tss2_mu.h>

#define HMAC_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SIGN_ENCRYPT)

static void hmac_template(TPM2B_PUBLIC *pub, enum aem_bank hash,
			  const uint8_t policy[AEM_POLICY_SIZE])
{
	TPMT_PUBLIC *p = &pub->publicArea;

	memset(pub, 0, sizeof(*pub));
	p->type = TPM2_ALG_KEYEDHASH;
	p->nameAlg = TPM2_ALG_SHA256;
	p->objectAttributes = HMAC_ATTRS;
	p->authPolicy.size = AEM_POLICY_SIZE;
	memcpy(p->authPolicy.buffer, policy, AEM_POLICY_SIZE);
	p->parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_HMAC;
	p->parameters.keyedHashDetail.scheme.details.hmac.hashAlg = (TPMI_ALG_HASH)hash;
}

int aem_tpm2_hmac_seal(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		       size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
		       struct aem_sealed *s)
{
	struct tpm2 *t = impl;
	TPM2B_SENSITIVE_CREATE sens;
	TPM2B_PUBLIC tmpl;
	uint8_t policy[AEM_POLICY_SIZE];
	ESYS_TR srk;
	int err;

	if ((hash != AEM_BANK_SHA1 && hash != AEM_BANK_SHA256) || key_len == 0 ||
	    key_len > AEM_TPM_HMAC_KEY_MAX ||
	    (auth && (auth_len == 0 || auth_len > sizeof(sens.sensitive.userAuth.buffer))))
		return AEM_E_INVAL;
	err = aem_tpm2_expected_policy(expect, auth != NULL, policy);
	if (err)
		return err;
	err = aem_tpm2_srk_get(t, 1, &srk);
	if (err)
		return err;
	hmac_template(&tmpl, hash, policy);
	memset(&sens, 0, sizeof(sens));
	if (auth) {
		sens.sensitive.userAuth.size = (UINT16)auth_len;
		memcpy(sens.sensitive.userAuth.buffer, auth, auth_len);
	}
	sens.sensitive.data.size = (UINT16)key_len;
	memcpy(sens.sensitive.data.buffer, key, key_len);
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

/* Is the loaded public area an HMAC key of ours? */
static int is_hmac_key(const TPMT_PUBLIC *p)
{
	return p->type == TPM2_ALG_KEYEDHASH && p->objectAttributes == HMAC_ATTRS &&
	       p->parameters.keyedHashDetail.scheme.scheme == TPM2_ALG_HMAC;
}

static int run_hmac(struct tpm2 *t, ESYS_TR obj, ESYS_TR sess, const uint8_t *msg,
		    size_t msg_len, uint8_t *mac, size_t *mac_len)
{
	TPM2B_MAX_BUFFER in = { .size = (UINT16)msg_len };
	TPM2B_DIGEST *out = NULL;
	TSS2_RC rc;
	int err = 0;

	memcpy(in.buffer, msg, msg_len);
	Esys_TRSess_SetAttributes(t->esys, sess, TPMA_SESSION_ENCRYPT, 0xff);
	rc = Esys_HMAC(t->esys, obj, sess, ESYS_TR_NONE, ESYS_TR_NONE, &in, TPM2_ALG_NULL, &out);
	if (rc != TSS2_RC_SUCCESS) {
		err = aem_tpm2_fail(t, rc);
		if (err == AEM_TPM_E_POLICY)
			err = AEM_TPM_E_PCR_MISMATCH; /* PCRs changed after PolicyPCR */
		Esys_FlushContext(t->esys, sess);
		return err;
	}
	if (out->size == 0 || out->size > AEM_MAX_DIGEST) {
		err = AEM_TPM_E_TPM;
	} else {
		memcpy(mac, out->buffer, out->size);
		*mac_len = out->size;
	}
	Esys_Free(out);
	return err;
}

int aem_tpm2_hmac(void *impl, const struct aem_sealed *s, const uint8_t *auth, size_t auth_len,
		  const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len)
{
	struct tpm2 *t = impl;
	ESYS_TR obj, sess;
	int err;

	*mac_len = 0;
	if (msg_len > sizeof(((TPM2B_MAX_BUFFER *)0)->buffer))
		return AEM_E_INVAL;
	err = aem_tpm2_policy_load(t, s, auth, auth_len, is_hmac_key, &obj, &sess);
	if (err)
		return err;
	err = run_hmac(t, obj, sess, msg, msg_len, mac, mac_len);
	Esys_FlushContext(t->esys, obj);
	return err;
}

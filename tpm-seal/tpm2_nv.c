/* TPM 2.0 NV storage of aem's two kinds (tpm.h, aem_tpm_nv_read):
 *  owner kind: ownerWrite | ownerRead | authRead | noDA, empty authValue:
 *    the owner writes, anyone reads with the empty password (the identity);
 *  keyed kind: authWrite | authRead | ownerRead | noDA, authValue = a
 *    32-byte key: only who holds the key writes (the freshness slots); the
 *    owner can read it but not write it, and an owner who undefines it and
 *    defines it again cannot give it the same key without knowing it.
 * Both: ordinary index, nameAlg SHA-256, empty authPolicy (no ADMIN role:
 * NV_ChangeAuth is impossible). Every access first compares the public area
 * with the kind. Owner authorizations run in an HMAC session salted with
 * the storage root key (parameter encryption hides the new index's key in
 * NV_DefineSpace); key authorizations in an HMAC session: no password
 * session ever carries a secret. NO_DA: failures never count against the
 * dictionary-attack lockout (the keys are random, 256 bits). */
#include "tpm2_priv.h"
#include "tpm2_nv.h"
#include "tpm12.h"   /* AEM_TPM12_OWNER_ENV: one owner-password variable for both families */
#include "err.h"

#include <stdlib.h>
#include <string.h>

#define NV_MAX 512
#define ATTRS_OWNER (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA)
#define ATTRS_KEYED (TPMA_NV_AUTHWRITE | TPMA_NV_AUTHREAD | TPMA_NV_OWNERREAD | TPMA_NV_NO_DA)

static int owner_auth(struct tpm2 *t)
{
	const char *pw = getenv(AEM_TPM12_OWNER_ENV);
	TPM2B_AUTH a = { 0 };
	size_t n = pw ? strlen(pw) : 0;
	int err;

	if (n > sizeof(a.buffer))
		return AEM_E_INVAL;
	a.size = (UINT16)n;
	if (n)
		memcpy(a.buffer, pw, n);
	err = aem_tpm2_fail(t, Esys_TR_SetAuth(t->esys, ESYS_TR_RH_OWNER, &a));
	explicit_bzero(&a, sizeof(a));
	return err;
}

/* An HMAC session for one command (no continueSession: the TPM frees it).
 * salted: salted with the storage root key (checked, and its name when one
 * is recorded), parameter encryption of the first command parameter. */
static int hmac_session(struct tpm2 *t, int salted, ESYS_TR *sess)
{
	TPMT_SYM_DEF none = { .algorithm = TPM2_ALG_NULL };
	ESYS_TR srk;
	int err;

	*sess = ESYS_TR_NONE;
	if (salted) {
		err = aem_tpm2_srk_get(t, 1, &srk);
		if (!err)
			err = aem_tpm2_salted_session(t, srk, TPM2_SE_HMAC, sess);
		if (srk != ESYS_TR_NONE)
			Esys_TR_Close(t->esys, &srk);
		if (!err)
			Esys_TRSess_SetAttributes(t->esys, *sess, TPMA_SESSION_DECRYPT, 0xff);
		return err;
	}
	err = aem_tpm2_fail(t, Esys_StartAuthSession(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
						     ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL,
						     TPM2_SE_HMAC, &none, TPM2_ALG_SHA256, sess));
	if (!err)
		Esys_TRSess_SetAttributes(t->esys, *sess, 0, 0xff);
	return err;
}

int aem_tpm2_owner_session(struct tpm2 *t, int salted, ESYS_TR *sess)
{
	int err = owner_auth(t);

	*sess = ESYS_TR_NONE;
	if (!err)
		err = hmac_session(t, salted, sess);
	if (!err)
		Esys_TRSess_SetAttributes(t->esys, *sess, 0, 0xff);
	return err;
}

static void session_done(struct tpm2 *t, ESYS_TR sess, TSS2_RC rc)
{
	/* A failed command leaves the session loaded. */
	if (rc != TSS2_RC_SUCCESS && sess != ESYS_TR_NONE)
		Esys_FlushContext(t->esys, sess);
}

static int classify(const TPMS_NV_PUBLIC *p)
{
	TPMA_NV a = p->attributes & ~(TPMA_NV)TPMA_NV_WRITTEN;

	if (p->nameAlg != TPM2_ALG_SHA256 || p->authPolicy.size != 0)
		return AEM_TPM_NV_OTHER;
	if (a == ATTRS_OWNER)
		return AEM_TPM_NV_OWNER;
	if (a == ATTRS_KEYED)
		return AEM_TPM_NV_KEYED;
	return AEM_TPM_NV_OTHER;
}

/* The index as an ESYS_TR, its kind and data size; AEM_E_INVAL when undefined. */
static int nv_open(struct tpm2 *t, uint32_t index, ESYS_TR *tr, int *kind, size_t *size)
{
	TPM2B_NV_PUBLIC *pub = NULL;
	TPM2B_NAME *name = NULL;
	TSS2_RC rc;

	do
		rc = Esys_TR_FromTPMPublic(t->esys, index, ESYS_TR_NONE, ESYS_TR_NONE,
					   ESYS_TR_NONE, tr);
	while (rc != TSS2_RC_SUCCESS && aem_tpm2_startup_retry(t, rc));
	if (rc != TSS2_RC_SUCCESS)
		return aem_tpm2_rc_base(rc) == TPM2_RC_HANDLE ? AEM_E_INVAL : aem_tpm2_fail(t, rc);
	rc = Esys_NV_ReadPublic(t->esys, *tr, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, &name);
	if (rc != TSS2_RC_SUCCESS) {
		Esys_TR_Close(t->esys, tr);
		return aem_tpm2_fail(t, rc);
	}
	*size = pub->nvPublic.dataSize;
	*kind = classify(&pub->nvPublic);
	Esys_Free(pub);
	Esys_Free(name);
	return 0;
}

/* nv_open, then the public area must be the kind key asks for, of len bytes. */
static int nv_open_checked(struct tpm2 *t, uint32_t index, const uint8_t *key, size_t len,
			   ESYS_TR *tr)
{
	int kind = AEM_TPM_NV_ABSENT, err;
	size_t size = 0;

	if (!len || len > NV_MAX)
		return AEM_E_INVAL;
	err = nv_open(t, index, tr, &kind, &size);
	if (err)
		return err;
	if (kind != (key ? AEM_TPM_NV_KEYED : AEM_TPM_NV_OWNER))
		err = AEM_TPM_E_NV_FOREIGN;
	else if (size != len)
		err = AEM_E_INVAL;
	if (!err && key) {
		TPM2B_AUTH a = { .size = AEM_TPM_NV_KEY_LEN };
		memcpy(a.buffer, key, AEM_TPM_NV_KEY_LEN);
		err = aem_tpm2_fail(t, Esys_TR_SetAuth(t->esys, *tr, &a));
		explicit_bzero(&a, sizeof(a));
	}
	if (err)
		Esys_TR_Close(t->esys, tr);
	return err;
}

/* A keyed index that refuses its key was defined again by someone else. */
static int keyed_err(int err, const uint8_t *key)
{
	return key && err == AEM_TPM_E_AUTH ? AEM_TPM_E_NV_FOREIGN : err;
}

int aem_tpm2_nv_read(void *impl, uint32_t index, const uint8_t *key, uint8_t *buf, size_t len)
{
	struct tpm2 *t = impl;
	TPM2B_MAX_NV_BUFFER *data = NULL;
	ESYS_TR tr = ESYS_TR_NONE, sess = ESYS_TR_PASSWORD;
	TSS2_RC rc;
	int err = nv_open_checked(t, index, key, len, &tr);

	if (err)
		return err;
	/* The owner kind reads with its empty password: nothing secret. */
	if (key && (err = hmac_session(t, 0, &sess)) != 0) {
		Esys_TR_Close(t->esys, &tr);
		return err;
	}
	rc = Esys_NV_Read(t->esys, tr, tr, sess, ESYS_TR_NONE, ESYS_TR_NONE, (UINT16)len, 0, &data);
	if (key)
		session_done(t, sess, rc);
	err = keyed_err(aem_tpm2_fail(t, rc), key);
	if (!err && data->size != len)
		err = AEM_TPM_E_TPM;
	if (!err)
		memcpy(buf, data->buffer, len);
	Esys_Free(data);
	Esys_TR_Close(t->esys, &tr);
	return err;
}

static int define(struct tpm2 *t, uint32_t index, const uint8_t *key, size_t len, ESYS_TR *tr)
{
	TPM2B_AUTH auth = { 0 };
	TPM2B_NV_PUBLIC pub;
	ESYS_TR sess;
	TSS2_RC rc;
	int err = owner_auth(t);

	if (!err)
		err = hmac_session(t, 1, &sess);
	if (err)
		return err;
	memset(&pub, 0, sizeof(pub));
	pub.nvPublic.nvIndex = index;
	pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
	pub.nvPublic.attributes = key ? ATTRS_KEYED : ATTRS_OWNER;
	pub.nvPublic.dataSize = (UINT16)len;
	if (key) {
		auth.size = AEM_TPM_NV_KEY_LEN;
		memcpy(auth.buffer, key, AEM_TPM_NV_KEY_LEN);
	}
	rc = Esys_NV_DefineSpace(t->esys, ESYS_TR_RH_OWNER, sess, ESYS_TR_NONE, ESYS_TR_NONE,
				 &auth, &pub, tr);
	explicit_bzero(&auth, sizeof(auth));
	session_done(t, sess, rc);
	return aem_tpm2_fail(t, rc);
}

int aem_tpm2_nv_write(void *impl, uint32_t index, const uint8_t *key, const uint8_t *buf,
		      size_t len)
{
	struct tpm2 *t = impl;
	TPM2B_MAX_NV_BUFFER data;
	ESYS_TR tr = ESYS_TR_NONE, sess = ESYS_TR_NONE;
	TSS2_RC rc;
	int err;

	if (!len || len > NV_MAX || len > sizeof(data.buffer))
		return AEM_E_INVAL;
	err = key ? 0 : owner_auth(t);
	if (!err)
		err = nv_open_checked(t, index, key, len, &tr);
	/* The owner kind is defined on its first write. */
	if (err == AEM_E_INVAL && !key) {
		ESYS_TR probe = ESYS_TR_NONE;
		int kind, e = nv_open(t, index, &probe, &kind, &(size_t){ 0 });

		if (e == AEM_E_INVAL)
			err = define(t, index, NULL, len, &tr);
		else if (!e)
			Esys_TR_Close(t->esys, &probe);
	}
	if (err)
		return err;
	err = hmac_session(t, !key, &sess);
	if (err) {
		Esys_TR_Close(t->esys, &tr);
		return err;
	}
	/* Parameter encryption is not needed for what is stored: it is not secret. */
	Esys_TRSess_SetAttributes(t->esys, sess, 0, 0xff);
	data.size = (UINT16)len;
	memcpy(data.buffer, buf, len);
	rc = Esys_NV_Write(t->esys, key ? tr : ESYS_TR_RH_OWNER, tr, sess, ESYS_TR_NONE,
			   ESYS_TR_NONE, &data, 0);
	session_done(t, sess, rc);
	err = keyed_err(aem_tpm2_fail(t, rc), key);
	Esys_TR_Close(t->esys, &tr);
	return err;
}

int aem_tpm2_nv_undefine(void *impl, uint32_t index)
{
	struct tpm2 *t = impl;
	ESYS_TR tr = ESYS_TR_NONE, sess;
	int kind, err;
	size_t size;
	TSS2_RC rc;

	err = nv_open(t, index, &tr, &kind, &size);
	if (err == AEM_E_INVAL)
		return 0;
	if (!err)
		err = owner_auth(t);
	if (!err)
		err = hmac_session(t, 1, &sess);
	if (err) {
		if (tr != ESYS_TR_NONE)
			Esys_TR_Close(t->esys, &tr);
		return err;
	}
	Esys_TRSess_SetAttributes(t->esys, sess, 0, 0xff);
	rc = Esys_NV_UndefineSpace(t->esys, ESYS_TR_RH_OWNER, tr, sess, ESYS_TR_NONE, ESYS_TR_NONE);
	session_done(t, sess, rc);
	if (rc != TSS2_RC_SUCCESS)
		Esys_TR_Close(t->esys, &tr);
	return aem_tpm2_fail(t, rc);
}

int aem_tpm2_nv_define(void *impl, uint32_t index, const uint8_t *key, size_t len)
{
	struct tpm2 *t = impl;
	ESYS_TR tr = ESYS_TR_NONE;
	int err;

	if (!len || len > NV_MAX)
		return AEM_E_INVAL;
	err = aem_tpm2_nv_undefine(t, index);
	if (!err)
		err = define(t, index, key, len, &tr);
	if (!err)
		Esys_TR_Close(t->esys, &tr);
	return err;
}

int aem_tpm2_nv_kind(void *impl, uint32_t index, int *kind, size_t *size)
{
	struct tpm2 *t = impl;
	ESYS_TR tr = ESYS_TR_NONE;
	int err = nv_open(t, index, &tr, kind, size);

	if (err == AEM_E_INVAL) {
		*kind = AEM_TPM_NV_ABSENT;
		return 0;
	}
	if (!err)
		Esys_TR_Close(t->esys, &tr);
	return err;
}

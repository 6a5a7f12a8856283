/* TPM 2.0 NV storage (the TPM identity and the freshness slots). Same
 * contract as the TPM 1.2 backend: an index is defined on its first write,
 * owner-authorized (AEM_OWNER_PASSWORD, else the empty owner password),
 * writable by the owner only and readable by anyone with the index's empty
 * password: what is stored there is not secret, only its integrity matters.
 * NO_DA: reading never counts against the dictionary-attack lockout. */
#include "tpm2_priv.h"
#include "tpm2_nv.h"
#include "tpm12.h"   /* AEM_TPM12_OWNER_ENV: one owner-password variable for both families */
#include "err.h"

#include <stdlib.h>
#include <string.h>

#define NV_MAX 512
#define NV_ATTRS (TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHREAD | TPMA_NV_NO_DA)

static int owner_auth(struct tpm2 *t)
{
	const char *pw = getenv(AEM_TPM12_OWNER_ENV);
	TPM2B_AUTH a = { 0 };
	size_t n = pw ? strlen(pw) : 0;

	if (n > sizeof(a.buffer))
		return AEM_E_INVAL;
	a.size = (UINT16)n;
	if (n)
		memcpy(a.buffer, pw, n);
	return aem_tpm2_fail(t, Esys_TR_SetAuth(t->esys, ESYS_TR_RH_OWNER, &a));
}

/* The index as an ESYS_TR and its data size; AEM_E_INVAL when undefined. */
static int nv_open(struct tpm2 *t, uint32_t index, ESYS_TR *tr, size_t *size)
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
	Esys_Free(pub);
	Esys_Free(name);
	return 0;
}

int aem_tpm2_nv_read(void *impl, uint32_t index, uint8_t *buf, size_t len)
{
	struct tpm2 *t = impl;
	TPM2B_MAX_NV_BUFFER *data = NULL;
	ESYS_TR tr = ESYS_TR_NONE;
	size_t size = 0;
	TSS2_RC rc;
	int err;

	if (!len || len > NV_MAX)
		return AEM_E_INVAL;
	err = nv_open(t, index, &tr, &size);
	if (err)
		return err;
	if (size != len) {
		Esys_TR_Close(t->esys, &tr);
		return AEM_E_INVAL;
	}
	rc = Esys_NV_Read(t->esys, tr, tr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
			  (UINT16)len, 0, &data);
	err = aem_tpm2_fail(t, rc);
	if (!err && data->size != len)
		err = AEM_TPM_E_TPM;
	if (!err)
		memcpy(buf, data->buffer, len);
	Esys_Free(data);
	Esys_TR_Close(t->esys, &tr);
	return err;
}

static int nv_define(struct tpm2 *t, uint32_t index, size_t len, ESYS_TR *tr)
{
	TPM2B_AUTH auth = { 0 };
	TPM2B_NV_PUBLIC pub;

	memset(&pub, 0, sizeof(pub));
	pub.nvPublic.nvIndex = index;
	pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
	pub.nvPublic.attributes = NV_ATTRS;
	pub.nvPublic.dataSize = (UINT16)len;
	return aem_tpm2_fail(t, Esys_NV_DefineSpace(t->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
						    ESYS_TR_NONE, ESYS_TR_NONE, &auth, &pub, tr));
}

int aem_tpm2_nv_write(void *impl, uint32_t index, const uint8_t *buf, size_t len)
{
	struct tpm2 *t = impl;
	TPM2B_MAX_NV_BUFFER data;
	ESYS_TR tr = ESYS_TR_NONE;
	size_t size = 0;
	int err;

	if (!len || len > NV_MAX || len > sizeof(data.buffer))
		return AEM_E_INVAL;
	err = owner_auth(t);
	if (err)
		return err;
	err = nv_open(t, index, &tr, &size);
	if (err == AEM_E_INVAL) {
		err = nv_define(t, index, len, &tr);
		size = len;
	}
	if (err)
		return err;
	if (size != len) {
		Esys_TR_Close(t->esys, &tr);
		return AEM_E_INVAL;
	}
	data.size = (UINT16)len;
	memcpy(data.buffer, buf, len);
	err = aem_tpm2_fail(t, Esys_NV_Write(t->esys, ESYS_TR_RH_OWNER, tr, ESYS_TR_PASSWORD,
					     ESYS_TR_NONE, ESYS_TR_NONE, &data, 0));
	Esys_TR_Close(t->esys, &tr);
	return err;
}

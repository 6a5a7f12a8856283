/* TPM 1.2 NV storage (freshness slots and the like). An index is defined on
 * its first write, owner-authorized with the owner secret (the front end's,
 * AEM_OWNER_PASSWORD or the well-known one), writable by the owner only and readable by anyone:
 * what is stored there is not secret, only its integrity matters. */
#include "tpm12_priv.h"
#include "err.h"

#include <string.h>

static int nv_object(struct tpm12 *t, uint32_t index, size_t size, TSS_HNVSTORE *nv)
{
	TSS_RESULT rc;

	rc = Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_NV, 0, nv);
	if (rc == TSS_SUCCESS)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_INDEX, 0, index);
	if (rc == TSS_SUCCESS && size)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_DATASIZE, 0, (UINT32)size);
	if (rc == TSS_SUCCESS && size)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_PERMISSIONS, 0, TPM_NV_PER_OWNERWRITE);
	return aem_tpm12_fail(t, rc);
}

static int owner_auth(struct tpm12 *t, TSS_HOBJECT obj)
{
	const char *owner = aem_tpm12_owner_secret();

	return aem_tpm12_set_secret(t, obj, (const uint8_t *)owner, owner ? strlen(owner) : 0);
}

int aem_tpm12_nv_read(void *impl, uint32_t index, uint8_t *buf, size_t len)
{
	struct tpm12 *t = impl;
	TSS_HNVSTORE nv = 0;
	UINT32 got = (UINT32)len;
	BYTE *data = NULL;
	int err;

	if (!len || len > 4096)
		return AEM_E_INVAL;
	err = nv_object(t, index, 0, &nv);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_NV_ReadValue(nv, 0, &got, &data));
	if (!err && got != len)
		err = AEM_E_INVAL;
	if (!err)
		memcpy(buf, data, len);
	if (data)
		Tspi_Context_FreeMemory(t->ctx, data);
	if (nv)
		Tspi_Context_CloseObject(t->ctx, nv);
	return err;
}

int aem_tpm12_nv_write(void *impl, uint32_t index, const uint8_t *buf, size_t len)
{
	struct tpm12 *t = impl;
	TSS_HNVSTORE nv = 0;
	TSS_RESULT rc;
	int err;

	if (!len || len > 4096)
		return AEM_E_INVAL;
	err = nv_object(t, index, len, &nv);
	if (!err)
		err = owner_auth(t, t->tpm);
	if (!err) {
		rc = Tspi_NV_WriteValue(nv, 0, (UINT32)len, (BYTE *)buf);
		/* Undefined index: define it (owner-authorized) and write again. */
		if (rc == TPM_E_BADINDEX || (rc & 0xfffu) == TSS_E_NV_AREA_NOT_EXIST) {
			rc = Tspi_NV_DefineSpace(nv, 0, 0);
			if (rc == TSS_SUCCESS)
				rc = Tspi_NV_WriteValue(nv, 0, (UINT32)len, (BYTE *)buf);
		}
		err = aem_tpm12_fail(t, rc);
	}
	if (nv)
		Tspi_Context_CloseObject(t->ctx, nv);
	return err;
}

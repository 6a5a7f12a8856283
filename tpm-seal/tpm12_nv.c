/* TPM 1.2 NV storage of aem's two kinds (tpm.h, aem_tpm_nv_read):
 *  owner kind: TPM_NV_PER_OWNERWRITE, read without authorization;
 *  keyed kind: TPM_NV_PER_AUTHWRITE | TPM_NV_PER_AUTHREAD, the area's
 *    authorization = the key (SHA-1 of it, as the TSS hashes a secret).
 * No PCR restriction, no locks (bReadSTClear, bWriteSTClear, bWriteDefine
 * all FALSE). Every access first reads the area's TPM_NV_DATA_PUBLIC
 * (TPM_GetCapability(TPM_CAP_NV_INDEX)) and compares it with the kind.
 * Writes are authorized (OIAP): the owner secret for the owner kind, the key
 * for the keyed kind, so a wrong owner password is refused as with
 * tpm_nvwrite -p, and the writes work on a TPM whose nvLocked is set. A TPM
 * with nvLocked clear checks no NV authorization at all: the keyed kind
 * protects nothing there (docs/tpm12.md: aem tpm-setup sets nvLocked). */
#include "tpm12_priv.h"
#include "err.h"
#include "pcr.h"
#include "rd.h"

#include <stdlib.h>
#include <string.h>

#define NV_MAX 4096
#define PER_OWNER TPM_NV_PER_OWNERWRITE
#define PER_KEYED (TPM_NV_PER_AUTHWRITE | TPM_NV_PER_AUTHREAD)

/* libtspi exports the RPC of TPM_GetCapability (tpm12_da.c says why). */
TSS_RESULT RPC_GetTPMCapability(TSS_HCONTEXT ctx, TPM_CAPABILITY_AREA area, UINT32 sub_len,
				BYTE *sub, UINT32 *resp_len, BYTE **resp);

static int pcr_info_short(struct aem_rd *r, int *any)
{
	uint16_t n;
	uint8_t loc;
	const uint8_t *sel;

	if (aem_rd_be16(r, &n) || n > 8 || !(sel = aem_rd_view(r, n)) || aem_rd_u8(r, &loc) ||
	    aem_rd_bytes(r, NULL, 20))
		return AEM_E_FORMAT;
	for (uint16_t i = 0; i < n; i++)
		*any |= sel[i] != 0;
	return 0;
}

int aem_tpm12_nv_public_parse(const uint8_t *buf, size_t len, struct aem_tpm12_nv_public *out)
{
	struct aem_rd r;
	uint16_t tag, ptag;
	uint8_t b[3];
	int pcrs = 0;

	memset(out, 0, sizeof(*out));
	aem_rd_init(&r, buf, len);
	if (aem_rd_be16(&r, &tag) || tag != TPM_TAG_NV_DATA_PUBLIC || aem_rd_be32(&r, &out->index) ||
	    pcr_info_short(&r, &pcrs) || pcr_info_short(&r, &pcrs) || aem_rd_be16(&r, &ptag) ||
	    ptag != TPM_TAG_NV_ATTRIBUTES || aem_rd_be32(&r, &out->permission) ||
	    aem_rd_bytes(&r, b, sizeof(b)) || aem_rd_be32(&r, &out->size) || aem_rd_left(&r))
		return AEM_E_FORMAT;
	out->pcrs = pcrs;
	out->locks = b[0] || b[1] || b[2];
	return 0;
}

static int nv_public(struct tpm12 *t, uint32_t index, int *kind, size_t *size)
{
	BYTE sub[4] = { (BYTE)(index >> 24), (BYTE)(index >> 16), (BYTE)(index >> 8), (BYTE)index };
	struct aem_tpm12_nv_public p;
	UINT32 len = 0;
	BYTE *resp = NULL;
	TSS_RESULT rc = RPC_GetTPMCapability(t->ctx, TPM_CAP_NV_INDEX, sizeof(sub), sub, &len, &resp);
	int err;

	*kind = AEM_TPM_NV_ABSENT;
	*size = 0;
	if (rc == TPM_E_BADINDEX || (rc & 0xfffu) == TPM_E_BADINDEX)
		return 0;
	if (rc != TSS_SUCCESS)
		return aem_tpm12_fail(t, rc);
	err = aem_tpm12_nv_public_parse(resp, len, &p);
	free(resp);
	if (err)
		return AEM_TPM_E_TPM;
	if (p.index != index || p.pcrs || p.locks)
		*kind = AEM_TPM_NV_OTHER;
	else if (p.permission == PER_OWNER)
		*kind = AEM_TPM_NV_OWNER;
	else if (p.permission == PER_KEYED)
		*kind = AEM_TPM_NV_KEYED;
	else
		*kind = AEM_TPM_NV_OTHER;
	*size = p.size;
	return 0;
}

/* The NV object for index, with its usage secret: the key for the keyed
 * kind, the owner secret for the owner kind. Defining and releasing take
 * the owner secret from the TPM object (owner_auth). */
static int nv_object(struct tpm12 *t, uint32_t index, const uint8_t *key, size_t size,
		     TSS_HNVSTORE *nv)
{
	TSS_RESULT rc;
	int err;

	rc = Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_NV, 0, nv);
	if (rc == TSS_SUCCESS)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_INDEX, 0, index);
	if (rc == TSS_SUCCESS && size)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_DATASIZE, 0, (UINT32)size);
	if (rc == TSS_SUCCESS && size)
		rc = Tspi_SetAttribUint32(*nv, TSS_TSPATTRIB_NV_PERMISSIONS, 0,
					  key ? PER_KEYED : PER_OWNER);
	err = aem_tpm12_fail(t, rc);
	/* A usage policy on the object makes libtspi authorize the command. The
	 * key goes in as its hex text, hashed with SHA-1 by the TSS like any
	 * password, so tpm-tools can use it too (tpm_nvread -p HEX). */
	if (!err && key) {
		char hex[2 * AEM_TPM_NV_KEY_LEN + 1];

		aem_hex(key, AEM_TPM_NV_KEY_LEN, hex);
		err = aem_tpm12_set_secret(t, *nv, (const uint8_t *)hex, strlen(hex));
		explicit_bzero(hex, sizeof(hex));
	} else if (!err) {
		/* libtspi authorizes an owner-written area's write with the NV
		 * object's own policy (as tpm_nvwrite -p does): the owner secret. */
		const char *owner = aem_tpm12_owner_secret();

		err = aem_tpm12_set_secret(t, *nv, (const uint8_t *)owner, owner ? strlen(owner) : 0);
	}
	return err;
}

static int owner_auth(struct tpm12 *t)
{
	const char *owner = aem_tpm12_owner_secret();

	return aem_tpm12_set_secret(t, t->tpm, (const uint8_t *)owner, owner ? strlen(owner) : 0);
}

static int keyed_err(int err, const uint8_t *key)
{
	return key && err == AEM_TPM_E_AUTH ? AEM_TPM_E_NV_FOREIGN : err;
}

static int checked(struct tpm12 *t, uint32_t index, const uint8_t *key, size_t len)
{
	int kind, err;
	size_t size;

	if (!len || len > NV_MAX)
		return AEM_E_INVAL;
	err = nv_public(t, index, &kind, &size);
	if (err)
		return err;
	if (kind == AEM_TPM_NV_ABSENT)
		return AEM_E_INVAL;
	if (kind != (key ? AEM_TPM_NV_KEYED : AEM_TPM_NV_OWNER))
		return AEM_TPM_E_NV_FOREIGN;
	return size == len ? 0 : AEM_E_INVAL;
}

int aem_tpm12_nv_read(void *impl, uint32_t index, const uint8_t *key, uint8_t *buf, size_t len)
{
	struct tpm12 *t = impl;
	TSS_HNVSTORE nv = 0;
	UINT32 got = (UINT32)len;
	BYTE *data = NULL;
	int err = checked(t, index, key, len);

	if (!err)
		err = nv_object(t, index, key, 0, &nv);
	if (!err)
		err = keyed_err(aem_tpm12_fail(t, Tspi_NV_ReadValue(nv, 0, &got, &data)), key);
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

static int define(struct tpm12 *t, uint32_t index, const uint8_t *key, size_t len)
{
	TSS_HNVSTORE nv = 0;
	int err = nv_object(t, index, key, len, &nv);

	if (!err)
		err = owner_auth(t);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_NV_DefineSpace(nv, 0, 0));
	if (nv)
		Tspi_Context_CloseObject(t->ctx, nv);
	return err;
}

int aem_tpm12_nv_write(void *impl, uint32_t index, const uint8_t *key, const uint8_t *buf,
		       size_t len)
{
	struct tpm12 *t = impl;
	TSS_HNVSTORE nv = 0;
	int err = checked(t, index, key, len), kind;
	size_t size;

	/* The owner kind is defined on its first write. */
	if (err == AEM_E_INVAL && !key && !nv_public(t, index, &kind, &size) &&
	    kind == AEM_TPM_NV_ABSENT)
		err = define(t, index, NULL, len);
	if (!err)
		err = nv_object(t, index, key, len, &nv);
	if (!err && !key)
		err = owner_auth(t);
	if (!err)
		err = keyed_err(aem_tpm12_fail(t, Tspi_NV_WriteValue(nv, 0, (UINT32)len, (BYTE *)buf)),
				key);
	if (nv)
		Tspi_Context_CloseObject(t->ctx, nv);
	return err;
}

int aem_tpm12_nv_undefine(void *impl, uint32_t index)
{
	struct tpm12 *t = impl;
	TSS_HNVSTORE nv = 0;
	int kind, err = nv_public(t, index, &kind, &(size_t){ 0 });

	if (err || kind == AEM_TPM_NV_ABSENT)
		return err;
	err = nv_object(t, index, NULL, 0, &nv);
	if (!err)
		err = owner_auth(t);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_NV_ReleaseSpace(nv));
	if (nv)
		Tspi_Context_CloseObject(t->ctx, nv);
	return err;
}

int aem_tpm12_nv_define(void *impl, uint32_t index, const uint8_t *key, size_t len)
{
	int err;

	if (!len || len > NV_MAX)
		return AEM_E_INVAL;
	err = aem_tpm12_nv_undefine(impl, index);
	return err ? err : define(impl, index, key, len);
}

int aem_tpm12_nv_kind(void *impl, uint32_t index, int *kind, size_t *size)
{
	return nv_public(impl, index, kind, size);
}

/* TPM 1.2 sealing: the random key of a sealed file is sealed under the SRK
 * with TPM_Seal to a TPM_PCR_INFO_LONG whose digestAtRelease is computed
 * here, offline, from the expected values, so sealing to predicted values is
 * the same code as sealing to current ones. */
#include "tpm12_priv.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

/* Release at any locality: tboot leaves locality 2 before the initramfs
 * runs, and the PCRs (17-19 can only be extended from localities 2-4)
 * already carry what the launch did. */
#define RELEASE_LOCALITIES (TPM_LOC_ZERO | TPM_LOC_ONE | TPM_LOC_TWO | TPM_LOC_THREE | TPM_LOC_FOUR)

int aem_tpm12_composite_hash(const struct aem_pcr_values *v, uint8_t out[20])
{
	uint8_t buf[2 + 3 + 4 + AEM_PCR_COUNT * 20];
	size_t off = 9;
	uint32_t n = 0;
	int err;

	if (v->bank != AEM_BANK_SHA1 || !v->mask || v->mask >> AEM_PCR_COUNT)
		return AEM_E_INVAL;
	buf[0] = 0;
	buf[1] = 3;
	for (unsigned i = 0; i < 3; i++)
		buf[2 + i] = (uint8_t)(v->mask >> (8 * i));
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(v->mask, i))
			continue;
		memcpy(buf + off, v->v[i], 20);
		off += 20;
		n++;
	}
	n *= 20;
	buf[5] = (uint8_t)(n >> 24);
	buf[6] = (uint8_t)(n >> 16);
	buf[7] = (uint8_t)(n >> 8);
	buf[8] = (uint8_t)n;
	err = aem_hash(AEM_BANK_SHA1, buf, off, out);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

/* A PCR composite (TPM_PCR_INFO_LONG) holding exactly the values of v. */
static int make_pcrs(struct tpm12 *t, const struct aem_pcr_values *v, TSS_HPCRS *pcrs)
{
	TSS_RESULT rc;

	rc = Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_PCRS, TSS_PCRS_STRUCT_INFO_LONG, pcrs);
	for (unsigned i = 0; rc == TSS_SUCCESS && i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(v->mask, i))
			rc = Tspi_PcrComposite_SetPcrValue(*pcrs, i, 20, (BYTE *)v->v[i]);
	if (rc == TSS_SUCCESS)
		rc = Tspi_PcrComposite_SetPcrLocality(*pcrs, RELEASE_LOCALITIES);
	return aem_tpm12_fail(t, rc);
}

/* The release condition written in a blob must be exactly ours: the
 * selection of v and the digest computed offline from its values. */
static int check_blob(const uint8_t *blob, size_t len, const struct aem_pcr_values *v,
		      const uint8_t digest[20])
{
	struct aem_tpm12_blob_info bi;

	if (aem_tpm12_blob_parse(blob, len, &bi))
		return AEM_E_FORMAT;
	if (bi.release_mask != v->mask || memcmp(bi.digest_release, digest, 20))
		return AEM_E_FORMAT;
	return 0;
}

static int take_blob(struct tpm12 *t, TSS_HENCDATA enc, struct aem_sealed *s)
{
	UINT32 len = 0;
	BYTE *blob = NULL;
	TSS_RESULT rc;

	rc = Tspi_GetAttribData(enc, TSS_TSPATTRIB_ENCDATA_BLOB, TSS_TSPATTRIB_ENCDATABLOB_BLOB,
				&len, &blob);
	if (rc != TSS_SUCCESS)
		return aem_tpm12_fail(t, rc);
	if (len == 0 || len > sizeof(s->blob_priv)) {
		Tspi_Context_FreeMemory(t->ctx, blob);
		return AEM_TPM_E_TPM;
	}
	memcpy(s->blob_priv, blob, len);
	s->blob_priv_len = len;
	s->blob_pub_len = 0;
	Tspi_Context_FreeMemory(t->ctx, blob);
	return 0;
}

int aem_tpm12_seal_key(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		       size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s)
{
	struct tpm12 *t = impl;
	TSS_HPCRS pcrs = 0;
	TSS_HENCDATA enc = 0;
	uint8_t ours[20];
	BYTE data[AEM_TPM_KEY_LEN];
	int err;

	if (expect->bank != AEM_BANK_SHA1)
		return AEM_E_UNSUPPORTED;
	err = aem_tpm12_composite_hash(expect, ours);
	if (!err)
		err = aem_tpm12_srk(t);
	if (!err)
		err = make_pcrs(t, expect, &pcrs);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_ENCDATA,
								   TSS_ENCDATA_SEAL, &enc));
	if (!err)
		err = aem_tpm12_set_secret(t, enc, auth, auth_len);
	if (!err) {
		memcpy(data, key, sizeof(data));
		err = aem_tpm12_fail(t, Tspi_Data_Seal(enc, t->srk, sizeof(data), data, pcrs));
		/* The SRK may have a password: ask it (once) and seal again. */
		if (err == AEM_TPM_E_AUTH && aem_tpm12_srk_reprompt(t) == 1)
			err = aem_tpm12_fail(t, Tspi_Data_Seal(enc, t->srk, sizeof(data), data, pcrs));
		if (err == AEM_TPM_E_AUTH || err == AEM_TPM_E_LOCKOUT)
			aem_tpm12_da_note(t);
		explicit_bzero(data, sizeof(data));
	}
	if (!err)
		err = take_blob(t, enc, s);
	/* The TPM enforces what the TSS put in the blob: it must be our digest. */
	if (!err && check_blob(s->blob_priv, s->blob_priv_len, expect, ours))
		err = AEM_TPM_E_POLICY;
	if (!err) {
		s->family = AEM_FAMILY_TPM12;
		memcpy(s->policy, ours, sizeof(ours));
		s->policy_len = sizeof(ours);
	}
	if (enc)
		Tspi_Context_CloseObject(t->ctx, enc);
	if (pcrs)
		Tspi_Context_CloseObject(t->ctx, pcrs);
	return err;
}

/* The file's three descriptions of the seal must agree before the TPM is
 * asked: expected values -> our digest == policy field == the blob's. */
static int check_consistent(const struct aem_sealed *s)
{
	uint8_t ours[20];

	if (s->policy_len != 20 || s->expect.bank != AEM_BANK_SHA1 || s->blob_pub_len != 0)
		return AEM_E_FORMAT;
	if (aem_tpm12_composite_hash(&s->expect, ours) || memcmp(ours, s->policy, 20))
		return AEM_E_FORMAT;
	return check_blob(s->blob_priv, s->blob_priv_len, &s->expect, ours);
}

int aem_tpm12_unseal_key(void *impl, const struct aem_sealed *s, const uint8_t *auth,
			 size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN])
{
	struct tpm12 *t = impl;
	TSS_HENCDATA enc = 0;
	UINT32 len = 0;
	BYTE *data = NULL;
	int err;

	err = check_consistent(s);
	if (!err)
		err = aem_tpm12_srk(t);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_ENCDATA,
								   TSS_ENCDATA_SEAL, &enc));
	if (!err && Tspi_SetAttribData(enc, TSS_TSPATTRIB_ENCDATA_BLOB,
				       TSS_TSPATTRIB_ENCDATABLOB_BLOB, (UINT32)s->blob_priv_len,
				       (BYTE *)s->blob_priv) != TSS_SUCCESS)
		err = AEM_E_FORMAT;
	if (!err)
		err = aem_tpm12_set_secret(t, enc, auth, auth_len);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_Data_Unseal(enc, t->srk, &len, &data));
	/* TPM_AUTHFAIL is the SRK's (a wrong PIN is TPM_AUTH2FAIL): ask the SRK
	 * password once and unseal again. */
	if (err == AEM_TPM_E_AUTH && aem_tpm12_srk_reprompt(t) == 1)
		err = aem_tpm12_fail(t, Tspi_Data_Unseal(enc, t->srk, &len, &data));
	if (err == AEM_TPM_E_AUTH || err == AEM_TPM_E_LOCKOUT)
		aem_tpm12_da_note(t);
	if (!err && len != AEM_TPM_KEY_LEN)
		err = AEM_E_FORMAT;
	if (!err)
		memcpy(key, data, AEM_TPM_KEY_LEN);
	if (data) {
		explicit_bzero(data, len);
		Tspi_Context_FreeMemory(t->ctx, data);
	}
	if (enc)
		Tspi_Context_CloseObject(t->ctx, enc);
	return err;
}

/* The TPM 1.2 sealed blob, read back without the TPM: TPM 1.2 spec part 2,
 * TPM_STORED_DATA12 = tag(0x0016) et(2) sealInfoSize(4) sealInfo encDataSize(4)
 * encData, sealInfo = TPM_PCR_INFO_LONG = tag(0x0006) localityAtCreation(1)
 * localityAtRelease(1) creationPCRSelection releasePCRSelection
 * digestAtCreation(20) digestAtRelease(20), a selection = sizeOfSelect(2)
 * then that many bytes. Big-endian throughout. Untrusted input (it comes
 * from the sealed file): every read is bounds-checked. */
#include "tpm12.h"
#include "err.h"

#include <stdbool.h>
#include <string.h>

#define TAG_STORED_DATA12 0x0016u
#define TAG_PCR_INFO_LONG 0x0006u

struct rd {
	const uint8_t *p;
	size_t left;
};

static bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	if (n > r->left)
		return false;
	if (dst && n)
		memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static bool rd_u8(struct rd *r, uint8_t *v)
{
	return rd_bytes(r, v, 1);
}

static bool rd_u16(struct rd *r, uint16_t *v)
{
	uint8_t b[2];

	if (!rd_bytes(r, b, 2))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

static bool rd_u32(struct rd *r, uint32_t *v)
{
	uint8_t b[4];

	if (!rd_bytes(r, b, 4))
		return false;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return true;
}

/* A TPM_PCR_SELECTION of at most 3 bytes (24 PCRs, all a TPM 1.2 has). */
static bool rd_selection(struct rd *r, aem_pcr_mask *mask)
{
	uint16_t n;
	uint8_t sel[3] = { 0, 0, 0 };

	if (!rd_u16(r, &n) || n > sizeof(sel) || !rd_bytes(r, sel, n))
		return false;
	*mask = (aem_pcr_mask)sel[0] | (aem_pcr_mask)sel[1] << 8 | (aem_pcr_mask)sel[2] << 16;
	return true;
}

static bool rd_info_long(struct rd *r, struct aem_tpm12_blob_info *out)
{
	uint16_t tag;
	uint8_t loc_creation;
	aem_pcr_mask creation;

	return rd_u16(r, &tag) && tag == TAG_PCR_INFO_LONG && rd_u8(r, &loc_creation) &&
	       rd_u8(r, &out->release_locality) && rd_selection(r, &creation) &&
	       rd_selection(r, &out->release_mask) && rd_bytes(r, NULL, 20) &&
	       rd_bytes(r, out->digest_release, 20);
}

int aem_tpm12_blob_parse(const uint8_t *buf, size_t len, struct aem_tpm12_blob_info *out)
{
	struct rd r = { buf, len }, info;
	uint16_t tag, et;
	uint32_t info_size;

	memset(out, 0, sizeof(*out));
	if (!rd_u16(&r, &tag) || tag != TAG_STORED_DATA12 || !rd_u16(&r, &et) ||
	    !rd_u32(&r, &info_size) || info_size > r.left)
		return AEM_TPM_E_FORMAT;
	info.p = r.p;
	info.left = info_size;
	/* The PCR info must fill its declared size exactly. */
	if (!rd_info_long(&info, out) || info.left != 0)
		return AEM_TPM_E_FORMAT;
	rd_bytes(&r, NULL, info_size);
	if (!rd_u32(&r, &out->enc_len) || out->enc_len == 0 || out->enc_len != r.left)
		return AEM_TPM_E_FORMAT;
	return 0;
}

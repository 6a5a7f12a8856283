/* The TPM 1.2 sealed blob, read back without the TPM: TPM 1.2 spec part 2,
 * TPM_STORED_DATA12 = tag(0x0016) et(2) sealInfoSize(4) sealInfo encDataSize(4)
 * encData, sealInfo = TPM_PCR_INFO_LONG = tag(0x0006) localityAtCreation(1)
 * localityAtRelease(1) creationPCRSelection releasePCRSelection
 * digestAtCreation(20) digestAtRelease(20), a selection = sizeOfSelect(2)
 * then that many bytes. Big-endian throughout. Untrusted input (it comes
 * from the sealed file): every read is bounds-checked. */
#include "tpm12.h"
#include "err.h"
#include "rd.h"

#include <stdbool.h>
#include <string.h>

#define TAG_STORED_DATA12 0x0016u
#define TAG_PCR_INFO_LONG 0x0006u

/* A TPM_PCR_SELECTION of at most 3 bytes (24 PCRs, all a TPM 1.2 has). */
static int rd_selection(struct aem_rd *r, aem_pcr_mask *mask)
{
	uint16_t n;
	uint8_t sel[3] = { 0, 0, 0 };

	if (aem_rd_be16(r, &n) || n > sizeof(sel) || aem_rd_bytes(r, sel, n))
		return -1;
	*mask = (aem_pcr_mask)sel[0] | (aem_pcr_mask)sel[1] << 8 | (aem_pcr_mask)sel[2] << 16;
	return 0;
}

static int rd_info_long(struct aem_rd *r, struct aem_tpm12_blob_info *out)
{
	uint16_t tag;
	uint8_t loc_creation;
	aem_pcr_mask creation;

	if (aem_rd_be16(r, &tag) || tag != TAG_PCR_INFO_LONG || aem_rd_u8(r, &loc_creation) ||
	    aem_rd_u8(r, &out->release_locality) || rd_selection(r, &creation) ||
	    rd_selection(r, &out->release_mask) || aem_rd_bytes(r, NULL, 20) ||
	    aem_rd_bytes(r, out->digest_release, 20))
		return -1;
	return 0;
}

int aem_tpm12_blob_parse(const uint8_t *buf, size_t len, struct aem_tpm12_blob_info *out)
{
	struct aem_rd r, info;
	uint16_t tag, et;
	uint32_t info_size;

	memset(out, 0, sizeof(*out));
	aem_rd_init(&r, buf, len);
	if (aem_rd_be16(&r, &tag) || tag != TAG_STORED_DATA12 || aem_rd_be16(&r, &et) ||
	    aem_rd_be32(&r, &info_size) || info_size > aem_rd_left(&r))
		return AEM_E_FORMAT;
	/* The PCR info must fill its declared size exactly. */
	aem_rd_init(&info, aem_rd_view(&r, info_size), info_size);
	if (rd_info_long(&info, out) || aem_rd_left(&info) != 0)
		return AEM_E_FORMAT;
	if (aem_rd_be32(&r, &out->enc_len) || out->enc_len == 0 || out->enc_len != aem_rd_left(&r))
		return AEM_E_FORMAT;
	return 0;
}

/* TPM 1.2 TXT event log: the "TXT Event Container" tboot puts in the OS-to-MLE heap
 * area, holding SINIT's and tboot's events as {pcr, type, sha1 digest, size, data}. */
#include "evlog.h"
#include "err.h"

#include <string.h>

#define CONTAINER_HDR 48u

static int parse_event(struct aem_rd *r, struct aem_evlog *log)
{
	struct aem_digest d = { .bank = AEM_BANK_SHA1 };
	uint32_t pcr, type, size;
	const uint8_t *data;

	if (aem_rd_u32(r, &pcr) || aem_rd_u32(r, &type) || aem_rd_bytes(r, d.d, 20) ||
	    aem_rd_u32(r, &size))
		return AEM_E_FORMAT;
	if (size > AEM_EVLOG_MAX_DATA)
		return AEM_E_FORMAT;
	data = aem_rd_view(r, size);
	if (!data)
		return AEM_E_FORMAT;
	return aem_evlog_append(log, pcr, type, &d, 1, data, size);
}

int aem_evlog_parse_tpm12(const uint8_t *buf, size_t len, struct aem_evlog *log)
{
	struct aem_rd r;
	uint8_t sig[20];
	uint32_t size, first, next;
	int rc;

	aem_rd_init(&r, buf, len);
	if (aem_rd_bytes(&r, sig, sizeof(sig)) || memcmp(sig, "TXT Event Container", 20))
		return AEM_E_FORMAT;
	/* reserved[12] and the four version bytes: any values are accepted, as tboot does */
	if (aem_rd_bytes(&r, NULL, 16) || aem_rd_u32(&r, &size) || aem_rd_u32(&r, &first) ||
	    aem_rd_u32(&r, &next))
		return AEM_E_FORMAT;
	/* The file may hold only the used part of the container, so bound by len too. */
	if (first < CONTAINER_HDR || next < first || next > size || next > len)
		return AEM_E_FORMAT;
	log->family = AEM_EVLOG_TPM12;
	if ((rc = aem_evlog_add_bank(log, AEM_BANK_SHA1)) != 0)
		return rc;
	aem_rd_init(&r, buf + first, next - first);
	while (aem_rd_left(&r) > 0)
		if ((rc = parse_event(&r, log)) != 0)
			return rc;
	return 0;
}

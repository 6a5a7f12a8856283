/* TPM 2.0 Intel legacy TXT log: one log per bank (heap ext-data element type 7 lists
 * them). Records are {pcr, type, digest of the bank's size, size, data}; a non-sha1 log
 * starts with a sha1-shaped EV_NO_ACTION record whose data is the log descriptor
 * {signature[16], revision, digest_id, digest_size} naming the bank. */
#include "evlog.h"
#include "err.h"

#include <string.h>

#define DESCR_SIZE 28u

static enum aem_bank bank_from_digest_id(uint32_t id)
{
	switch (id) {
	case 1: return AEM_BANK_SHA1;
	case 2: return AEM_BANK_SHA256;
	case 3: return AEM_BANK_SHA384;
	case 4: return AEM_BANK_SHA512;
	default: return AEM_BANK_NONE; /* 5 = SM3: no such bank here */
	}
}

static bool is_descriptor_record(const uint8_t *buf, size_t len)
{
	static const uint8_t head[8] = { 0, 0, 0, 0, AEM_EV_NO_ACTION, 0, 0, 0 };
	static const uint8_t zero[20];

	return len >= 32 + DESCR_SIZE && memcmp(buf, head, 8) == 0 &&
	       memcmp(buf + 8, zero, 20) == 0 && buf[28] == DESCR_SIZE && buf[29] == 0 &&
	       buf[30] == 0 && buf[31] == 0;
}

/* Read the descriptor record; returns the bank or AEM_BANK_NONE. */
static enum aem_bank read_descriptor(struct aem_rd *r)
{
	uint32_t rev, id, size;
	enum aem_bank bank;

	if (aem_rd_bytes(r, NULL, 32 + 16) || aem_rd_u32(r, &rev) || aem_rd_u32(r, &id) ||
	    aem_rd_u32(r, &size))
		return AEM_BANK_NONE;
	bank = bank_from_digest_id(id);
	return aem_bank_size(bank) == size ? bank : AEM_BANK_NONE;
}

static int parse_event(struct aem_rd *r, enum aem_bank bank, struct aem_evlog *log)
{
	struct aem_digest d = { .bank = bank };
	uint32_t pcr, type, size;
	const uint8_t *data;

	if (aem_rd_u32(r, &pcr) || aem_rd_u32(r, &type) ||
	    aem_rd_bytes(r, d.d, aem_bank_size(bank)) || aem_rd_u32(r, &size))
		return AEM_E_FORMAT;
	if (size > AEM_EVLOG_MAX_DATA || !(data = aem_rd_view(r, size)))
		return AEM_E_FORMAT;
	return aem_evlog_append(log, pcr, type, &d, 1, data, size);
}

int aem_evlog_parse_legacy(const uint8_t *buf, size_t len, struct aem_evlog *log)
{
	enum aem_bank bank = AEM_BANK_SHA1;
	struct aem_rd r;
	int rc;

	if (!buf || len == 0)
		return AEM_E_FORMAT;
	aem_rd_init(&r, buf, len);
	if (is_descriptor_record(buf, len)) {
		bank = read_descriptor(&r);
		if (bank == AEM_BANK_NONE)
			return AEM_E_FORMAT;
	}
	log->family = AEM_EVLOG_TPM2_LEGACY;
	if ((rc = aem_evlog_add_bank(log, bank)) != 0)
		return rc;
	while (aem_rd_left(&r) > 0)
		if ((rc = parse_event(&r, bank, log)) != 0)
			return rc;
	return 0;
}

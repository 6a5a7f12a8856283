/* SINIT ACM header and chipset ID list parser (see acm.h). */
#include "acm.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

/* Random-access reads: every offset in an ACM is relative to its start, so a
 * checked "value at offset" reader fits better than a stream. A read past the
 * end sets *bad and yields 0. */
struct acm_rd {
	const uint8_t *p;
	size_t len;
	bool bad;
};

static uint32_t rd(struct acm_rd *r, size_t off, unsigned width)
{
	uint32_t v = 0;

	if (off > r->len || width > r->len - off) {
		r->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)r->p[off + i] << (8 * i);
	return v;
}

/* ACM_UUID_V3 {7fc03aaa-46a7-18db-ac2e-698f8d417f5a} as stored (mixed endian). */
static const uint8_t acm_uuid_v3[16] = {
	0xaa, 0x3a, 0xc0, 0x7f, 0xa7, 0x46, 0xdb, 0x18,
	0x2e, 0xac, 0x69, 0x8f, 0x8d, 0x41, 0x7f, 0x5a,
};

static int parse_header(struct acm_rd *r, struct aem_acm *a)
{
	uint32_t size_dw;

	a->module_type = (uint16_t)rd(r, 0, 2);
	a->module_subtype = (uint16_t)rd(r, 2, 2);
	a->header_len = rd(r, 4, 4);
	a->header_ver = rd(r, 8, 4);
	a->chipset_id = (uint16_t)rd(r, 12, 2);
	a->flags = (uint16_t)rd(r, 14, 2);
	a->vendor = rd(r, 16, 4);
	a->date = rd(r, 20, 4);
	size_dw = rd(r, 24, 4);
	a->txt_svn = (uint16_t)rd(r, 28, 2);
	a->pre_production = (a->flags >> 14) & 1;
	a->debug_signed = (a->flags >> 15) & 1;
	if (r->bad || r->len < AEM_ACM_HDR_SIZE)
		return AEM_E_FORMAT;
	if (a->module_type != 2 || a->vendor != 0x8086)
		return AEM_E_FORMAT;
	/* The module is size dwords long; the file may not be shorter. */
	if (size_dw > r->len / 4 || size_dw < AEM_ACM_HDR_SIZE / 4)
		return AEM_E_FORMAT;
	a->size = size_dw * 4;
	r->len = a->size; /* nothing beyond the module counts */
	return 0;
}

static int parse_info(struct acm_rd *r, struct aem_acm *a, size_t *list_off)
{
	uint32_t scratch = rd(r, 124, 4);
	uint64_t off = ((uint64_t)a->header_len + scratch) * 4;

	if (r->bad || off > r->len || r->len - off < 48)
		return AEM_E_FORMAT;
	if (memcmp(r->p + off, acm_uuid_v3, sizeof(acm_uuid_v3)))
		return AEM_E_FORMAT;
	a->acm_type = (uint8_t)rd(r, off + 16, 1);
	a->info_version = (uint8_t)rd(r, off + 17, 1);
	*list_off = rd(r, off + 20, 4);
	a->os_sinit_data_ver = rd(r, off + 24, 4);
	a->min_mle_hdr_ver = rd(r, off + 28, 4);
	a->capabilities = rd(r, off + 32, 4);
	a->acm_ver = (uint8_t)rd(r, off + 36, 1);
	if (r->bad || a->info_version < 3)
		return AEM_E_FORMAT;
	return 0;
}

static int parse_ids(struct acm_rd *r, struct aem_acm *a, size_t off)
{
	uint32_t count = rd(r, off, 4);

	if (r->bad || (uint64_t)count * 16 > r->len - off - 4)
		return AEM_E_FORMAT;
	a->total_ids = count;
	a->nids = count < AEM_ACM_MAX_IDS ? count : AEM_ACM_MAX_IDS;
	for (uint32_t i = 0; i < a->nids; i++) {
		size_t e = off + 4 + (size_t)i * 16;
		struct aem_acm_chipset_id *id = &a->ids[i];

		id->flags = rd(r, e, 4);
		id->vendor = (uint16_t)rd(r, e + 4, 2);
		id->device = (uint16_t)rd(r, e + 6, 2);
		id->revision = (uint16_t)rd(r, e + 8, 2);
		id->extended = rd(r, e + 12, 4);
	}
	return r->bad ? AEM_E_FORMAT : 0;
}

int aem_acm_parse(const uint8_t *buf, size_t len, struct aem_acm *out)
{
	struct acm_rd r = { buf, buf ? len : 0, false };
	size_t list_off = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = parse_header(&r, out);
	if (rc == 0)
		rc = parse_info(&r, out, &list_off);
	if (rc == 0)
		rc = parse_ids(&r, out, list_off);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

bool aem_acm_is_sinit(const struct aem_acm *a)
{
	return a->acm_type == AEM_ACM_TYPE_SINIT;
}

bool aem_acm_matches(const struct aem_acm *a, uint64_t didvid)
{
	uint16_t vendor = (uint16_t)didvid, device = (uint16_t)(didvid >> 16);
	uint16_t rev = (uint16_t)(didvid >> 32);

	for (uint32_t i = 0; i < a->nids; i++) {
		const struct aem_acm_chipset_id *id = &a->ids[i];
		bool rev_ok = (id->flags & 1) ? (rev & id->revision) != 0 : rev == id->revision;

		if (id->vendor == vendor && id->device == device && rev_ok)
			return true;
	}
	return false;
}

char *aem_acm_date(const struct aem_acm *a, char *buf, size_t size)
{
	snprintf(buf, size, "%04x-%02x-%02x", a->date >> 16, (a->date >> 8) & 0xff, a->date & 0xff);
	return buf;
}

/* TPM 2.0 TCG crypto-agile TXT log (heap ext-data element type 8): a TCG_PCR_EVENT
 * carrying the Spec ID Event03 header (which algorithms, digest sizes), then
 * TCG_PCR_EVENT2 records {pcr, type, count, count x {alg, digest}, size, data}.
 * An event may carry fewer digests than the header lists: tboot's default extpol=sha256
 * logs only the sha256 one. */
#include "evlog.h"
#include "err.h"

#include <string.h>

#define MAX_ALGS 16u

struct spec_alg {
	uint16_t alg;
	uint16_t size;
};

struct spec {
	unsigned n;
	struct spec_alg a[MAX_ALGS];
};

static int parse_spec_id(const uint8_t *data, uint32_t len, struct spec *s,
			 struct aem_evlog *log)
{
	struct aem_rd r;
	uint32_t nalgs;
	uint8_t sig[16];

	aem_rd_init(&r, data, len);
	if (aem_rd_bytes(&r, sig, 16) || memcmp(sig, "Spec ID Event03", 16))
		return AEM_E_FORMAT;
	/* platformClass, spec version minor/major, errata, uintnSize: informative only */
	if (aem_rd_bytes(&r, NULL, 8) || aem_rd_u32(&r, &nalgs))
		return AEM_E_FORMAT;
	if (nalgs == 0 || nalgs > MAX_ALGS)
		return AEM_E_FORMAT;
	s->n = nalgs;
	for (unsigned i = 0; i < nalgs; i++) {
		enum aem_bank b;
		int rc;

		if (aem_rd_u16(&r, &s->a[i].alg) || aem_rd_u16(&r, &s->a[i].size))
			return AEM_E_FORMAT;
		b = aem_bank_from_alg(s->a[i].alg);
		if (b == AEM_BANK_NONE) {
			if (s->a[i].size == 0 || s->a[i].size > AEM_MAX_DIGEST)
				return AEM_E_FORMAT;
			continue; /* e.g. SM3: skipped, its size still lets us step over it */
		}
		if (s->a[i].size != aem_bank_size(b))
			return AEM_E_FORMAT;
		if ((rc = aem_evlog_add_bank(log, b)) != 0)
			return rc;
	}
	return 0; /* vendorInfo follows; nothing in it matters here */
}

static int parse_header(struct aem_rd *r, struct spec *s, struct aem_evlog *log)
{
	uint32_t pcr, type, size;
	const uint8_t *data;
	int rc;

	if (aem_rd_u32(r, &pcr) || aem_rd_u32(r, &type) || aem_rd_bytes(r, NULL, 20) ||
	    aem_rd_u32(r, &size))
		return AEM_E_FORMAT;
	if (type != AEM_EV_NO_ACTION || size > AEM_EVLOG_MAX_DATA ||
	    !(data = aem_rd_view(r, size)))
		return AEM_E_FORMAT;
	if ((rc = parse_spec_id(data, size, s, log)) != 0)
		return rc;
	return aem_evlog_append(log, pcr, type, NULL, 0, data, size);
}

static const struct spec_alg *spec_find(const struct spec *s, uint16_t alg)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->a[i].alg == alg)
			return &s->a[i];
	return NULL;
}

static int parse_digests(struct aem_rd *r, const struct spec *s, struct aem_digest *d,
			 unsigned *nd)
{
	uint32_t count;

	*nd = 0;
	if (aem_rd_u32(r, &count) || count > s->n)
		return AEM_E_FORMAT;
	for (uint32_t i = 0; i < count; i++) {
		const struct spec_alg *a;
		enum aem_bank b;
		uint16_t alg;

		if (aem_rd_u16(r, &alg) || !(a = spec_find(s, alg)))
			return AEM_E_FORMAT;
		b = aem_bank_from_alg(alg);
		if (b == AEM_BANK_NONE) {
			if (aem_rd_bytes(r, NULL, a->size))
				return AEM_E_FORMAT;
			continue;
		}
		if (*nd >= AEM_EVLOG_MAX_BANKS)
			return AEM_E_FORMAT;
		d[*nd].bank = b;
		if (aem_rd_bytes(r, d[*nd].d, a->size))
			return AEM_E_FORMAT;
		(*nd)++;
	}
	return 0;
}

static int parse_event2(struct aem_rd *r, const struct spec *s, struct aem_evlog *log)
{
	struct aem_digest d[AEM_EVLOG_MAX_BANKS];
	uint32_t pcr, type, size;
	const uint8_t *data;
	unsigned nd;
	int rc;

	if (aem_rd_u32(r, &pcr) || aem_rd_u32(r, &type))
		return AEM_E_FORMAT;
	if ((rc = parse_digests(r, s, d, &nd)) != 0)
		return rc;
	if (aem_rd_u32(r, &size) || size > AEM_EVLOG_MAX_DATA || !(data = aem_rd_view(r, size)))
		return AEM_E_FORMAT;
	return aem_evlog_append(log, pcr, type, d, nd, data, size);
}

/* A log copied from its heap buffer may carry the unused, zeroed rest of the buffer. */
static bool only_zeros(const struct aem_rd *r)
{
	for (size_t i = r->off; i < r->len; i++)
		if (r->p[i])
			return false;
	return true;
}

int aem_evlog_parse_tcg(const uint8_t *buf, size_t len, struct aem_evlog *log)
{
	struct spec s = { 0 };
	struct aem_rd r;
	int rc;

	aem_rd_init(&r, buf, len);
	log->family = AEM_EVLOG_TPM2_TCG;
	if ((rc = parse_header(&r, &s, log)) != 0)
		return rc;
	while (aem_rd_left(&r) > 0 && !only_zeros(&r))
		if ((rc = parse_event2(&r, &s, log)) != 0)
			return rc;
	return 0;
}

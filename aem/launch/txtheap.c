/* TXT heap walk: the four tables, OsSinitData's extended elements, the log pointer.
 * Every offset and size here comes from memory another party wrote (firmware, the
 * loader, SINIT): each one is checked against the bytes actually handed in. */
#include "txtheap.h"
#include "evlog.h"
#include "err.h"

#include <string.h>

/* Heap tables must at least hold their own size field. */
static int read_tables(struct aem_rd *r, struct aem_txt_heap *h)
{
	for (unsigned t = AEM_TXT_BIOS; t <= AEM_TXT_SINIT_MLE; t++) {
		uint64_t size;

		/* SINIT writes the last table; before a launch it may be anything. */
		if (aem_rd_u64(r, &size) || size < 8 || size - 8 > aem_rd_left(r)) {
			if (t == AEM_TXT_SINIT_MLE)
				return 0;
			return AEM_E_FORMAT;
		}
		h->off[t] = r->off;
		h->size[t] = size - 8;
		aem_rd_bytes(r, NULL, (size_t)(size - 8));
		if (t == AEM_TXT_SINIT_MLE)
			h->have_sinit_mle = true;
	}
	return 0;
}

static int elt_tpm12(struct aem_rd *r, struct aem_txt_heap *h)
{
	struct aem_txt_log_desc *d = &h->logs[0];

	if (aem_rd_u64(r, &d->base))
		return AEM_E_FORMAT;
	d->bank = AEM_BANK_SHA1;
	h->nlogs = 1;
	return 0;
}

static int check_span(const struct aem_txt_log_desc *d)
{
	if (d->first > d->next || d->next > d->size || d->base > UINT64_MAX - d->size)
		return AEM_E_FORMAT;
	return 0;
}

static int elt_tcg(struct aem_rd *r, struct aem_txt_heap *h)
{
	struct aem_txt_log_desc *d = &h->logs[0];

	if (aem_rd_u64(r, &d->base) || aem_rd_u32(r, &d->size) || aem_rd_u32(r, &d->first) ||
	    aem_rd_u32(r, &d->next))
		return AEM_E_FORMAT;
	h->nlogs = 1;
	return check_span(d);
}

/* Type 7: u32 count, then count x {u16 alg; u16 reserved; u64 phys_addr; u32 size;
 * u32 pcr_events_offset; u32 next_event_offset}. Banks aem does not know (SM3) are
 * left out: their events cannot be replayed here anyway. */
static int elt_legacy(struct aem_rd *r, struct aem_txt_heap *h)
{
	uint32_t count;

	if (aem_rd_u32(r, &count) || count > aem_rd_left(r) / 24)
		return AEM_E_FORMAT;
	for (uint32_t i = 0; i < count; i++) {
		struct aem_txt_log_desc d = { 0 };
		int rc;

		if (aem_rd_u16(r, &d.alg) || aem_rd_bytes(r, NULL, 2) || aem_rd_u64(r, &d.base) ||
		    aem_rd_u32(r, &d.size) || aem_rd_u32(r, &d.first) || aem_rd_u32(r, &d.next))
			return AEM_E_FORMAT;
		if ((rc = check_span(&d)) != 0)
			return rc;
		d.bank = aem_bank_from_alg(d.alg);
		if (d.bank == AEM_BANK_NONE || h->nlogs >= AEM_TXT_HEAP_MAX_LOGS)
			continue;
		h->logs[h->nlogs++] = d;
	}
	return 0;
}

static int log_element(unsigned type, const uint8_t *data, size_t len, struct aem_txt_heap *h)
{
	struct aem_rd r;
	int rc;

	aem_rd_init(&r, data, len);
	switch (type) {
	case AEM_TXT_ELT_LOG_PTR: rc = elt_tpm12(&r, h); break;
	case AEM_TXT_ELT_LOG_PTR2: rc = elt_legacy(&r, h); break;
	default: rc = elt_tcg(&r, h); break;
	}
	if (rc == 0)
		h->log_type = type;
	return rc;
}

/* The elements of OsSinitData, up to the END element or the end of the table. The
 * first log pointer wins: tboot writes exactly one. */
static int walk_elements(const uint8_t *buf, size_t len, struct aem_txt_heap *h)
{
	struct aem_rd r;

	aem_rd_init(&r, buf, len);
	while (aem_rd_left(&r) >= 8) {
		uint32_t type, size;
		const uint8_t *data;
		int rc;

		aem_rd_u32(&r, &type);
		aem_rd_u32(&r, &size);
		if (type == AEM_TXT_ELT_END)
			return 0;
		if (size < 8 || !(data = aem_rd_view(&r, size - 8)))
			return AEM_E_FORMAT;
		if (h->log_type || (type != AEM_TXT_ELT_LOG_PTR && type != AEM_TXT_ELT_LOG_PTR2 &&
				    type != AEM_TXT_ELT_LOG_PTR2_1))
			continue;
		if ((rc = log_element(type, data, size - 8, h)) != 0)
			return rc;
	}
	return 0;
}

int aem_txtheap_parse(const uint8_t *buf, size_t len, struct aem_txt_heap *h)
{
	const uint8_t *os_sinit;
	struct aem_rd r;
	int rc;

	memset(h, 0, sizeof(*h));
	if (!buf)
		return AEM_E_INVAL;
	aem_rd_init(&r, buf, len);
	if ((rc = read_tables(&r, h)) != 0)
		return rc;
	os_sinit = buf + h->off[AEM_TXT_OS_SINIT];
	aem_rd_init(&r, os_sinit, (size_t)h->size[AEM_TXT_OS_SINIT]);
	if (aem_rd_u32(&r, &h->os_sinit_version))
		return AEM_E_FORMAT;
	/* versions before 6 have no elements, so no log pointer */
	if (h->os_sinit_version < 6)
		return 0;
	if (h->size[AEM_TXT_OS_SINIT] < AEM_TXT_OS_SINIT_FIXED)
		return AEM_E_FORMAT;
	return walk_elements(os_sinit + AEM_TXT_OS_SINIT_FIXED,
			     (size_t)h->size[AEM_TXT_OS_SINIT] - AEM_TXT_OS_SINIT_FIXED, h);
}

int aem_txt_container_span(const uint8_t *hdr, size_t len, struct aem_txt_log_desc *d,
			   bool *empty)
{
	struct aem_rd r;
	uint8_t sig[20];
	uint32_t size, first, next;

	aem_rd_init(&r, hdr, len);
	if (aem_rd_bytes(&r, sig, sizeof(sig)) || memcmp(sig, "TXT Event Container", 20) ||
	    aem_rd_bytes(&r, NULL, 16) || aem_rd_u32(&r, &size) || aem_rd_u32(&r, &first) ||
	    aem_rd_u32(&r, &next))
		return AEM_E_FORMAT;
	if (first < AEM_TXT_CONTAINER_HDR || next < first || next > size ||
	    d->base > UINT64_MAX - size)
		return AEM_E_FORMAT;
	d->size = size;
	d->first = 0;
	d->next = next;
	*empty = next == first;
	return 0;
}

/* The event model shared by the three TXT log families: reader, event list, replay,
 * type names, family detection. */
#include "evlog.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

void aem_evlog_free(struct aem_evlog *log)
{
	if (!log)
		return;
	for (size_t i = 0; i < log->n; i++)
		free(log->ev[i].data);
	free(log->ev);
	memset(log, 0, sizeof(*log));
}

int aem_evlog_add_bank(struct aem_evlog *log, enum aem_bank bank)
{
	for (unsigned i = 0; i < log->nbanks; i++)
		if (log->banks[i] == bank)
			return 0;
	if (log->nbanks >= AEM_EVLOG_MAX_BANKS || !aem_bank_size(bank))
		return AEM_E_FORMAT;
	log->banks[log->nbanks++] = bank;
	return 0;
}

static int grow(struct aem_evlog *log)
{
	size_t cap = log->cap ? log->cap * 2 : 32;
	struct aem_event *ev;

	if (log->n >= AEM_EVLOG_MAX_EVENTS)
		return AEM_E_FORMAT;
	ev = realloc(log->ev, cap * sizeof(*ev));
	if (!ev)
		return AEM_E_NOMEM;
	log->ev = ev;
	log->cap = cap;
	return 0;
}

int aem_evlog_append(struct aem_evlog *log, uint32_t pcr, uint32_t type,
		     const struct aem_digest *digests, unsigned ndigests,
		     const uint8_t *data, uint32_t data_len)
{
	struct aem_event *e;
	int rc;

	if (ndigests > AEM_EVLOG_MAX_BANKS || data_len > AEM_EVLOG_MAX_DATA)
		return AEM_E_FORMAT;
	if (log->n == log->cap && (rc = grow(log)) != 0)
		return rc;
	e = &log->ev[log->n];
	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->type = type;
	e->ndigests = ndigests;
	if (ndigests)
		memcpy(e->digests, digests, ndigests * sizeof(*digests));
	if (data_len) {
		e->data = malloc(data_len);
		if (!e->data)
			return AEM_E_NOMEM;
		memcpy(e->data, data, data_len);
		e->data_len = data_len;
	}
	log->n++;
	return 0;
}

const uint8_t *aem_event_digest(const struct aem_event *e, enum aem_bank bank)
{
	for (unsigned i = 0; i < e->ndigests; i++)
		if (e->digests[i].bank == bank)
			return e->digests[i].d;
	return NULL;
}

bool aem_event_extends(const struct aem_event *e)
{
	return e->type != AEM_EV_NO_ACTION && e->pcr < AEM_PCR_COUNT;
}

size_t aem_evlog_find(const struct aem_evlog *log, uint32_t type)
{
	for (size_t i = 0; i < log->n; i++)
		if (log->ev[i].type == type)
			return i;
	return log->n;
}

int aem_evlog_replay(const struct aem_evlog *log, enum aem_bank bank, size_t upto,
		     struct aem_pcr_values *out)
{
	if (!aem_bank_size(bank))
		return AEM_E_INVAL;
	memset(out, 0, sizeof(*out));
	out->bank = bank;
	if (upto > log->n)
		upto = log->n;
	for (size_t i = 0; i < upto; i++) {
		const struct aem_event *e = &log->ev[i];
		const uint8_t *d = aem_event_digest(e, bank);
		int rc;

		if (!d || !aem_event_extends(e))
			continue;
		rc = aem_pcr_extend(bank, out->v[e->pcr], d);
		if (rc)
			return rc;
		out->mask |= 1u << e->pcr;
	}
	return 0;
}

int aem_evlog_merge_bank(struct aem_evlog *log, const struct aem_evlog *other)
{
	if (other->nbanks != 1 || log->n != other->n)
		return AEM_E_FORMAT;
	for (size_t i = 0; i < log->n; i++) {
		struct aem_event *e = &log->ev[i];
		const struct aem_event *o = &other->ev[i];

		if (e->pcr != o->pcr || e->type != o->type || o->ndigests != 1)
			return AEM_E_FORMAT;
		if (aem_event_digest(e, o->digests[0].bank))
			continue;
		if (e->ndigests >= AEM_EVLOG_MAX_BANKS)
			return AEM_E_FORMAT;
		e->digests[e->ndigests++] = o->digests[0];
	}
	return aem_evlog_add_bank(log, other->banks[0]);
}

static const struct {
	uint32_t type;
	const char *name;
} type_names[] = {
	{ 0x0, "EV_PREBOOT_CERT" },
	{ 0x1, "EV_POST_CODE" },
	{ 0x3, "EV_NO_ACTION" },
	{ 0x4, "EV_SEPARATOR" },
	{ 0x5, "EV_ACTION" },
	{ 0x400, "BASE" },
	{ 0x401, "PCR_MAPPING" },
	{ 0x402, "HASH_START" },
	{ 0x403, "COMBINED_HASH" },
	{ 0x404, "MLE_HASH" },
	{ 0x40a, "BIOSAC_REG_DATA" },
	{ 0x40b, "CPU_SCRTM_STAT" },
	{ 0x40c, "LCP_CONTROL_HASH" },
	{ 0x40d, "ELEMENTS_HASH" },
	{ 0x40e, "STM_HASH" },
	{ 0x40f, "OSSINITDATA_CAP_HASH" },
	{ 0x410, "SINIT_PUBKEY_HASH" },
	{ 0x411, "LCP_HASH" },
	{ 0x412, "LCP_DETAILS_HASH" },
	{ 0x413, "LCP_AUTHORITIES_HASH" },
	{ 0x414, "NV_INFO_HASH" },
	{ 0x415, "COLD_BOOT_BIOS_HASH" },
	{ 0x416, "KM_HASH" },
	{ 0x417, "BPM_HASH" },
	{ 0x418, "KM_INFO_HASH" },
	{ 0x419, "BPM_INFO_HASH" },
	{ 0x41a, "BOOT_POL_HASH" },
	{ 0x4fe, "RANDOM_VALUE" },
	{ 0x4ff, "CAP_VALUE" },
	{ 0x501, "TBOOT" },
	{ 0x502, "SLAUNCH" },
	{ 0x600, "SLAUNCH_MBI" },
	{ 0x601, "SLAUNCH_KERNEL" },
	{ 0x602, "SLAUNCH_INITRD" },
};

const char *aem_evlog_type_name(uint32_t type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	if (type > 0x400 && type <= 0x4ff)
		return "SINIT_EVENT";
	return "UNKNOWN";
}

const char *aem_evlog_family_name(enum aem_evlog_family f)
{
	switch (f) {
	case AEM_EVLOG_TPM12: return "1.2";
	case AEM_EVLOG_TPM2_LEGACY: return "2.0-legacy";
	case AEM_EVLOG_TPM2_TCG: return "2.0";
	default: return "none";
	}
}

/* The TCG log starts with a TCG_PCR_EVENT whose data begins "Spec ID Event03"; the
 * TPM 1.2 container with its signature, or (AMD's SKL) behind a TCG_PCR_EVENT whose data
 * begins "Spec ID Event00"; anything else is tried as a legacy log. */
int aem_evlog_parse(const uint8_t *buf, size_t len, struct aem_evlog *log)
{
	static const char spec[] = "Spec ID Event03";

	if (!buf)
		return AEM_E_INVAL;
	if (len >= 20 && memcmp(buf, "TXT Event Container", 20) == 0)
		return aem_evlog_parse_tpm12(buf, len, log);
	if (len >= 32 + sizeof(spec) && memcmp(buf + 32, spec, sizeof(spec)) == 0)
		return aem_evlog_parse_tcg(buf, len, log);
	if (len >= 32 + 16 && memcmp(buf + 32, "Spec ID Event00", 16) == 0)
		return aem_evlog_parse_tcg12(buf, len, log);
	return aem_evlog_parse_legacy(buf, len, log);
}

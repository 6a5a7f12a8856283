#include "policy.h"
#include "err.h"

#include <string.h>

#define SESSION_BANK AEM_BANK_SHA256

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void aem_policy_init(uint8_t policy[AEM_POLICY_SIZE])
{
	memset(policy, 0, AEM_POLICY_SIZE);
}

void aem_tpm2_pcr_selection(enum aem_bank bank, aem_pcr_mask m,
			    uint8_t out[AEM_TPM2_PCR_SELECTION_SIZE], size_t *len)
{
	put_be32(out, 1);                       /* count: one bank */
	out[4] = (uint8_t)((unsigned)bank >> 8);
	out[5] = (uint8_t)bank;
	out[6] = 3;                             /* sizeofSelect: PCRs 0..23 */
	/* pcrSelect is a bitmap with PCR n at byte n/8, bit n%8 (Part 2, 10.6.1). */
	out[7] = (uint8_t)m;
	out[8] = (uint8_t)(m >> 8);
	out[9] = (uint8_t)(m >> 16);
	*len = AEM_TPM2_PCR_SELECTION_SIZE;
}

/* pcrDigest of PolicyPCR: the session hash over the selected values in
 * ascending PCR order, each at the bank's digest size. */
static int pcr_values_digest(const struct aem_pcr_values *v, uint8_t out[AEM_POLICY_SIZE])
{
	uint8_t buf[AEM_PCR_COUNT * AEM_MAX_DIGEST];
	size_t n = aem_bank_size(v->bank), off = 0;

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(v->mask, i))
			continue;
		memcpy(buf + off, v->v[i], n);
		off += n;
	}
	return aem_hash(SESSION_BANK, buf, off, out);
}

int aem_policy_pcr(uint8_t policy[AEM_POLICY_SIZE], const struct aem_pcr_values *v)
{
	uint8_t buf[AEM_POLICY_SIZE + 4 + AEM_TPM2_PCR_SELECTION_SIZE + AEM_POLICY_SIZE];
	size_t sel_len, off = 0;
	int rc;

	if (!v || !aem_bank_size(v->bank) || v->mask == 0 || v->mask >> AEM_PCR_COUNT)
		return AEM_E_INVAL;
	memcpy(buf, policy, AEM_POLICY_SIZE);
	off += AEM_POLICY_SIZE;
	put_be32(buf + off, AEM_TPM2_CC_POLICY_PCR);
	off += 4;
	aem_tpm2_pcr_selection(v->bank, v->mask, buf + off, &sel_len);
	off += sel_len;
	rc = pcr_values_digest(v, buf + off);
	if (rc)
		return rc;
	off += AEM_POLICY_SIZE;
	return aem_hash(SESSION_BANK, buf, off, policy);
}

int aem_policy_authvalue(uint8_t policy[AEM_POLICY_SIZE])
{
	uint8_t buf[AEM_POLICY_SIZE + 4];

	memcpy(buf, policy, AEM_POLICY_SIZE);
	put_be32(buf + AEM_POLICY_SIZE, AEM_TPM2_CC_POLICY_AUTHVALUE);
	return aem_hash(SESSION_BANK, buf, sizeof(buf), policy);
}

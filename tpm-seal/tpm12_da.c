/* TPM 1.2 dictionary-attack state: TPM_GetCapability(TPM_CAP_DA_LOGIC)
 * answers a TPM_DA_INFO (TPM 1.2 spec part 2, 21.7) = tag(0x0037) state(1)
 * currentCount(2) thresholdCount(2) actionAtThreshold{tag(0x0039)
 * actions(4)} actionDependValue(4) vendorDataSize(4) vendorData, or, when
 * the owner hid the counts, a TPM_DA_INFO_LIMITED = tag(0x0038) state(1)
 * actionAtThreshold vendorDataSize vendorData. Big-endian; the answer is
 * parsed with bounds checks like any other TPM output.
 *
 * trousers 0.3.15's Tspi_TPM_GetCapability refuses TSS_TPMCAP_DA_LOGIC
 * (TSS_E_BAD_PARAMETER, 0x3003) although tcsd forwards any capability: the
 * question goes to tcsd through libtspi's RPC_GetTPMCapability, exported by
 * libtspi.so.1 but declared in no installed header. */
#include "tpm12_priv.h"
#include "rd.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_DA_INFO 0x0037u
#define TAG_DA_INFO_LIMITED 0x0038u
#define TAG_DA_ACTION_TYPE 0x0039u

TSS_RESULT RPC_GetTPMCapability(TSS_HCONTEXT ctx, TPM_CAPABILITY_AREA area, UINT32 sub_len,
				BYTE *sub, UINT32 *resp_len, BYTE **resp);

/* A big-endian unsigned of n (1, 2 or 4) bytes. */
static int rd_be(struct aem_rd *r, size_t n, uint32_t *v)
{
	const uint8_t *p = aem_rd_view(r, n);

	if (!p)
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v << 8 | p[i];
	return 0;
}

int aem_tpm12_da_parse(const uint8_t *buf, size_t len, struct aem_tpm12_da_info *out)
{
	struct aem_rd r;
	uint32_t tag, state, count = 0, threshold = 0, atag, depend = 0, vlen;

	memset(out, 0, sizeof(*out));
	aem_rd_init(&r, buf, len);
	if (rd_be(&r, 2, &tag) || (tag != TAG_DA_INFO && tag != TAG_DA_INFO_LIMITED) ||
	    rd_be(&r, 1, &state))
		return AEM_E_FORMAT;
	if (tag == TAG_DA_INFO && (rd_be(&r, 2, &count) || rd_be(&r, 2, &threshold)))
		return AEM_E_FORMAT;
	if (rd_be(&r, 2, &atag) || atag != TAG_DA_ACTION_TYPE || rd_be(&r, 4, &out->actions))
		return AEM_E_FORMAT;
	if (tag == TAG_DA_INFO && rd_be(&r, 4, &depend))
		return AEM_E_FORMAT;
	/* The vendor data must fill the rest exactly: anything else is not a
	 * DA info but a misread. */
	if (rd_be(&r, 4, &vlen) || vlen != aem_rd_left(&r) || state > 1)
		return AEM_E_FORMAT;
	out->limited = tag == TAG_DA_INFO_LIMITED;
	out->locked = state == 1;
	out->count = (uint16_t)count;
	out->threshold = (uint16_t)threshold;
	out->depend = depend;
	return 0;
}

int aem_tpm12_ask_da(struct tpm12 *t, struct aem_tpm12_da_info *di)
{
	/* TPM_ENTITY_TYPE of what a wrong PIN or SRK password hits: a key. */
	BYTE sub[2] = { 0x00, TPM_ET_KEYHANDLE };
	UINT32 len = 0;
	BYTE *resp = NULL;
	TSS_RESULT rc;
	int err;

	rc = RPC_GetTPMCapability(t->ctx, TPM_CAP_DA_LOGIC, sizeof(sub), sub, &len, &resp);
	if (rc != TSS_SUCCESS)
		return aem_tpm12_rc_to_err(rc); /* keep the detail of the failure asked about */
	err = aem_tpm12_da_parse(resp, len, di);
	free(resp); /* the RPC layer allocates with malloc */
	return err;
}

void aem_tpm12_da_note(struct tpm12 *t)
{
	struct aem_tpm12_da_info di;
	size_t n = strlen(t->detail);

	if (aem_tpm12_ask_da(t, &di) || n >= sizeof(t->detail) - 1)
		return;
	if (di.locked && di.depend)
		snprintf(t->detail + n, sizeof(t->detail) - n,
			 "; the TPM's dictionary-attack defence now refuses every password for %u s",
			 (unsigned)di.depend);
	else if (di.locked)
		snprintf(t->detail + n, sizeof(t->detail) - n,
			 "; the TPM's dictionary-attack defence is now running");
	else if (!di.limited)
		snprintf(t->detail + n, sizeof(t->detail) - n,
			 "; %u tries left before the TPM's dictionary-attack defence locks it",
			 di.threshold > di.count ? (unsigned)(di.threshold - di.count) : 0u);
}

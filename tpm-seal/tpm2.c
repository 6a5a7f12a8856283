/* TPM 2.0 backend on tpm2-tss ESAPI: transport, PCRs, random, DA state.
 * Sealing lives in tpm2_seal.c, the SRK in tpm2_srk.c, return codes in
 * tpm2_rc.c. */
#include "tpm2_priv.h"
#include "tpm2_nv.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_rc.h>

int aem_tpm2_fail(struct tpm2 *t, TSS2_RC rc)
{
	if (rc != TSS2_RC_SUCCESS)
		t->last_rc = rc;
	return aem_tpm2_rc_to_err(rc);
}

int aem_tpm2_startup_retry(struct tpm2 *t, TSS2_RC rc)
{
	/* A TPM that was reset but not started (a power cycle without firmware
	 * in front of it, as on a simulator) answers TPM_RC_INITIALIZE. */
	if ((rc & 0xffffu) != TPM2_RC_INITIALIZE || t->started)
		return 0;
	t->started = 1;
	return Esys_Startup(t->esys, TPM2_SU_CLEAR) == TSS2_RC_SUCCESS;
}

void aem_tpm2_selection(TPML_PCR_SELECTION *sel, enum aem_bank bank, aem_pcr_mask mask)
{
	memset(sel, 0, sizeof(*sel));
	sel->count = 1;
	sel->pcrSelections[0].hash = (TPMI_ALG_HASH)bank;
	sel->pcrSelections[0].sizeofSelect = 3;
	for (unsigned i = 0; i < 3; i++)
		sel->pcrSelections[0].pcrSelect[i] = (uint8_t)(mask >> (8 * i));
}

static void tpm2_close(void *impl)
{
	struct tpm2 *t = impl;

	if (!t)
		return;
	if (t->esys)
		Esys_Finalize(&t->esys);
	if (t->tcti)
		Tss2_TctiLdr_Finalize(&t->tcti);
	free(t);
}

static int tpm2_open(const char *spec, void **impl)
{
	struct tpm2 *t = calloc(1, sizeof(*t));

	*impl = NULL;
	if (!t)
		return AEM_E_NOMEM;
	/* The library must not print: tpm2-tss logs to stderr unless told not to.
	 * A user who wants its log sets TSS2_LOG themselves. */
	setenv("TSS2_LOG", "all+none", 0);
	if (Tss2_TctiLdr_Initialize(spec, &t->tcti) != TSS2_RC_SUCCESS) {
		free(t);
		return AEM_TPM_E_NOTPM;
	}
	if (Esys_Initialize(&t->esys, t->tcti, NULL) != TSS2_RC_SUCCESS) {
		tpm2_close(t);
		return AEM_TPM_E_NOTPM;
	}
	*impl = t;
	return 0;
}

/* Move the digests of one PCR_Read answer into v; clear what was read from
 * *todo. The TPM returns at most 8 digests per call. */
static int take_digests(struct aem_pcr_values *v, size_t dsize, aem_pcr_mask *todo,
			const TPML_PCR_SELECTION *got, const TPML_DIGEST *vals)
{
	aem_pcr_mask m = 0;
	uint32_t k = 0;

	if (got->count != 1 || got->pcrSelections[0].hash != (TPMI_ALG_HASH)v->bank)
		return got->count == 0 ? AEM_E_UNSUPPORTED : AEM_TPM_E_TPM;
	for (unsigned i = 0; i < 3 && i < got->pcrSelections[0].sizeofSelect; i++)
		m |= (aem_pcr_mask)got->pcrSelections[0].pcrSelect[i] << (8 * i);
	m &= *todo;
	if (!m)
		return AEM_E_UNSUPPORTED; /* bank not allocated on this TPM */
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(m, i))
			continue;
		if (k >= vals->count || vals->digests[k].size != dsize)
			return AEM_TPM_E_TPM;
		memcpy(v->v[i], vals->digests[k].buffer, dsize);
		k++;
	}
	*todo &= ~m;
	return 0;
}

static int tpm2_pcr_read(void *impl, struct aem_pcr_values *v)
{
	struct tpm2 *t = impl;
	size_t dsize = aem_bank_size(v->bank);
	aem_pcr_mask todo = v->mask;

	if (!dsize || !v->mask || v->mask >> AEM_PCR_COUNT)
		return AEM_E_INVAL;
	while (todo) {
		TPML_PCR_SELECTION sel, *got = NULL;
		TPML_DIGEST *vals = NULL;
		UINT32 counter;
		TSS2_RC rc;
		int err;

		aem_tpm2_selection(&sel, v->bank, todo);
		rc = Esys_PCR_Read(t->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &sel,
				   &counter, &got, &vals);
		if (rc != TSS2_RC_SUCCESS && aem_tpm2_startup_retry(t, rc))
			continue;
		if (rc != TSS2_RC_SUCCESS)
			return aem_tpm2_fail(t, rc);
		err = take_digests(v, dsize, &todo, got, vals);
		Esys_Free(got);
		Esys_Free(vals);
		if (err)
			return err;
	}
	return 0;
}

static int tpm2_pcr_extend(void *impl, enum aem_bank bank, unsigned pcr, const uint8_t *digest)
{
	struct tpm2 *t = impl;
	size_t dsize = aem_bank_size(bank);
	TPML_DIGEST_VALUES d;
	TSS2_RC rc;

	if (!dsize || pcr >= AEM_PCR_COUNT)
		return AEM_E_INVAL;
	memset(&d, 0, sizeof(d));
	d.count = 1;
	d.digests[0].hashAlg = (TPMI_ALG_HASH)bank;
	memcpy((uint8_t *)&d.digests[0].digest, digest, dsize);
	do
		rc = Esys_PCR_Extend(t->esys, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
				     ESYS_TR_NONE, &d);
	while (rc != TSS2_RC_SUCCESS && aem_tpm2_startup_retry(t, rc));
	return aem_tpm2_fail(t, rc);
}

static const char *tpm2_last_detail(const void *impl)
{
	const struct tpm2 *t = impl;

	return t->last_rc ? aem_tpm2_rc_sentence(t->last_rc) : "";
}

const struct aem_tpm_ops aem_tpm2_ops = {
	.family = AEM_FAMILY_TPM20,
	.name = "TPM 2.0 (tpm2-tss ESAPI)",
	.open = tpm2_open,
	.close = tpm2_close,
	.pcr_read = tpm2_pcr_read,
	.pcr_extend = tpm2_pcr_extend,
	.seal_key = aem_tpm2_seal_key,
	.unseal_key = aem_tpm2_unseal_key,
	.nv_read = aem_tpm2_nv_read,
	.nv_write = aem_tpm2_nv_write,
	.last_detail = tpm2_last_detail,
};

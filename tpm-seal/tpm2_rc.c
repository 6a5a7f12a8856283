/* TPM 2.0 / tpm2-tss response codes -> AEM_TPM_E_* codes and sentences a
 * person understands. Codes are compared on their base value: the handle,
 * session or parameter number a format-one code carries is dropped. */
#include "tpm2_priv.h"
#include "err.h"

#include <stddef.h>
#include <tss2/tss2_common.h>
#include <tss2/tss2_tpm2_types.h>
#include <tss2/tss2_rc.h>

#define LAYER_MASK 0x00ff0000u
#define RC_FMT1 0x080u

static const struct {
	uint32_t base;
	int err;
	const char *sentence;
} table[] = {
	{ TPM2_RC_LOCKOUT, AEM_TPM_E_LOCKOUT,
	  "the TPM is in dictionary-attack lockout (too many wrong PINs): wait, or reset it with the lockout password" },
	{ TPM2_RC_AUTH_FAIL, AEM_TPM_E_AUTH, "wrong PIN or password (the failure counts toward the TPM lockout)" },
	{ TPM2_RC_BAD_AUTH, AEM_TPM_E_AUTH, "wrong PIN or password" },
	{ TPM2_RC_POLICY_FAIL, AEM_TPM_E_POLICY, "the policy was not satisfied: the system state has changed" },
	{ TPM2_RC_PCR_CHANGED, AEM_TPM_E_PCR_MISMATCH, "a PCR changed while the policy was being checked" },
	{ TPM2_RC_HANDLE, AEM_TPM_E_TPM, "no such handle: the key or object is not in the TPM" },
	{ TPM2_RC_REFERENCE_H0, AEM_TPM_E_TPM, "no such handle: the key or object is not in the TPM" },
	{ TPM2_RC_INTEGRITY, AEM_E_FORMAT,
	  "the sealed object failed the TPM's integrity check: damaged, or sealed under another TPM or storage key" },
	{ TPM2_RC_KEY_SIZE, AEM_E_UNSUPPORTED, "key size not supported by this TPM" },
	{ TPM2_RC_CURVE, AEM_E_UNSUPPORTED, "elliptic curve not supported by this TPM" },
	{ TPM2_RC_HASH, AEM_E_UNSUPPORTED, "hash algorithm (PCR bank) not supported by this TPM" },
	{ TPM2_RC_SYMMETRIC, AEM_E_UNSUPPORTED, "symmetric algorithm not supported by this TPM" },
	{ TPM2_RC_HIERARCHY, AEM_TPM_E_DISABLED, "the TPM hierarchy is disabled (check the firmware setup)" },
	{ TPM2_RC_DISABLED, AEM_TPM_E_DISABLED, "the TPM command is disabled" },
	{ TPM2_RC_INITIALIZE, AEM_TPM_E_NOTPM, "the TPM was not started (TPM2_Startup missing)" },
	{ TPM2_RC_FAILURE, AEM_TPM_E_NOTPM, "the TPM is in failure mode" },
	{ TPM2_RC_VALUE, AEM_TPM_E_TPM, "the TPM rejected a value (for PolicyPCR: the PCRs differ from the sealed ones)" },
	{ TPM2_RC_SIZE, AEM_E_FORMAT, "a structure has a wrong size" },
	{ TPM2_RC_ATTRIBUTES, AEM_TPM_E_TPM, "inconsistent object attributes" },
	{ TPM2_RC_NV_RATE, AEM_TPM_E_TPM, "the TPM is rate-limiting NV writes: try again later" },
	{ TPM2_RC_NV_UNAVAILABLE, AEM_TPM_E_TPM, "TPM NV memory is unavailable" },
	{ TPM2_RC_NV_SPACE, AEM_TPM_E_TPM, "TPM NV memory is full" },
	{ TPM2_RC_OBJECT_MEMORY, AEM_TPM_E_TPM, "the TPM has no free object slot (flush stale objects)" },
	{ TPM2_RC_SESSION_MEMORY, AEM_TPM_E_TPM, "the TPM has no free session slot (flush stale sessions)" },
	{ TPM2_RC_RETRY, AEM_TPM_E_TPM, "the TPM is busy: try again" },
	{ TPM2_RC_TESTING, AEM_TPM_E_TPM, "the TPM is self-testing: try again" },
	{ TPM2_RC_YIELDED, AEM_TPM_E_TPM, "the TPM yielded: try again" },
};

/* The TPM-layer base code: format-one codes keep their error number and
 * the FMT1 bit; format-zero codes (including warnings) keep all 12 bits. */
uint32_t aem_tpm2_rc_base(uint32_t rc)
{
	rc &= 0xfffu;
	if (rc & RC_FMT1)
		return rc & (RC_FMT1 | 0x3fu);
	return rc;
}

static int layer_err(uint32_t rc)
{
	uint32_t base = rc & 0xffffu;

	if (base == TSS2_BASE_RC_MEMORY)
		return AEM_E_NOMEM;
	switch (rc & LAYER_MASK) {
	case TSS2_TCTI_RC_LAYER:
		return AEM_TPM_E_NOTPM; /* transport: no device, no simulator, I/O */
	case TSS2_ESAPI_RC_LAYER:
	case TSS2_SYS_RC_LAYER:
	case TSS2_MU_RC_LAYER:
		if (base == TSS2_BASE_RC_IO_ERROR || base == TSS2_BASE_RC_NO_CONNECTION ||
		    base == TSS2_BASE_RC_TRY_AGAIN)
			return AEM_TPM_E_NOTPM;
		return AEM_TPM_E_TPM;
	default:
		return AEM_TPM_E_TPM;
	}
}

int aem_tpm2_rc_to_err(uint32_t rc)
{
	uint32_t base;

	if (rc == TSS2_RC_SUCCESS)
		return 0;
	/* The resource manager passes TPM codes on with its own layer. */
	if ((rc & LAYER_MASK) != TSS2_TPM_RC_LAYER && (rc & LAYER_MASK) != TSS2_RESMGR_TPM_RC_LAYER)
		return layer_err(rc);
	base = aem_tpm2_rc_base(rc);
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].base == base)
			return table[i].err;
	return AEM_TPM_E_TPM;
}

const char *aem_tpm2_rc_sentence(uint32_t rc)
{
	uint32_t layer = rc & LAYER_MASK;

	if (rc == TSS2_RC_SUCCESS)
		return "success";
	if (layer == TSS2_TPM_RC_LAYER || layer == TSS2_RESMGR_TPM_RC_LAYER) {
		uint32_t base = aem_tpm2_rc_base(rc);
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].base == base)
				return table[i].sentence;
	}
	if (layer == TSS2_TCTI_RC_LAYER)
		return "cannot talk to the TPM (device or TCTI)";
	/* Anything rarer: tpm2-tss's own decoder names it. */
	return Tss2_RC_Decode(rc);
}

/* TPM 1.2 / trousers return codes -> AEM_TPM_E_* and sentences that say what
 * to do. A TSS_RESULT is layer (bits 12-15: 0 TPM, 1 TDDL, 2 TCS, 3 TSP) |
 * code (bits 0-11); TPM codes are those of the TPM 1.2 spec, part 2. */
#include "tpm12.h"
#include "err.h"

#include <stddef.h>
#include <trousers/tss.h>

#define LAYER(rc) ((rc) & 0xf000u)
#define CODE(rc) ((rc) & 0x0fffu)

struct rc_row {
	uint32_t code;
	int err;
	const char *sentence;
};

/* Codes the TPM itself returns (layer 0). */
static const struct rc_row tpm_rows[] = {
	{ TPM_E_AUTHFAIL, AEM_TPM_E_AUTH,
	  "authorization failed: wrong SRK password (set AEM_SRK_PASSWORD; unset means the "
	  "well-known secret) or wrong owner password" },
	{ TPM_E_AUTH2FAIL, AEM_TPM_E_AUTH, "wrong PIN for the sealed secret" },
	{ TPM_E_WRONGPCRVAL, AEM_TPM_E_PCR_MISMATCH,
	  "TPM_WRONGPCRVAL: the PCRs do not hold the values the secret was sealed to" },
	{ TPM_E_DISABLED, AEM_TPM_E_DISABLED,
	  "the TPM is disabled: enable it in the firmware setup (or tpm_setenable -e)" },
	{ TPM_E_DEACTIVATED, AEM_TPM_E_DISABLED,
	  "the TPM is deactivated: activate it in the firmware setup (or tpm_setactive -a) "
	  "and reboot" },
	{ TPM_E_NOSRK, AEM_TPM_E_NOT_OWNED,
	  "the TPM has no owner and so no SRK: take ownership (aem tpm-setup --tpm 1.2)" },
	{ TPM_E_DEFEND_LOCK_RUNNING, AEM_TPM_E_LOCKOUT,
	  "the TPM's dictionary-attack defence is running: wait for it to expire, or reset it "
	  "with the owner password (tpm_resetdalock)" },
	{ TPM_E_BAD_LOCALITY, AEM_TPM_E_POLICY,
	  "the secret was sealed for another locality" },
	{ TPM_E_NOTSEALED_BLOB, AEM_E_FORMAT, "the TPM blob is not a sealed blob" },
	{ TPM_E_DECRYPT_ERROR, AEM_E_FORMAT,
	  "the TPM cannot decrypt the sealed blob: it was sealed by another TPM or under "
	  "another SRK (ownership taken again?)" },
	{ TPM_E_INVALID_POSTINIT, AEM_TPM_E_NOTPM,
	  "the TPM was not started (TPM_Startup missing): the firmware did not start it" },
	{ TPM_E_BADINDEX, AEM_E_INVAL, "no such NV index or PCR" },
	{ TPM_E_NOSPACE, AEM_TPM_E_TPM, "the TPM has no room left (key slots or NV)" },
	{ TPM_E_OWNER_SET, AEM_TPM_E_TPM, "the TPM already has an owner" },
	{ TPM_E_AREA_LOCKED, AEM_TPM_E_TPM, "the NV area is locked" },
	{ TPM_E_BAD_DATASIZE, AEM_E_INVAL, "wrong data size for this NV area" },
	{ TPM_E_MAXNVWRITES, AEM_TPM_E_TPM,
	  "too many NV writes without an owner: take ownership" },
	{ TPM_E_NO_NV_PERMISSION, AEM_TPM_E_AUTH, "no permission for this NV area" },
};

/* Codes of trousers itself (TCS and TSP layers share one numbering). */
static const struct rc_row tss_rows[] = {
	{ TSS_E_COMM_FAILURE, AEM_TPM_E_NOTPM,
	  "cannot talk to tcsd: start it (systemctl start tcsd) or check "
	  "TSS_TCSD_HOSTNAME/TSS_TCSD_PORT" },
	{ TSS_E_NO_CONNECTION, AEM_TPM_E_NOTPM, "not connected to tcsd" },
	{ TSS_E_CONNECTION_FAILED, AEM_TPM_E_NOTPM,
	  "cannot connect to tcsd: start it (systemctl start tcsd)" },
	{ TSS_E_CONNECTION_BROKEN, AEM_TPM_E_NOTPM, "the connection to tcsd broke" },
	{ TSS_E_PS_KEY_NOTFOUND, AEM_TPM_E_NOT_OWNED,
	  "tcsd knows no SRK: the TPM has no owner (aem tpm-setup --tpm 1.2)" },
	{ TCS_E_KM_LOADFAILED, AEM_TPM_E_NOT_OWNED,
	  "tcsd cannot load the SRK: the TPM has no owner (aem tpm-setup --tpm 1.2)" },
	{ TSS_E_OUTOFMEMORY, AEM_E_NOMEM, "out of memory in the TSS" },
	{ TSS_E_BAD_PARAMETER, AEM_E_INVAL, "the TSS refused a parameter" },
	{ TSS_E_TSP_AUTHFAIL, AEM_TPM_E_AUTH,
	  "authorization failed: wrong SRK password (AEM_SRK_PASSWORD)" },
	{ TSS_E_TSP_AUTH2FAIL, AEM_TPM_E_AUTH, "wrong PIN for the sealed secret" },
	{ TSS_E_NV_AREA_NOT_EXIST, AEM_E_INVAL, "no such NV index" },
	{ TSS_E_INVALID_ATTRIB_DATA, AEM_E_FORMAT, "the TSS cannot read the sealed blob" },
	{ TSS_E_ENC_INVALID_LENGTH, AEM_E_FORMAT, "the sealed blob has a bad length" },
};

static const struct rc_row *find(uint32_t rc)
{
	const struct rc_row *rows = LAYER(rc) == TSS_LAYER_TPM ? tpm_rows : tss_rows;
	size_t n = LAYER(rc) == TSS_LAYER_TPM ? sizeof(tpm_rows) / sizeof(tpm_rows[0])
					      : sizeof(tss_rows) / sizeof(tss_rows[0]);

	if (LAYER(rc) == TSS_LAYER_TDDL)
		return NULL; /* the device driver layer: handled as "no TPM" below */
	for (size_t i = 0; i < n; i++)
		if (rows[i].code == CODE(rc))
			return &rows[i];
	return NULL;
}

int aem_tpm12_rc_to_err(uint32_t rc)
{
	const struct rc_row *r;

	if (rc == TSS_SUCCESS)
		return 0;
	if (LAYER(rc) == TSS_LAYER_TDDL)
		return AEM_TPM_E_NOTPM;
	r = find(rc);
	return r ? r->err : AEM_TPM_E_TPM;
}

const char *aem_tpm12_rc_sentence(uint32_t rc)
{
	const struct rc_row *r;

	if (rc == TSS_SUCCESS)
		return "success";
	if (LAYER(rc) == TSS_LAYER_TDDL)
		return "tcsd cannot talk to the TPM device";
	r = find(rc);
	if (r)
		return r->sentence;
	return LAYER(rc) == TSS_LAYER_TPM ? "the TPM refused the command"
					  : "the TSS (trousers) failed";
}

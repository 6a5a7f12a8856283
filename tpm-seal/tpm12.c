/* TPM 1.2 backend on trousers' libtspi: transport (tcsd), PCRs, random, the
 * secrets of the SRK and the owner, and the family hint of the spec chooser.
 * Sealing lives in tpm12_seal.c, NV in tpm12_nv.c, return codes in
 * tpm12_rc.c. All TPM traffic goes through tcsd, as on a real system. */
#include "tpm12_priv.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trousers/trousers.h>

int aem_tpm12_fail(struct tpm12 *t, TSS_RESULT rc)
{
	if (rc != TSS_SUCCESS) {
		t->last_rc = rc;
		snprintf(t->detail, sizeof(t->detail), "%s (TSS 0x%04x)",
			 aem_tpm12_rc_sentence(rc), (unsigned)rc);
	}
	return aem_tpm12_rc_to_err(rc);
}

const char *aem_tpm12_env_secret(const char *name)
{
	return getenv(name);
}

/* Process-wide, like the family preference: set by the front end. */
static char owner_pw[AEM_TPM12_SECRET_MAX];
static int owner_pw_set;
static aem_tpm12_prompt_fn srk_prompt;
/* Why the last open failed (aem_tpm_last_detail(NULL)). */
static char open_msg[256];

int aem_tpm12_set_owner_secret(const char *pw)
{
	explicit_bzero(owner_pw, sizeof(owner_pw));
	owner_pw_set = 0;
	if (!pw)
		return 0;
	if (strlen(pw) >= sizeof(owner_pw))
		return AEM_E_INVAL;
	memcpy(owner_pw, pw, strlen(pw) + 1);
	owner_pw_set = 1;
	return 0;
}

const char *aem_tpm12_owner_secret(void)
{
	return owner_pw_set ? owner_pw : aem_tpm12_env_secret(AEM_TPM12_OWNER_ENV);
}

void aem_tpm12_set_srk_prompt(aem_tpm12_prompt_fn prompt)
{
	srk_prompt = prompt;
}

int aem_tpm12_srk_reprompt(struct tpm12 *t)
{
	int n, err;

	if ((t->last_rc & 0xffffu) != TPM_E_AUTHFAIL || t->srk_asked || !srk_prompt ||
	    aem_tpm12_env_secret(AEM_TPM12_SRK_ENV) || !t->srk)
		return 0;
	t->srk_asked = 1;
	n = srk_prompt(t->srk_pw, sizeof(t->srk_pw));
	if (n <= 0 || (size_t)n >= sizeof(t->srk_pw)) {
		explicit_bzero(t->srk_pw, sizeof(t->srk_pw));
		return 0; /* nothing typed: keep the TPM's answer */
	}
	t->srk_pw_len = (size_t)n;
	err = aem_tpm12_set_secret(t, t->srk, (const uint8_t *)t->srk_pw, t->srk_pw_len);
	return err ? err : 1;
}

int aem_tpm12_set_secret(struct tpm12 *t, TSS_HOBJECT obj, const uint8_t *secret, size_t len)
{
	static BYTE well_known[] = TSS_WELL_KNOWN_SECRET;
	TSS_HPOLICY pol;
	TSS_RESULT rc;

	rc = Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_POLICY, TSS_POLICY_USAGE, &pol);
	if (rc == TSS_SUCCESS && secret)
		rc = Tspi_Policy_SetSecret(pol, TSS_SECRET_MODE_PLAIN, (UINT32)len, (BYTE *)secret);
	else if (rc == TSS_SUCCESS)
		rc = Tspi_Policy_SetSecret(pol, TSS_SECRET_MODE_SHA1, sizeof(well_known), well_known);
	if (rc == TSS_SUCCESS)
		rc = Tspi_Policy_AssignToObject(pol, obj);
	return aem_tpm12_fail(t, rc);
}

int aem_tpm12_owned(struct tpm12 *t)
{
	UINT32 sub = TSS_TPMCAP_PROP_OWNER, len = 0;
	BYTE *val = NULL;
	TSS_RESULT rc;
	int owned;

	rc = Tspi_TPM_GetCapability(t->tpm, TSS_TPMCAP_PROPERTY, sizeof(sub), (BYTE *)&sub, &len,
				    &val);
	if (rc != TSS_SUCCESS)
		return aem_tpm12_fail(t, rc);
	owned = len >= 1 && val[0] != 0;
	Tspi_Context_FreeMemory(t->ctx, val);
	return owned;
}

int aem_tpm12_srk(struct tpm12 *t)
{
	static const TSS_UUID srk_uuid = TSS_UUID_SRK;
	const char *pw;
	TSS_RESULT rc;
	int err, owned;

	if (t->srk)
		return 0;
	owned = aem_tpm12_owned(t);
	if (owned < 0)
		return owned;
	if (!owned)
		return AEM_TPM_E_NOT_OWNED;
	rc = Tspi_Context_LoadKeyByUUID(t->ctx, TSS_PS_TYPE_SYSTEM, srk_uuid, &t->srk);
	if (rc != TSS_SUCCESS) {
		t->srk = 0;
		return aem_tpm12_fail(t, rc);
	}
	pw = aem_tpm12_env_secret(AEM_TPM12_SRK_ENV);
	if (!pw && t->srk_pw_len)
		err = aem_tpm12_set_secret(t, t->srk, (const uint8_t *)t->srk_pw, t->srk_pw_len);
	else
		err = aem_tpm12_set_secret(t, t->srk, (const uint8_t *)pw, pw ? strlen(pw) : 0);
	if (err)
		t->srk = 0;
	return err;
}

static void tpm12_close(void *impl)
{
	struct tpm12 *t = impl;

	if (!t)
		return;
	if (t->ctx) {
		Tspi_Context_FreeMemory(t->ctx, NULL);
		Tspi_Context_Close(t->ctx);
	}
	explicit_bzero(t, sizeof(*t));
	free(t);
}

/* "tcsd:" -> the default tcsd (TSS_TCSD_HOSTNAME or localhost); "tcsd:HOST". */
static TSS_RESULT connect_spec(struct tpm12 *t, const char *spec)
{
	const char *host = spec + strlen(AEM_TPM12_SPEC);
	BYTE *uhost;
	TSS_RESULT rc;

	if (!*host)
		return Tspi_Context_Connect(t->ctx, NULL);
	uhost = Trspi_Native_To_UNICODE((BYTE *)host, NULL);
	if (!uhost)
		return TSS_E_OUTOFMEMORY;
	rc = Tspi_Context_Connect(t->ctx, (TSS_UNICODE *)uhost);
	free(uhost);
	return rc;
}

/* The sentence the user gets when tcsd cannot be reached, with where it
 * was looked for. */
static void open_failed(const char *spec, TSS_RESULT rc)
{
	const char *host = spec + strlen(AEM_TPM12_SPEC), *port = getenv("TSS_TCSD_PORT");

	if (!*host)
		host = getenv("TSS_TCSD_HOSTNAME");
	if ((rc & 0x0fffu) == TSS_E_COMM_FAILURE || (rc & 0x0fffu) == TSS_E_CONNECTION_FAILED)
		snprintf(open_msg, sizeof(open_msg),
			 "tcsd is not running: start it (systemctl start tcsd); nothing answers at "
			 "%s:%s (TSS 0x%04x)", host && *host ? host : "localhost",
			 port && *port ? port : "30003", (unsigned)rc);
	else
		snprintf(open_msg, sizeof(open_msg), "cannot open a tcsd context: %s (TSS 0x%04x)",
			 aem_tpm12_rc_sentence(rc), (unsigned)rc);
}

static const char *tpm12_open_detail(void)
{
	return open_msg;
}

static int tpm12_open(const char *spec, void **impl)
{
	struct tpm12 *t = calloc(1, sizeof(*t));
	TSS_RESULT rc;

	*impl = NULL;
	open_msg[0] = '\0';
	if (!t)
		return AEM_E_NOMEM;
	if (strncmp(spec, AEM_TPM12_SPEC, strlen(AEM_TPM12_SPEC)) != 0) {
		free(t);
		return AEM_E_INVAL;
	}
	rc = Tspi_Context_Create(&t->ctx);
	if (rc == TSS_SUCCESS)
		rc = connect_spec(t, spec);
	if (rc == TSS_SUCCESS)
		rc = Tspi_Context_GetTpmObject(t->ctx, &t->tpm);
	if (rc != TSS_SUCCESS) {
		int err = aem_tpm12_rc_to_err(rc);
		tpm12_close(t);
		open_failed(spec, rc);
		/* Whatever the TSS says, failing here means tcsd is out of reach. */
		return err == AEM_E_NOMEM ? err : AEM_TPM_E_NOTPM;
	}
	open_msg[0] = '\0';
	*impl = t;
	return 0;
}

static int tpm12_pcr_read(void *impl, struct aem_pcr_values *v)
{
	struct tpm12 *t = impl;

	if (v->bank != AEM_BANK_SHA1)
		return AEM_E_UNSUPPORTED; /* TPM 1.2 has the sha1 bank only */
	if (!v->mask || v->mask >> AEM_PCR_COUNT)
		return AEM_E_INVAL;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		UINT32 len = 0;
		BYTE *val = NULL;
		TSS_RESULT rc;

		if (!aem_pcr_mask_has(v->mask, i))
			continue;
		rc = Tspi_TPM_PcrRead(t->tpm, i, &len, &val);
		if (rc != TSS_SUCCESS)
			return aem_tpm12_fail(t, rc);
		if (len != 20) {
			Tspi_Context_FreeMemory(t->ctx, val);
			return AEM_TPM_E_TPM;
		}
		memcpy(v->v[i], val, 20);
		Tspi_Context_FreeMemory(t->ctx, val);
	}
	return 0;
}

static int tpm12_pcr_extend(void *impl, enum aem_bank bank, unsigned pcr, const uint8_t *digest)
{
	struct tpm12 *t = impl;
	BYTE d[20], *out = NULL;
	UINT32 out_len = 0;
	TSS_RESULT rc;

	if (bank != AEM_BANK_SHA1)
		return AEM_E_UNSUPPORTED;
	if (pcr >= AEM_PCR_COUNT)
		return AEM_E_INVAL;
	/* Without an event the TSS extends these 20 bytes as they are. */
	memcpy(d, digest, sizeof(d));
	rc = Tspi_TPM_PcrExtend(t->tpm, pcr, sizeof(d), d, NULL, &out_len, &out);
	if (rc == TSS_SUCCESS)
		Tspi_Context_FreeMemory(t->ctx, out);
	return aem_tpm12_fail(t, rc);
}

static const char *tpm12_last_detail(const void *impl)
{
	const struct tpm12 *t = impl;

	return t->last_rc ? t->detail : "";
}

const struct aem_tpm_ops aem_tpm12_ops = {
	.family = AEM_FAMILY_TPM12,
	.name = "TPM 1.2 (trousers/tcsd)",
	.open = tpm12_open,
	.close = tpm12_close,
	.pcr_read = tpm12_pcr_read,
	.pcr_extend = tpm12_pcr_extend,
	.seal_key = aem_tpm12_seal_key,
	.unseal_key = aem_tpm12_unseal_key,
	.nv_read = aem_tpm12_nv_read,
	.nv_write = aem_tpm12_nv_write,
	.last_detail = tpm12_last_detail,
	.open_detail = tpm12_open_detail,
};

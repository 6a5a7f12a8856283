/* TPM 1.2 operations of the administration commands only (tpm-setup takes
 * ownership, random bytes, DA state): kept out of the facade's core table so
 * the boot-path program does not link them. */
#include "tpm12_priv.h"
#include "err.h"

#include <string.h>

static int tpm12_random(void *impl, uint8_t *buf, size_t len)
{
	struct tpm12 *t = impl;

	while (len) {
		UINT32 n = len > 128 ? 128 : (UINT32)len;
		BYTE *r = NULL;
		TSS_RESULT rc = Tspi_TPM_GetRandom(t->tpm, n, &r);

		if (rc != TSS_SUCCESS)
			return aem_tpm12_fail(t, rc);
		memcpy(buf, r, n);
		explicit_bzero(r, n);
		Tspi_Context_FreeMemory(t->ctx, r);
		buf += n;
		len -= n;
	}
	return 0;
}

/* Take ownership: the owner secret of the front end (tpm-setup keeps a
 * random one in its state directory) or AEM_OWNER_PASSWORD; the SRK secret
 * from AEM_SRK_PASSWORD; each the well-known secret when unset. */
static int take_ownership(struct tpm12 *t)
{
	const char *owner = aem_tpm12_owner_secret();
	const char *srkpw = aem_tpm12_env_secret(AEM_TPM12_SRK_ENV);
	TSS_HKEY srk = 0;
	int err;

	err = aem_tpm12_set_secret(t, t->tpm, (const uint8_t *)owner, owner ? strlen(owner) : 0);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_Context_CreateObject(t->ctx, TSS_OBJECT_TYPE_RSAKEY,
								   TSS_KEY_TSP_SRK | TSS_KEY_AUTHORIZATION,
								   &srk));
	if (!err)
		err = aem_tpm12_set_secret(t, srk, (const uint8_t *)srkpw, srkpw ? strlen(srkpw) : 0);
	if (!err)
		err = aem_tpm12_fail(t, Tspi_TPM_TakeOwnership(t->tpm, srk, 0));
	if (srk)
		Tspi_Context_CloseObject(t->ctx, srk);
	return err;
}

/* libtspi exports the RPC behind Tspi_NV_DefineSpace; the TSS call always
 * authorizes, and the lock index is defined without authorization. */
TSS_RESULT RPC_NV_DefineOrReleaseSpace(TSS_HCONTEXT ctx, UINT32 size, BYTE *pub,
				       TCPA_ENCAUTH enc, TPM_AUTH *auth);

/* Set nvLocked: TPM_NV_DefineSpace of TPM_NV_INDEX_LOCK, size 0, without
 * authorization. Until it is set the TPM checks no NV authorization at
 * all, so nothing (the owner's password, a freshness slot's key) protects
 * an NV area. Real chips ship with it set; setting it again is harmless. */
static int nv_lock(struct tpm12 *t)
{
	/* TPM_NV_DATA_PUBLIC: tag, index, two empty TPM_PCR_INFO_SHORT
	 * (3-byte selection, locality, digest), TPM_NV_ATTRIBUTES 0, three
	 * FALSE flags, dataSize 0. */
	BYTE pub[2 + 4 + 2 * (2 + 3 + 1 + 20) + 2 + 4 + 3 + 4];
	TCPA_ENCAUTH none;
	size_t o = 0;

	memset(pub, 0, sizeof(pub));
	memset(&none, 0, sizeof(none));
	pub[o++] = 0x00, pub[o++] = TPM_TAG_NV_DATA_PUBLIC;
	for (int i = 0; i < 4; i++)
		pub[o++] = 0xff;
	for (int k = 0; k < 2; k++) {
		pub[o++] = 0x00, pub[o++] = 0x03;
		o += 3;
		pub[o++] = 0x1f;
		o += 20;
	}
	pub[o++] = 0x00, pub[o++] = TPM_TAG_NV_ATTRIBUTES;
	return aem_tpm12_fail(t, RPC_NV_DefineOrReleaseSpace(t->ctx, sizeof(pub), pub, none, NULL));
}

int aem_tpm12_setup(void *impl, int *created)
{
	struct tpm12 *t = impl;
	int owned = aem_tpm12_owned(t), err;

	*created = 0;
	if (owned < 0)
		return owned;
	if (!owned) {
		err = take_ownership(t);
		if (err)
			return err;
		*created = 1;
	}
	err = aem_tpm12_srk(t);
	return err ? err : nv_lock(t);
}

int aem_tpm12_da_info(void *impl, struct aem_tpm_da *da)
{
	struct tpm12 *t = impl;
	struct aem_tpm12_da_info di;
	int err;

	/* Callers word this state as "wrong PIN: N tries left". After
	 * TPM_AUTHFAIL the wrong secret was the SRK's (or the owner's), not the
	 * PIN (TPM_AUTH2FAIL): decline, so they print last_detail, which names
	 * that secret and already carries the count (aem_tpm12_da_note). */
	if (t->last_rc == TPM_E_AUTHFAIL)
		return AEM_E_UNSUPPORTED;
	err = aem_tpm12_ask_da(t, &di);
	if (err)
		return err;
	if (di.limited && !di.locked)
		return AEM_E_UNSUPPORTED; /* no counts to tell */
	da->counter = di.count;
	da->max_tries = di.threshold;
	da->recovery_s = 0; /* TPM 1.2 forgets failures only at reset or TPM_ResetLockValue */
	da->in_lockout = di.locked;
	if (di.locked && (di.actions & TPM_DA_ACTION_TIMEOUT))
		da->lockout_left_s = di.depend;
	return 0;
}

const struct aem_tpm_admin_ops aem_tpm12_admin_ops = {
	.random = tpm12_random,
	.da_info = aem_tpm12_da_info,
	.setup = aem_tpm12_setup,
	.nv_define = aem_tpm12_nv_define,
	.nv_undefine = aem_tpm12_nv_undefine,
	.nv_kind = aem_tpm12_nv_kind,
};

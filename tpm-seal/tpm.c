/* The TPM facade: picks the transport and the family's ops table, then
 * forwards. Family-neutral on purpose: a TPM 1.2 backend adds one line to
 * backends[] and a spec prefix (e.g. "tcsd:") it claims. */
#include "tpm.h"
#include "tpm12.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct aem_tpm {
	const struct aem_tpm_ops *ops;
	void *impl;
};

/* Why the last aem_tpm_open failed, for aem_tpm_last_detail(NULL): the
 * handle is gone by then, only the backend's static sentence is left. */
static const struct aem_tpm_ops *open_failed;

static const struct {
	const char *prefix; /* spec prefix claimed by this backend, "" = default */
	const struct aem_tpm_ops *ops;
} backends[] = {
	{ AEM_TPM12_SPEC, &aem_tpm12_ops },
	{ "", &aem_tpm2_ops },
};

static int copy_spec(const char *s, char *out, size_t len)
{
	size_t n = strlen(s);

	if (n + 1 > len)
		return AEM_TPM_E_INVAL;
	memcpy(out, s, n + 1);
	return 0;
}

int aem_tpm_choose_spec(const char *opt, char *out, size_t len)
{
	static const char *const envs[] = { "AEM_TCTI", "TPM2TOOLS_TCTI", "TSS2_TCTI" };
	static const char *const devs[] = { "/dev/tpmrm0", "/dev/tpm0" };
	char dev[64];

	if (opt && *opt)
		return copy_spec(opt, out, len);
	/* TPM 1.2 (env AEM_TPM_FAMILY=1.2, or sysfs says so) goes through tcsd. */
	switch (aem_tpm12_family_hint()) {
	case 12: return copy_spec(AEM_TPM12_SPEC, out, len);
	case -1: return AEM_TPM_E_INVAL;
	}
	for (size_t i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		const char *v = getenv(envs[i]);
		if (v && *v)
			return copy_spec(v, out, len);
	}
	/* The resource manager first: it lets several clients share the TPM. */
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (access(devs[i], R_OK | W_OK) != 0)
			continue;
		snprintf(dev, sizeof(dev), "device:%s", devs[i]);
		return copy_spec(dev, out, len);
	}
	return AEM_TPM_E_NOTPM;
}

static const struct aem_tpm_ops *backend_for(const char *spec)
{
	const struct aem_tpm_ops *fallback = NULL;

	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i].prefix);
		if (n == 0)
			fallback = backends[i].ops;
		else if (strncmp(spec, backends[i].prefix, n) == 0)
			return backends[i].ops;
	}
	return fallback;
}

int aem_tpm_open(const char *spec, struct aem_tpm **out)
{
	char chosen[512];
	struct aem_tpm *t;
	int rc;

	*out = NULL;
	rc = aem_tpm_choose_spec(spec, chosen, sizeof(chosen));
	if (rc)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t)
		return AEM_TPM_E_NOMEM;
	t->ops = backend_for(chosen);
	if (!t->ops) {
		free(t);
		return AEM_TPM_E_UNSUPPORTED;
	}
	open_failed = NULL;
	rc = t->ops->open(chosen, &t->impl);
	if (rc) {
		open_failed = t->ops;
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void aem_tpm_close(struct aem_tpm *t)
{
	if (!t)
		return;
	t->ops->close(t->impl);
	free(t);
}

enum aem_family aem_tpm_family(const struct aem_tpm *t)
{
	return t->ops->family;
}

int aem_tpm_pcr_read(struct aem_tpm *t, struct aem_pcr_values *v)
{
	return t->ops->pcr_read(t->impl, v);
}

int aem_tpm_pcr_extend(struct aem_tpm *t, enum aem_bank bank, unsigned pcr, const uint8_t *digest)
{
	return t->ops->pcr_extend(t->impl, bank, pcr, digest);
}

int aem_tpm_random(struct aem_tpm *t, uint8_t *buf, size_t len)
{
	return t->ops->random(t->impl, buf, len);
}

int aem_tpm_seal_key(struct aem_tpm *t, const struct aem_pcr_values *expect, const uint8_t *auth,
		     size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s)
{
	return t->ops->seal_key(t->impl, expect, auth, auth_len, key, s);
}

int aem_tpm_unseal_key(struct aem_tpm *t, const struct aem_sealed *s, const uint8_t *auth,
		       size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN])
{
	if (s->family != t->ops->family)
		return AEM_TPM_E_FAMILY;
	return t->ops->unseal_key(t->impl, s, auth, auth_len, key);
}

int aem_tpm_da_info(struct aem_tpm *t, struct aem_tpm_da *da)
{
	memset(da, 0, sizeof(*da));
	return t->ops->da_info ? t->ops->da_info(t->impl, da) : AEM_TPM_E_UNSUPPORTED;
}

int aem_tpm_setup(struct aem_tpm *t, int *created)
{
	return t->ops->setup(t->impl, created);
}

int aem_tpm_nv_read(struct aem_tpm *t, uint32_t index, uint8_t *buf, size_t len)
{
	return t->ops->nv_read ? t->ops->nv_read(t->impl, index, buf, len) : AEM_TPM_E_UNSUPPORTED;
}

int aem_tpm_nv_write(struct aem_tpm *t, uint32_t index, const uint8_t *buf, size_t len)
{
	return t->ops->nv_write ? t->ops->nv_write(t->impl, index, buf, len) : AEM_TPM_E_UNSUPPORTED;
}

const char *aem_tpm_last_detail(const struct aem_tpm *t)
{
	if (!t)
		return open_failed && open_failed->open_detail ? open_failed->open_detail() : "";
	return t->ops->last_detail ? t->ops->last_detail(t->impl) : "";
}

int aem_tpm_hmac_seal(struct aem_tpm *t, const struct aem_pcr_values *expect, const uint8_t *auth,
		      size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
		      struct aem_sealed *s)
{
	if (!t->ops->hmac_seal)
		return AEM_TPM_E_UNSUPPORTED;
	return t->ops->hmac_seal(t->impl, expect, auth, auth_len, hash, key, key_len, s);
}

int aem_tpm_hmac(struct aem_tpm *t, const struct aem_sealed *s, const uint8_t *auth,
		 size_t auth_len, const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len)
{
	if (s->family != t->ops->family)
		return AEM_TPM_E_FAMILY;
	if (!t->ops->hmac)
		return AEM_TPM_E_UNSUPPORTED;
	return t->ops->hmac(t->impl, s, auth, auth_len, msg, msg_len, mac, mac_len);
}

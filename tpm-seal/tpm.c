/* The TPM facade: picks the transport and the family's ops table (the rows
 * of tpm_backends.c), then forwards. Family-neutral on purpose; the
 * administration operations are in tpm_admin.c. */
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

static int copy_spec(const char *s, char *out, size_t len)
{
	size_t n = strlen(s);

	if (n + 1 > len)
		return AEM_E_INVAL;
	memcpy(out, s, n + 1);
	return 0;
}

/* A plain read of the kernel's answer: libaemtpm sits below aem/platform/runtime.c
 * and may not call it. Absent file (no TPM, old kernel) = no hint. */
static int sysfs_major(void)
{
	char buf[8] = "";
	FILE *f = fopen("/sys/class/tpm/tpm0/tpm_version_major", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return atoi(buf);
}

static int preferred; /* 12 or 20 after aem_tpm_prefer_family, else 0 */

static int family_from_name(const char *fam)
{
	if (!strcmp(fam, "1.2"))
		return 12;
	if (!strcmp(fam, "2.0") || !strcmp(fam, "2"))
		return 20;
	return -1;
}

int aem_tpm_prefer_family(const char *name)
{
	int f = name ? family_from_name(name) : -1;

	if (f < 0)
		return AEM_E_INVAL;
	preferred = f;
	return 0;
}

int aem_tpm_family_hint(void)
{
	const char *fam = getenv("AEM_TPM_FAMILY");

	if (preferred)
		return preferred;

	if (fam && *fam)
		return family_from_name(fam);
	switch (sysfs_major()) {
	case 1: return 12;
	case 2: return 20;
	default: return 0;
	}
}

int aem_tpm_choose_spec(const char *opt, char *out, size_t len)
{
	static const char *const envs[] = { "AEM_TCTI", "TPM2TOOLS_TCTI", "TSS2_TCTI" };
	static const char *const devs[] = { "/dev/tpmrm0", "/dev/tpm0" };
	char dev[64];

	if (opt && *opt)
		return copy_spec(opt, out, len);
	/* TPM 1.2 (env AEM_TPM_FAMILY=1.2, or sysfs says so) goes through tcsd. */
	switch (aem_tpm_family_hint()) {
	case 12: return copy_spec(AEM_TPM12_SPEC, out, len);
	case -1: return AEM_E_INVAL;
	}
	/* A program built for TPM 1.2 only: its backend is the only choice. */
	if (aem_tpm_nbackends == 1 && aem_tpm_backends[0].prefix[0])
		return copy_spec(aem_tpm_backends[0].prefix, out, len);
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

	for (size_t i = 0; i < aem_tpm_nbackends; i++) {
		size_t n = strlen(aem_tpm_backends[i].prefix);
		if (n == 0)
			fallback = aem_tpm_backends[i].ops;
		else if (strncmp(spec, aem_tpm_backends[i].prefix, n) == 0)
			return aem_tpm_backends[i].ops;
	}
	/* A TPM 1.2 spec in a program built without that backend. */
	return strncmp(spec, AEM_TPM12_SPEC, strlen(AEM_TPM12_SPEC)) ? fallback : NULL;
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
		return AEM_E_NOMEM;
	t->ops = backend_for(chosen);
	if (!t->ops) {
		free(t);
		return AEM_E_UNSUPPORTED;
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

int aem_tpm_nv_read(struct aem_tpm *t, uint32_t index, const uint8_t *key, uint8_t *buf,
		    size_t len)
{
	return t->ops->nv_read ? t->ops->nv_read(t->impl, index, key, buf, len) : AEM_E_UNSUPPORTED;
}

int aem_tpm_nv_write(struct aem_tpm *t, uint32_t index, const uint8_t *key, const uint8_t *buf,
		     size_t len)
{
	return t->ops->nv_write ? t->ops->nv_write(t->impl, index, key, buf, len)
				: AEM_E_UNSUPPORTED;
}

static uint8_t srk_name[AEM_TPM2_NAME_LEN];
static int srk_name_set;

void aem_tpm_expect_srk_name(const uint8_t name[AEM_TPM2_NAME_LEN])
{
	srk_name_set = name != NULL;
	if (name)
		memcpy(srk_name, name, sizeof(srk_name));
}

const uint8_t *aem_tpm_expected_srk_name(void)
{
	return srk_name_set ? srk_name : NULL;
}

void *aem_tpm_impl(const struct aem_tpm *t)
{
	return t->impl;
}

const char *aem_tpm_last_detail(const struct aem_tpm *t)
{
	if (!t)
		return open_failed && open_failed->open_detail ? open_failed->open_detail() : "";
	return t->ops->last_detail ? t->ops->last_detail(t->impl) : "";
}

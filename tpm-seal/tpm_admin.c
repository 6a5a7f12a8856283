/* The facade of the administration operations (struct aem_tpm_admin_ops):
 * the family's table is picked here, so only programs that call these link
 * them and the backends' setup, DA and HMAC code. */
#include "tpm.h"
#include "tpm12.h"
#include "err.h"

#include <string.h>

static const struct aem_tpm_admin_ops *admin(const struct aem_tpm *t)
{
	return aem_tpm_family(t) == AEM_FAMILY_TPM12 ? &aem_tpm12_admin_ops : &aem_tpm2_admin_ops;
}

int aem_tpm_random(struct aem_tpm *t, uint8_t *buf, size_t len)
{
	return admin(t)->random(aem_tpm_impl(t), buf, len);
}

int aem_tpm_da_info(struct aem_tpm *t, struct aem_tpm_da *da)
{
	const struct aem_tpm_admin_ops *a = admin(t);

	memset(da, 0, sizeof(*da));
	return a->da_info ? a->da_info(aem_tpm_impl(t), da) : AEM_E_UNSUPPORTED;
}

int aem_tpm_setup(struct aem_tpm *t, int *created)
{
	return admin(t)->setup(aem_tpm_impl(t), created);
}

int aem_tpm_hmac_seal(struct aem_tpm *t, const struct aem_pcr_values *expect, const uint8_t *auth,
		      size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
		      struct aem_sealed *s)
{
	const struct aem_tpm_admin_ops *a = admin(t);

	if (!a->hmac_seal)
		return AEM_E_UNSUPPORTED;
	return a->hmac_seal(aem_tpm_impl(t), expect, auth, auth_len, hash, key, key_len, s);
}

int aem_tpm_hmac(struct aem_tpm *t, const struct aem_sealed *s, const uint8_t *auth,
		 size_t auth_len, const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len)
{
	const struct aem_tpm_admin_ops *a = admin(t);

	if (s->family != aem_tpm_family(t))
		return AEM_TPM_E_FAMILY;
	if (!a->hmac)
		return AEM_E_UNSUPPORTED;
	return a->hmac(aem_tpm_impl(t), s, auth, auth_len, msg, msg_len, mac, mac_len);
}

int aem_tpm_nv_define(struct aem_tpm *t, uint32_t index, const uint8_t *key, size_t len)
{
	const struct aem_tpm_admin_ops *a = admin(t);

	return a->nv_define ? a->nv_define(aem_tpm_impl(t), index, key, len) : AEM_E_UNSUPPORTED;
}

int aem_tpm_nv_undefine(struct aem_tpm *t, uint32_t index)
{
	const struct aem_tpm_admin_ops *a = admin(t);

	return a->nv_undefine ? a->nv_undefine(aem_tpm_impl(t), index) : AEM_E_UNSUPPORTED;
}

int aem_tpm_nv_kind(struct aem_tpm *t, uint32_t index, enum aem_tpm_nv_kind *kind, size_t *size)
{
	const struct aem_tpm_admin_ops *a = admin(t);
	int k = AEM_TPM_NV_ABSENT, err;

	*size = 0;
	err = a->nv_kind ? a->nv_kind(aem_tpm_impl(t), index, &k, size) : AEM_E_UNSUPPORTED;
	*kind = (enum aem_tpm_nv_kind)k;
	return err;
}

int aem_tpm_srk_name(struct aem_tpm *t, uint8_t name[AEM_TPM2_NAME_LEN])
{
	if (aem_tpm_family(t) != AEM_FAMILY_TPM20)
		return AEM_E_UNSUPPORTED;
	return aem_tpm2_srk_name(aem_tpm_impl(t), name);
}

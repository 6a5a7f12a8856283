/* Opening a LUKS2 device with the multi-factor key (mfa.h), apart from the
 * enrolment in mfa.c: the boot program links only this. */
#include "mfa.h"
#include "err.h"

#include <errno.h>
#include <stddef.h>
#include <libcryptsetup.h>

int aem_mfa_luks_load(const char *device, struct crypt_device **cd)
{
	if (crypt_init(cd, device) < 0)
		return AEM_E_IO;
	if (crypt_load(*cd, CRYPT_LUKS2, NULL) < 0) {
		crypt_free(*cd);
		*cd = NULL;
		return AEM_E_FORMAT;
	}
	return 0;
}

int aem_mfa_luks_err(int r)
{
	if (r == -EPERM || r == -ENOENT)
		return AEM_TPM_E_AUTH; /* no keyslot opened with the given passphrase */
	if (r == -ENOMEM)
		return AEM_E_NOMEM;
	return AEM_E_IO;
}

int aem_mfa_activate(const char *device, const char *name, const uint8_t key[AEM_MFA_KEY_LEN],
		     int *slot)
{
	struct crypt_device *cd = NULL;
	int r, err = aem_mfa_luks_load(device, &cd);

	*slot = -1;
	if (err)
		return err;
	r = crypt_activate_by_passphrase(cd, name, CRYPT_ANY_SLOT, (const char *)key,
					 AEM_MFA_KEY_LEN, 0);
	crypt_free(cd);
	if (r < 0)
		return aem_mfa_luks_err(r);
	*slot = r;
	return 0;
}

/* aem tpm-setup, second half: the TPM's aem identity, 20 random bytes in an
 * NV index written once. Sealed files live under aem/<identity>/ on the
 * media, so one media can serve several machines and a file is never tried
 * on a TPM it was not sealed by. */
#include "lifecycle.h"
#include "err.h"

#include "cmd.h"
#include "exitcode.h"

#include <stdio.h>
#include <string.h>

int aem_lc_id_setup(struct aem_tpm *t, uint8_t id[AEM_TPM_ID_LEN], int *created)
{
	uint8_t back[AEM_TPM_ID_LEN];
	int rc = aem_lc_id_read(t, id);

	*created = 0;
	if (rc != AEM_TPM_E_INVAL)
		return rc; /* there already (0), or unreadable: never replaced */
	rc = aem_tpm_random(t, id, AEM_TPM_ID_LEN);
	if (!rc)
		rc = aem_tpm_nv_write(t, aem_fresh_id_index(aem_tpm_family(t)), id, AEM_TPM_ID_LEN);
	if (!rc)
		rc = aem_lc_id_read(t, back);
	if (!rc && memcmp(back, id, AEM_TPM_ID_LEN))
		rc = AEM_TPM_E_TPM;
	*created = rc == 0;
	return rc;
}

/* The identity half of `aem tpm-setup`, run after the storage key exists. */
int aem_cmd_tpm_setup_nv(struct aem_tpm *t)
{
	uint8_t id[AEM_TPM_ID_LEN];
	char hex[2 * AEM_TPM_ID_LEN + 1];
	int created = 0, rc = aem_lc_id_setup(t, id, &created);

	if (rc == AEM_TPM_E_AUTH) {
		fprintf(stderr, "aem tpm-setup: this TPM is owned and its owner password is not the "
			"one aem was given (env AEM_OWNER_PASSWORD): refusing to touch it. Give the "
			"owner password, or clear the TPM (firmware setup menu, or tpm2_clear / "
			"tpm_clear --force) and run aem tpm-setup again; clearing destroys every key "
			"sealed on it.\n");
		return AEM_EXIT_AUTH;
	}
	if (rc) {
		const char *d = aem_tpm_last_detail(t);
		fprintf(stderr, "aem tpm-setup: cannot set up the aem identity in TPM NV: %s%s%s\n",
			aem_tpm_strerror(rc), *d ? ": " : "", d);
		return aem_exit_from_tpm(rc);
	}
	printf("%s the aem identity of this TPM: %s\n", created ? "created" : "kept",
	       aem_hex(id, sizeof(id), hex));
	return AEM_EXIT_OK;
}

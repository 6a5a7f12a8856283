/* The TPM families a program can open. The library's copy lists both; the
 * boot-path program of one family is linked with a copy compiled with
 * AEM_BACKEND_ONLY=20 or =12, so the other family's code is not in it. */
#include "tpm.h"
#include "tpm12.h"

#ifndef AEM_BACKEND_ONLY
#define AEM_BACKEND_ONLY 0
#endif

const struct aem_tpm_backend aem_tpm_backends[] = {
#if AEM_BACKEND_ONLY != 20
	{ AEM_TPM12_SPEC, &aem_tpm12_ops },
#endif
#if AEM_BACKEND_ONLY != 12
	{ "", &aem_tpm2_ops },
#endif
};

const size_t aem_tpm_nbackends = sizeof(aem_tpm_backends) / sizeof(aem_tpm_backends[0]);

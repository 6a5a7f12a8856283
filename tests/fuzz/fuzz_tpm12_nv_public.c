/* libFuzzer target: aem_tpm12_nv_public_parse (a TPM 1.2 TPM_NV_DATA_PUBLIC,
 * the answer of TPM_GetCapability(TPM_CAP_NV_INDEX)) on arbitrary bytes. What
 * parses is at least the fixed part of the structure. */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "tpm12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_tpm12_nv_public p;

	if (aem_tpm12_nv_public_parse(data, size, &p))
		return 0;
	if (size < 2 + 4 + 2 * (2 + 1 + 20) + 2 + 4 + 3 + 4)
		abort();
	return 0;
}

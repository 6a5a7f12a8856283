/* libFuzzer target: aem_tpm12_da_parse (the TPM 1.2 dictionary-attack
 * answer, TPM_DA_INFO / TPM_DA_INFO_LIMITED) on arbitrary bytes. What parses
 * must be self-consistent: a limited answer carries no counts. */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "tpm12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_tpm12_da_info di;

	if (aem_tpm12_da_parse(data, size, &di))
		return 0;
	if (size < 13 || (di.limited && (di.count || di.threshold || di.depend)))
		abort();
	return 0;
}

/* libFuzzer target: aem_tpm12_blob_parse (the TPM 1.2 sealed blob read back
 * from a sealed file) on arbitrary bytes. What parses must be self-consistent:
 * a release selection within 24 PCRs and encData that fills the rest. */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "tpm12.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_tpm12_blob_info bi;

	if (aem_tpm12_blob_parse(data, size, &bi))
		return 0;
	if (bi.release_mask >> 24 || bi.enc_len == 0 || bi.enc_len > size)
		abort();
	return 0;
}

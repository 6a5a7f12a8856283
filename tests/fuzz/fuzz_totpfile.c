/* libFuzzer target: aem_totp_file_parse on arbitrary bytes. Whatever parses
 * must serialize back to exactly the input (one encoding per file). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "totp_tpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_totp_file f;
	uint8_t *out;
	size_t out_len;

	if (aem_totp_file_parse(data, size, &f))
		return 0;
	if (aem_totp_file_serialize(&f, &out, &out_len))
		abort();
	if (out_len != size || memcmp(out, data, size))
		abort();
	free(out);
	aem_totp_file_free(&f);
	return 0;
}

/* libFuzzer target: aem_sealed_parse on arbitrary bytes. Whatever parses must
 * serialize back to exactly the input (one encoding per file) and yield an AAD
 * that is a prefix of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_sealed s;
	uint8_t *out, *aad;
	size_t out_len, aad_len;

	if (aem_sealed_parse(data, size, &s))
		return 0;
	if (aem_sealed_serialize(&s, &out, &out_len))
		abort();
	if (out_len != size || memcmp(out, data, size))
		abort();
	if (aem_sealed_aad(&s, &aad, &aad_len) || aad_len >= size || memcmp(aad, data, aad_len))
		abort();
	free(out);
	free(aad);
	aem_sealed_free(&s);
	return 0;
}

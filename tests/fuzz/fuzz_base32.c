/* libFuzzer target: base32 decoding of arbitrary bytes. Whatever decodes must
 * re-encode to the same text (upper case, padding dropped): the decoder
 * accepts only canonical encodings. */
#include "base32.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[128];
	char text[256];
	size_t n = 0, t = size;

	if (aem_disp_base32_decode(data, size, out, sizeof(out), &n))
		return 0;
	if (aem_disp_base32_encode(out, n, text, sizeof(text)))
		abort();
	while (t > 0 && data[t - 1] == '=')
		t--;
	if (strlen(text) != t)
		abort();
	for (size_t i = 0; i < t; i++) {
		uint8_t c = data[i];

		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if ((uint8_t)text[i] != c)
			abort();
	}
	return 0;
}

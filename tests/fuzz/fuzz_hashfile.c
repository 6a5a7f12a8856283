/* libFuzzer target: the module decompression of aem/platform/hashfile_stream.c (gzip
 * through ISA-L, xz through liblzma, plain) behind aem_hashbuf, hashed with two banks;
 * any input either hashes or returns an error. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "hashfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum aem_bank banks[2] = { AEM_BANK_SHA256, AEM_BANK_SHA1 };
	struct aem_digest d[2];
	uint64_t n = 0;

	(void)aem_hashbuf(data, size, true, banks, 2, d, &n);
	return 0;
}

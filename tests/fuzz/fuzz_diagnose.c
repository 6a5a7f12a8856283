/* libFuzzer target: the diagnosis documents (SEALED.expect.json, aem predict JSON) read
 * back, written again and compared with themselves. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_diag_boot a = { 0 }, b = { 0 };
	char *doc = NULL, msg[512];

	if (aem_diag_from_json((const char *)data, size, &a) == 0 &&
	    aem_diag_to_json(&a, &doc) == 0 && aem_diag_from_json(doc, __builtin_strlen(doc), &b) == 0)
		for (unsigned p = 13; p < 24; p++) {
			struct aem_diag_finding f;

			aem_diag_pcr(&a, &b, NULL, p, &f);
			aem_diag_describe(&f, a.bank, msg, sizeof(msg));
		}
	free(doc);
	aem_diag_free(&a);
	aem_diag_free(&b);
	return 0;
}

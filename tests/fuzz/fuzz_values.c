/* libFuzzer target: aem_values_parse on arbitrary bytes, as JSON or as the
 * tpm2_pcrread -o binary. The first three bytes choose the PCR selection,
 * the fourth the bank; the rest is the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const enum aem_bank banks[] = { AEM_BANK_SHA1, AEM_BANK_SHA256, AEM_BANK_SHA384, AEM_BANK_SHA512 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_pcr_values v;
	aem_pcr_mask want;
	enum aem_bank bank;
	int rc;

	if (size < 4)
		return 0;
	want = (aem_pcr_mask)data[0] | (aem_pcr_mask)data[1] << 8 | (aem_pcr_mask)data[2] << 16;
	bank = banks[data[3] % 4];
	rc = aem_values_parse(data + 4, size - 4, bank, want, &v);
	if (rc == 0 && (v.mask != want || v.bank != bank))
		abort();
	if (rc == AEM_E_INVAL && want != 0)
		abort();
	if (rc && rc != AEM_E_INVAL && rc != AEM_E_FORMAT && rc != AEM_E_NOMEM)
		abort();
	/* Partial results never claim PCRs outside want. */
	if (rc == AEM_E_FORMAT && (v.mask & ~want))
		abort();
	return 0;
}

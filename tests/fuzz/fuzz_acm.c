/* libFuzzer target: SINIT ACM header and chipset ID list (aem/doctor/acm.c). */
#include <stdint.h>
#include <string.h>

#include "acm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_acm a;
	char date[16];

	if (aem_acm_parse(data, size, &a) == 0) {
		aem_acm_is_sinit(&a);
		aem_acm_matches(&a, 0x0000000901548086ull);
		aem_acm_date(&a, date, sizeof(date));
	}
	return 0;
}

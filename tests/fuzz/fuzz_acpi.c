/* libFuzzer target: ACPI DMAR/IVRS tables (aem/doctor/acpi.c), and the same bytes
 * as a TXT public space snapshot (aem/platform/txtregs.c). */
#include <stdint.h>
#include <string.h>

#include "acpi.h"
#include "txtregs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_acpi_iommu t;
	struct aem_txt_regs r;
	char words[200];

	aem_acpi_iommu_parse(data, size, &t);
	if (aem_txt_parse(data, size, &r) == 0) {
		aem_txt_error_describe(r.errorcode, words, sizeof(words));
		aem_txt_sts_describe(r.sts, words, sizeof(words));
	}
	return 0;
}

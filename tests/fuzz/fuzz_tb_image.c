/* libFuzzer target: TrenchBoot's image parsers (Xen's MLE header, the ELF layout and
 * DLME, SKL's header). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "trenchboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_tb_mle m;
	struct aem_tb_skl s;
	uint8_t *img = NULL, d[20];
	const uint8_t *dlme;
	size_t il, dl;

	(void)aem_tb_mle_parse(data, size, &m);
	(void)aem_tb_skl_parse(data, size, &s);
	(void)aem_tb_skinit_digest(data, size, AEM_BANK_SHA1, d);
	if (aem_tb_dlme_elf(data, size, &img, &il, &m, &dlme, &dl) == 0)
		(void)aem_hash(AEM_BANK_SHA1, dlme, dl, d);
	free(img);
	return 0;
}

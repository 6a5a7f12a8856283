/* libFuzzer target: the grub.cfg reader. */
#include <stddef.h>
#include <stdint.h>

#include "grubcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_grub_cfg cfg = { 0 };
	char err[128];

	if (aem_grubcfg_parse((const char *)data, size, &cfg, err, sizeof(err)) == 0) {
		(void)aem_grubcfg_find(&cfg, NULL);
		(void)aem_grubcfg_find(&cfg, "1");
	}
	aem_grubcfg_free(&cfg);
	return 0;
}

/* libFuzzer target: xen.cfg as xen.efi reads it, and Xen's measured EFI command line. */
#include <stddef.h>
#include <stdint.h>

#include "trenchboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_tb_xencfg c;
	char err[128], line[256];

	if (aem_tb_xencfg_parse((const char *)data, size, NULL, &c, err, sizeof(err)) == 0) {
		(void)aem_tb_efi_cmdline(AEM_TB_REL_V050, c.options, c.mod[0].string, line,
					 sizeof(line));
		aem_tb_xencfg_free(&c);
	}
	if (aem_tb_xencfg_parse((const char *)data, size, "xen", &c, err, sizeof(err)) == 0)
		aem_tb_xencfg_free(&c);
	return 0;
}

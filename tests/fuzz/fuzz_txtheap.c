/* libFuzzer target: the TXT heap walk (tables, OsSinitData elements, log pointers) and
 * the TPM 1.2 container header span. */
#include <stddef.h>
#include <stdint.h>

#include "txtheap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_txt_heap h;
	struct aem_txt_log_desc d = { 0 };
	bool empty;

	if (aem_txtheap_parse(data, size, &h) == 0 && h.nlogs > AEM_TXT_HEAP_MAX_LOGS)
		__builtin_trap();
	(void)aem_txt_container_span(data, size, &d, &empty);
	return 0;
}

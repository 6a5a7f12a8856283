/* libFuzzer target: the otpauth Key URI parser. A URI that parses must
 * format again, and that URI must parse to the same fields. */
#include "otpauth.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_disp_otpauth a, b;
	char uri[AEM_DISP_URI_MAX];

	if (aem_disp_otpauth_parse(data, size, &a))
		return 0;
	if (aem_disp_otpauth_format(&a, uri, sizeof(uri)))
		abort();
	if (aem_disp_otpauth_parse((const uint8_t *)uri, strlen(uri), &b))
		abort();
	if (memcmp(&a, &b, sizeof(a)))
		abort();
	aem_disp_otpauth_wipe(&a);
	aem_disp_otpauth_wipe(&b);
	return 0;
}

/* libFuzzer target: aem_disp_totp_item_parse (the totp item of a bundle,
 * read by the boot program) on arbitrary bytes. Whatever parses must point
 * its key into the input, run to its end, hold values within the documented
 * limits, and build back to exactly the input (one encoding per item). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "totp_item.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_disp_totp_item it;
	uint8_t out[AEM_DISP_TOTP_ITEM_MAX];
	size_t n = 0;

	if (aem_disp_totp_item_parse(data, size, &it))
		return 0;
	if (it.key != data + AEM_DISP_TOTP_ITEM_HEAD || it.key_len + AEM_DISP_TOTP_ITEM_HEAD != size ||
	    it.key_len == 0 || it.key_len > AEM_DISP_OTP_KEY_MAX)
		abort();
	if (it.digits < AEM_DISP_OTP_DIGITS_MIN || it.digits > AEM_DISP_OTP_DIGITS_MAX ||
	    it.period == 0 || it.period > AEM_DISP_TOTP_PERIOD_MAX)
		abort();
	if (aem_disp_totp_item_build(&it, out, &n) || n != size || memcmp(out, data, size))
		abort();
	return 0;
}

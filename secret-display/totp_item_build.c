/* The `totp` bundle item, writer half (totp_item.h): used by `aem totp init`
 * and the tests, kept out of the boot program. */
#include "totp_item.h"
#include "disp_err.h"

#include <string.h>

int aem_disp_totp_item_build(const struct aem_disp_totp_item *it,
			     uint8_t out[AEM_DISP_TOTP_ITEM_MAX], size_t *len)
{
	unsigned code;

	*len = 0;
	switch (it->alg) {
	case AEM_DISP_OTP_SHA1: code = 1; break;
	case AEM_DISP_OTP_SHA256: code = 2; break;
	case AEM_DISP_OTP_SHA512: code = 3; break;
	default: return AEM_DISP_E_INVAL;
	}
	if (!it->key || it->key_len == 0 || it->key_len > AEM_DISP_OTP_KEY_MAX ||
	    it->digits < AEM_DISP_OTP_DIGITS_MIN || it->digits > AEM_DISP_OTP_DIGITS_MAX ||
	    it->period == 0 || it->period > AEM_DISP_TOTP_PERIOD_MAX)
		return AEM_DISP_E_INVAL;
	memcpy(out, AEM_DISP_TOTP_ITEM_MAGIC, AEM_DISP_TOTP_ITEM_MAGIC_SIZE);
	out[8] = AEM_DISP_TOTP_ITEM_VERSION;
	out[9] = (uint8_t)code;
	out[10] = (uint8_t)it->digits;
	out[11] = (uint8_t)it->key_len;
	for (int i = 0; i < 4; i++)
		out[12 + i] = (uint8_t)(it->period >> (24 - 8 * i));
	memcpy(out + AEM_DISP_TOTP_ITEM_HEAD, it->key, it->key_len);
	*len = AEM_DISP_TOTP_ITEM_HEAD + it->key_len;
	return 0;
}

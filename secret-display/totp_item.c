/* The `totp` bundle item, parser half (totp_item.h): linked into the boot
 * program; the writer is totp_item_build.c. */
#include "totp_item.h"
#include "disp_err.h"

#include <string.h>

int aem_disp_totp_item_parse(const uint8_t *buf, size_t len, struct aem_disp_totp_item *out)
{
	static const enum aem_disp_otp_alg algs[] = { AEM_DISP_OTP_SHA1, AEM_DISP_OTP_SHA256,
						      AEM_DISP_OTP_SHA512 };
	uint32_t period;

	memset(out, 0, sizeof(*out));
	if (!buf || len <= AEM_DISP_TOTP_ITEM_HEAD || len > AEM_DISP_TOTP_ITEM_MAX ||
	    memcmp(buf, AEM_DISP_TOTP_ITEM_MAGIC, AEM_DISP_TOTP_ITEM_MAGIC_SIZE) ||
	    buf[8] != AEM_DISP_TOTP_ITEM_VERSION || buf[9] < 1 || buf[9] > 3 ||
	    buf[10] < AEM_DISP_OTP_DIGITS_MIN || buf[10] > AEM_DISP_OTP_DIGITS_MAX ||
	    buf[11] != len - AEM_DISP_TOTP_ITEM_HEAD)
		return AEM_DISP_E_FORMAT;
	period = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 | (uint32_t)buf[14] << 8 | buf[15];
	if (period == 0 || period > AEM_DISP_TOTP_PERIOD_MAX)
		return AEM_DISP_E_FORMAT;
	out->alg = algs[buf[9] - 1];
	out->digits = buf[10];
	out->period = period;
	out->key = buf + AEM_DISP_TOTP_ITEM_HEAD;
	out->key_len = len - AEM_DISP_TOTP_ITEM_HEAD;
	return 0;
}

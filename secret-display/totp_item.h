/* The `totp` item of a lifecycle bundle: the TOTP parameters and key in a
 * small binary form that the boot program reads without any URI parsing.
 * All integers big-endian (docs/totp.md, "The totp bundle item"):
 *   magic "\x89AEMTKEY" (8) | version u8 = 1 | alg u8 (1 SHA-1, 2 SHA-256,
 *   3 SHA-512) | digits u8 (6..8) | key length u8 (1..64) | period u32
 *   (1..86400) | key (key length bytes, the end of the item) */
#ifndef AEM_DISP_TOTP_ITEM_H
#define AEM_DISP_TOTP_ITEM_H

#include <stddef.h>
#include <stdint.h>

#include "otp.h"

#define AEM_DISP_TOTP_ITEM_MAGIC "\x89" "AEMTKEY"
#define AEM_DISP_TOTP_ITEM_MAGIC_SIZE 8
#define AEM_DISP_TOTP_ITEM_VERSION 1
#define AEM_DISP_TOTP_ITEM_HEAD 16
#define AEM_DISP_TOTP_ITEM_MAX (AEM_DISP_TOTP_ITEM_HEAD + AEM_DISP_OTP_KEY_MAX)
#define AEM_DISP_TOTP_PERIOD_MAX 86400u

struct aem_disp_totp_item {
	enum aem_disp_otp_alg alg;
	unsigned digits, period;
	const uint8_t *key;   /* points into the parsed buffer (not owned) */
	size_t key_len;
};

/* Parse buf (never reads outside [0, len)): 0, or AEM_DISP_E_FORMAT for a
 * wrong magic, version, field value or length. */
int aem_disp_totp_item_parse(const uint8_t *buf, size_t len, struct aem_disp_totp_item *out);

/* Serialize it into out (AEM_DISP_TOTP_ITEM_MAX bytes of room), *len gets
 * the size; AEM_DISP_E_INVAL when it would not parse. The caller wipes out. */
int aem_disp_totp_item_build(const struct aem_disp_totp_item *it,
			     uint8_t out[AEM_DISP_TOTP_ITEM_MAX], size_t *len);

#endif

/* otpauth:// Key URIs (the format authenticator apps scan):
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&period=30&digits=6[&algorithm=SHA256]
 * Label and issuer are percent-encoded (RFC 3986; space is %20, never '+'). */
#ifndef AEM_DISP_OTPAUTH_H
#define AEM_DISP_OTPAUTH_H

#include "otp.h"

#include <stddef.h>
#include <stdint.h>

#define AEM_DISP_NAME_MAX 128   /* bytes of a decoded issuer or account name */
#define AEM_DISP_URI_MAX 1536   /* room for any URI this library writes, with NUL */

enum aem_disp_otp_type {
	AEM_DISP_OTP_TOTP = 0,
	AEM_DISP_OTP_HOTP,
};

/* Holds a secret: wipe with aem_disp_otpauth_wipe on every path. */
struct aem_disp_otpauth {
	enum aem_disp_otp_type type;
	char issuer[AEM_DISP_NAME_MAX + 1];   /* "" = none */
	char account[AEM_DISP_NAME_MAX + 1];  /* never empty in a valid URI */
	uint8_t secret[AEM_DISP_OTP_KEY_MAX];
	size_t secret_len;
	enum aem_disp_otp_alg alg;
	unsigned digits;
	unsigned period;                      /* TOTP only */
	uint64_t counter;                     /* HOTP only */
};

/* TOTP, SHA-1, 6 digits, 30 s, empty names and secret. */
void aem_disp_otpauth_init(struct aem_disp_otpauth *u);
void aem_disp_otpauth_wipe(struct aem_disp_otpauth *u);

/* Check names (UTF-8, no control characters, no ':', no leading space in
 * the account name), key length, digits,
 * period. Returns 0, AEM_DISP_E_INVAL or AEM_DISP_E_TOOLONG. */
int aem_disp_otpauth_check(const struct aem_disp_otpauth *u);

/* Write the URI of u into out (NUL terminated; AEM_DISP_URI_MAX is always
 * enough). The algorithm parameter is written only when it is not SHA-1. */
int aem_disp_otpauth_format(const struct aem_disp_otpauth *u, char *out, size_t outsz);

/* Parse a Key URI (not NUL terminated; len bytes). Unknown parameters are
 * ignored; duplicate or malformed known ones, an issuer parameter that
 * contradicts the label's prefix, or names with control characters are
 * AEM_DISP_E_FORMAT. On any error *u is wiped. */
int aem_disp_otpauth_parse(const uint8_t *buf, size_t len, struct aem_disp_otpauth *u);

#endif

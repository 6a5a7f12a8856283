/* HOTP (RFC 4226) and TOTP (RFC 6238) with a pluggable HMAC.
 *
 * The code computation never sees the key: it asks an HMAC callback for
 * HMAC(key, counter). The software back end below keeps the key in a locked,
 * wiped buffer (used with TPM 1.2, where the unsealed key must be held in
 * memory); a TPM 2.0 back end can instead pass a callback that has the TPM
 * compute the HMAC with a keyed-hash object, so the key never leaves it. */
#ifndef AEM_DISP_OTP_H
#define AEM_DISP_OTP_H

#include <stddef.h>
#include <stdint.h>

enum aem_disp_otp_alg {
	AEM_DISP_OTP_SHA1 = 0,  /* the RFC 4226 default, what every app supports */
	AEM_DISP_OTP_SHA256,
	AEM_DISP_OTP_SHA512,
};

#define AEM_DISP_OTP_MAC_MAX 64   /* SHA-512 */
#define AEM_DISP_OTP_KEY_MAX 64   /* longest key the software back end holds */
#define AEM_DISP_OTP_DIGITS_MIN 6
#define AEM_DISP_OTP_DIGITS_MAX 8
#define AEM_DISP_OTP_PERIOD 30    /* RFC 6238 default time step, seconds */

/* Computes HMAC-alg(key, msg) into mac (room for AEM_DISP_OTP_MAC_MAX bytes)
 * and sets *mac_len. Returns 0 or a negative AEM_DISP_E_* code. */
typedef int (*aem_disp_hmac_fn)(void *ctx, enum aem_disp_otp_alg alg, const uint8_t *msg,
				size_t msg_len, uint8_t *mac, size_t *mac_len);

struct aem_disp_hmac {
	aem_disp_hmac_fn fn;
	void *ctx;
};

/* Output length of the algorithm's hash in bytes, 0 if unknown. */
size_t aem_disp_otp_mac_len(enum aem_disp_otp_alg alg);
/* "SHA1" / "SHA256" / "SHA512" (the otpauth spelling), NULL if unknown. */
const char *aem_disp_otp_alg_name(enum aem_disp_otp_alg alg);
/* Parse an algorithm name, case-insensitive, with or without the dash
 * ("sha256", "SHA-256"). Returns 0 or AEM_DISP_E_INVAL. */
int aem_disp_otp_alg_parse(const char *s, enum aem_disp_otp_alg *alg);

/* HOTP value of counter: digits (6..8) decimal digits as a number. */
int aem_disp_hotp(const struct aem_disp_hmac *h, enum aem_disp_otp_alg alg, uint64_t counter,
		  unsigned digits, uint32_t *code);

/* TOTP value at unix_time with T0 = 0 and the given period (seconds > 0). */
int aem_disp_totp(const struct aem_disp_hmac *h, enum aem_disp_otp_alg alg, uint64_t unix_time,
		  unsigned period, unsigned digits, uint32_t *code);

/* Zero-padded decimal text of a code ("012345"); out needs digits + 1. */
int aem_disp_otp_format(uint32_t code, unsigned digits, char *out, size_t outsz);

/* Software HMAC back end: the key lives in this struct, which init tries to
 * lock in RAM (mlock; failure to lock is not an error, *locked tells) and
 * wipe always clears and unlocks. Pass it as ctx with aem_disp_hmac_soft. */
struct aem_disp_softkey {
	uint8_t key[AEM_DISP_OTP_KEY_MAX];
	size_t len;
	int locked;
};

/* Copy key (1..AEM_DISP_OTP_KEY_MAX bytes) into k. The caller wipes its copy. */
int aem_disp_softkey_init(struct aem_disp_softkey *k, const uint8_t *key, size_t len);
void aem_disp_softkey_wipe(struct aem_disp_softkey *k);
/* aem_disp_hmac_fn over a struct aem_disp_softkey, with OpenSSL. */
int aem_disp_hmac_soft(void *ctx, enum aem_disp_otp_alg alg, const uint8_t *msg, size_t msg_len,
		       uint8_t *mac, size_t *mac_len);

#endif

/* TOTP keys held by the TPM (`aem totp init/code/reseal`, the boot display).
 *
 * TPM 2.0: the key is an HMAC key object under the SRK whose authPolicy is
 * the PCR policy; every code is computed BY the TPM (aem_tpm_hmac), so after
 * enrolment the key never sits in host memory. TPM 1.2 (or on request): the
 * key is sealed as data (seal.h) and unsealed into locked, wiped memory for
 * a software HMAC (aem_disp_hmac_soft).
 *
 * The TOTP file, v1 (big-endian; docs/totp.md):
 *   magic "\x89AEMTOTP" (8) | version u8 = 1 | kind u8 | alg u8 (1 sha1,
 *   2 sha256, 3 sha512) | digits u8 (6..8) | period u32 (1..86400)
 *   | length u32 | an aem sealed file (sealed.h) of that length
 * kind 1 (TPM 2.0 HMAC object): the sealed file carries the object's blobs
 * and the expected PCR values, no payload. kind 2: its payload is the key. */
#ifndef AEM_TOTP_TPM_H
#define AEM_TOTP_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "otp.h"
#include "sealed.h"
#include "tpm.h"
#include "kdf.h"

#define AEM_TOTP_MAGIC "\x89" "AEMTOTP"
#define AEM_TOTP_MAGIC_SIZE 8
#define AEM_TOTP_VERSION 1
#define AEM_TOTP_HEAD 20
#define AEM_TOTP_KEY_LEN 20   /* 160 bits, RFC 4226's recommended length */
#define AEM_TOTP_PERIOD_MAX 86400u

enum aem_totp_kind {
	AEM_TOTP_TPM2_HMAC = 1,  /* TPM 2.0 keyed-hash object: the TPM computes codes */
	AEM_TOTP_SEALED_KEY = 2, /* key sealed as data, HMAC in software */
};

struct aem_totp_file {
	enum aem_totp_kind kind;
	enum aem_disp_otp_alg alg;
	unsigned digits, period;
	struct aem_sealed sealed;
};

/* Parse a TOTP file (never reads outside buf[0..len)); free with
 * aem_totp_file_free. AEM_E_NOT_AEM / _VERSION / _FORMAT as sealed.h. */
int aem_totp_file_parse(const uint8_t *buf, size_t len, struct aem_totp_file *out);
/* Serialize f into a malloc'd buffer; AEM_E_INVAL when f would not parse. */
int aem_totp_file_serialize(const struct aem_totp_file *f, uint8_t **buf, size_t *len);
void aem_totp_file_free(struct aem_totp_file *f);

/* Seal key (1..AEM_DISP_OTP_KEY_MAX bytes) to the values v (pin optional)
 * and return the TOTP file in *out (free with aem_buf_free). The kind is
 * AEM_TOTP_TPM2_HMAC on TPM 2.0 unless soft is set or alg is SHA-512. */
int aem_totp_create(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
		    size_t pin_len, int soft, enum aem_disp_otp_alg alg, unsigned digits,
		    unsigned period, const uint8_t *key, size_t key_len, uint8_t **out,
		    size_t *out_len);

/* A TOTP file opened for computing codes: the HMAC back end of otp.h. */
struct aem_totp {
	struct aem_tpm *t;
	const struct aem_totp_file *f;
	uint8_t auth[AEM_KDF_OUT_SIZE];
	int has_auth;
	struct aem_disp_softkey soft;
	int tpm_err;   /* the error code behind the last AEM_DISP_E_CRYPTO */
};

/* Prepare o (kind 2: unseal the key now, so a PCR mismatch shows here as
 * AEM_TPM_E_PCR_MISMATCH). pin is needed when the file has one. */
int aem_totp_open(struct aem_totp *o, struct aem_tpm *t, const struct aem_totp_file *f,
		  const char *pin, size_t pin_len);
/* The HMAC back end over o, for aem_disp_totp / aem_disp_hotp. */
struct aem_disp_hmac aem_totp_hmac(struct aem_totp *o);
/* The code at unix_time (text, digits + NUL in out). */
int aem_totp_code(struct aem_totp *o, uint64_t unix_time, char *out, size_t outsz);
/* The HOTP code for counter (same key, alg and digits). */
int aem_totp_hotp(struct aem_totp *o, uint64_t counter, char *out, size_t outsz);
void aem_totp_close(struct aem_totp *o);

#endif

/* Unit tests of secret-display/otp.c. Expected codes are the published test
 * vectors of RFC 4226 Appendix D (HOTP) and RFC 6238 Appendix B (TOTP), not
 * values computed by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "disp_err.h"
#include "otp.h"

/* RFC 4226 Appendix D: key "12345678901234567890", counters 0..9. */
static void test_rfc4226_hotp(void **state)
{
	static const uint32_t want[10] = { 755224, 287082, 359152, 969429, 338314,
					   254676, 287922, 162583, 399871, 520489 };
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	uint32_t code;

	(void)state;
	assert_int_equal(aem_disp_softkey_init(&k, (const uint8_t *)"12345678901234567890", 20), 0);
	for (uint64_t c = 0; c < 10; c++) {
		assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, c, 6, &code), 0);
		assert_int_equal(code, want[c]);
	}
	aem_disp_softkey_wipe(&k);
	assert_int_equal(k.len, 0);
}

/* RFC 6238 Appendix B: 8 digits, period 30, T0 = 0; the seed for each hash
 * is "1234567890" repeated to the hash length (20, 32, 64 bytes). */
static const struct {
	uint64_t t;
	uint32_t sha1, sha256, sha512;
} rfc6238[] = {
	{ 59ULL, 94287082, 46119246, 90693936 },
	{ 1111111109ULL, 7081804, 68084774, 25091201 },
	{ 1111111111ULL, 14050471, 67062674, 99943326 },
	{ 1234567890ULL, 89005924, 91819424, 93441116 },
	{ 2000000000ULL, 69279037, 90698825, 38618901 },
	{ 20000000000ULL, 65353130, 77737706, 47863826 },
};

static void check_rfc6238(enum aem_disp_otp_alg alg, size_t seed_len)
{
	static const char seed[] = "1234567890123456789012345678901234567890"
				   "123456789012345678901234";
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	uint32_t code;

	assert_int_equal(aem_disp_softkey_init(&k, (const uint8_t *)seed, seed_len), 0);
	for (size_t i = 0; i < sizeof(rfc6238) / sizeof(rfc6238[0]); i++) {
		uint32_t want = alg == AEM_DISP_OTP_SHA1 ? rfc6238[i].sha1 :
				alg == AEM_DISP_OTP_SHA256 ? rfc6238[i].sha256 : rfc6238[i].sha512;

		assert_int_equal(aem_disp_totp(&h, alg, rfc6238[i].t, 30, 8, &code), 0);
		assert_int_equal(code, want);
	}
	aem_disp_softkey_wipe(&k);
}

static void test_rfc6238_sha1(void **state) { (void)state; check_rfc6238(AEM_DISP_OTP_SHA1, 20); }
static void test_rfc6238_sha256(void **state) { (void)state; check_rfc6238(AEM_DISP_OTP_SHA256, 32); }
static void test_rfc6238_sha512(void **state) { (void)state; check_rfc6238(AEM_DISP_OTP_SHA512, 64); }

/* The 6-digit code is the 8-digit one mod 10^6 (RFC 4226 5.3): RFC 6238's
 * T = 59 SHA-1 value 94287082 gives 287082. */
static void test_six_digits_and_format(void **state)
{
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	char out[9];
	uint32_t code;

	(void)state;
	assert_int_equal(aem_disp_softkey_init(&k, (const uint8_t *)"12345678901234567890", 20), 0);
	assert_int_equal(aem_disp_totp(&h, AEM_DISP_OTP_SHA1, 59, 30, 6, &code), 0);
	assert_int_equal(code, 287082);
	/* 1111111109 -> 07081804: the leading zero must survive formatting */
	assert_int_equal(aem_disp_totp(&h, AEM_DISP_OTP_SHA1, 1111111109, 30, 8, &code), 0);
	assert_int_equal(aem_disp_otp_format(code, 8, out, sizeof(out)), 0);
	assert_string_equal(out, "07081804");
	assert_int_equal(aem_disp_otp_format(code, 8, out, 8), AEM_DISP_E_SPACE);
	assert_int_equal(aem_disp_otp_format(123, 6, out, sizeof(out)), 0);
	assert_string_equal(out, "000123");
	assert_int_equal(aem_disp_otp_format(1000000, 6, out, sizeof(out)), AEM_DISP_E_INVAL);
	aem_disp_softkey_wipe(&k);
}

static void test_bad_arguments(void **state)
{
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	uint8_t big[AEM_DISP_OTP_KEY_MAX + 1] = { 0 };
	uint32_t code;

	(void)state;
	assert_int_equal(aem_disp_softkey_init(&k, big, 0), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_softkey_init(&k, big, sizeof(big)), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_softkey_init(&k, big, 1), 0);
	assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, 0, 5, &code), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, 0, 9, &code), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_hotp(&h, (enum aem_disp_otp_alg)7, 0, 6, &code), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_hotp(NULL, AEM_DISP_OTP_SHA1, 0, 6, &code), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_totp(&h, AEM_DISP_OTP_SHA1, 0, 0, 6, &code), AEM_DISP_E_INVAL);
	aem_disp_softkey_wipe(&k);
}

/* A stand-in for the TPM back end: checks what the library asks for and
 * answers with the HMAC printed in RFC 4226 Appendix D for counter 0. */
struct fake_tpm {
	int calls;
	int fail;
	size_t reply_len;
};

static int fake_hmac(void *ctx, enum aem_disp_otp_alg alg, const uint8_t *msg, size_t msg_len,
		     uint8_t *mac, size_t *mac_len)
{
	static const uint8_t d0[20] = { 0xcc, 0x93, 0xcf, 0x18, 0x50, 0x8d, 0x94, 0x93, 0x4c, 0x64,
					0xb6, 0x5d, 0x8b, 0xa7, 0x66, 0x7f, 0xb7, 0xcd, 0xe4, 0xb0 };
	static const uint8_t zero[8] = { 0 };
	struct fake_tpm *t = ctx;

	t->calls++;
	assert_int_equal(alg, AEM_DISP_OTP_SHA1);
	assert_int_equal(msg_len, 8);
	assert_memory_equal(msg, zero, 8);
	if (t->fail)
		return AEM_DISP_E_CRYPTO;
	memcpy(mac, d0, sizeof(d0));
	*mac_len = t->reply_len;
	return 0;
}

static void test_pluggable_hmac(void **state)
{
	struct fake_tpm t = { 0, 0, 20 };
	struct aem_disp_hmac h = { fake_hmac, &t };
	uint32_t code = 1;

	(void)state;
	assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, 0, 6, &code), 0);
	assert_int_equal(code, 755224);
	t.fail = 1;
	assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, 0, 6, &code), AEM_DISP_E_CRYPTO);
	t.fail = 0;
	t.reply_len = 19;   /* a back end that answers with the wrong size is an error */
	assert_int_equal(aem_disp_hotp(&h, AEM_DISP_OTP_SHA1, 0, 6, &code), AEM_DISP_E_CRYPTO);
	assert_int_equal(t.calls, 3);
}

static void test_alg_names(void **state)
{
	enum aem_disp_otp_alg a;

	(void)state;
	assert_int_equal(aem_disp_otp_alg_parse("sha256", &a), 0);
	assert_int_equal(a, AEM_DISP_OTP_SHA256);
	assert_int_equal(aem_disp_otp_alg_parse("SHA-512", &a), 0);
	assert_int_equal(a, AEM_DISP_OTP_SHA512);
	assert_int_equal(aem_disp_otp_alg_parse("Sha1", &a), 0);
	assert_int_equal(a, AEM_DISP_OTP_SHA1);
	assert_int_equal(aem_disp_otp_alg_parse("md5", &a), AEM_DISP_E_INVAL);
	assert_int_equal(aem_disp_otp_alg_parse("sha", &a), AEM_DISP_E_INVAL);
	assert_string_equal(aem_disp_otp_alg_name(AEM_DISP_OTP_SHA256), "SHA256");
	assert_int_equal(aem_disp_otp_mac_len(AEM_DISP_OTP_SHA512), 64);
	assert_string_equal(aem_disp_strerror(AEM_DISP_E_CRYPTO), "computing the HMAC failed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4226_hotp),
		cmocka_unit_test(test_rfc6238_sha1),
		cmocka_unit_test(test_rfc6238_sha256),
		cmocka_unit_test(test_rfc6238_sha512),
		cmocka_unit_test(test_six_digits_and_format),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_pluggable_hmac),
		cmocka_unit_test(test_alg_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

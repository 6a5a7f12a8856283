/* Unit tests of tpm-seal/aead.c and tpm-seal/kdf.c (the crypto primitives
 * of the sealed file). Known answers: test cases 13, 14 and 16 of
 * "The Galois/Counter Mode of Operation (GCM)", D. McGrew and J. Viega, the
 * revised specification submitted to NIST (Appendix B, AES-256, 96-bit IV). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "aead.h"
#include "kdf.h"
#include "err.h"
#include "pcr.h"

static size_t unhex_any(const char *s, uint8_t *out)
{
	size_t n = strlen(s) / 2;

	assert_int_equal(aem_unhex(s, out, n), 0);
	return n;
}

struct kat {
	const char *key, *iv, *pt, *aad, *ct, *tag;
};

static const struct kat kats[] = {
	{ /* test case 13 */
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b" },
	{ /* test case 14 */
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "000000000000000000000000", "00000000000000000000000000000000", "",
	  "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919" },
	{ /* test case 16 */
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void test_known_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		uint8_t key[32], iv[12], pt[64], aad[32], ct[64], tag[16], out[64], got_tag[16];
		size_t ptn, aadn, ctn;

		unhex_any(kats[i].key, key);
		unhex_any(kats[i].iv, iv);
		ptn = unhex_any(kats[i].pt, pt);
		aadn = unhex_any(kats[i].aad, aad);
		ctn = unhex_any(kats[i].ct, ct);
		unhex_any(kats[i].tag, tag);
		assert_int_equal(ptn, ctn);
		assert_int_equal(aem_aead_encrypt_nonce(key, aad, aadn, pt, ptn, out, iv, got_tag), 0);
		if (ctn)
			assert_memory_equal(out, ct, ctn);
		assert_memory_equal(got_tag, tag, 16);
		assert_int_equal(aem_aead_decrypt(key, aad, aadn, ct, ctn, iv, tag, out), 0);
		if (ptn)
			assert_memory_equal(out, pt, ptn);
	}
}

static const uint8_t key1[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
static const uint8_t aad1[] = "header bytes";
static const uint8_t msg1[] = "the user's secret: correct horse battery staple";

/* Encrypt msg1 with a random nonce; returns its length. */
static size_t seal1(uint8_t *ct, uint8_t nonce[12], uint8_t tag[16])
{
	assert_int_equal(aem_aead_encrypt(key1, aad1, sizeof(aad1), msg1, sizeof(msg1), ct, nonce, tag), 0);
	return sizeof(msg1);
}

static void test_round_trip_random_nonce(void **state)
{
	uint8_t ct[sizeof(msg1)], ct2[sizeof(msg1)], pt[sizeof(msg1)], n1[12], n2[12], t1[16], t2[16];
	size_t len;

	(void)state;
	len = seal1(ct, n1, t1);
	seal1(ct2, n2, t2);
	/* Two encryptions of the same message must differ (fresh nonce each time). */
	assert_memory_not_equal(n1, n2, 12);
	assert_memory_not_equal(ct, ct2, len);
	assert_memory_not_equal(ct, msg1, len);
	assert_int_equal(aem_aead_decrypt(key1, aad1, sizeof(aad1), ct, len, n1, t1, pt), 0);
	assert_memory_equal(pt, msg1, len);
}

/* Flip every bit of ciphertext, tag, nonce, AAD and key in turn: each must
 * be refused with AEM_E_CRYPTO and leave no plaintext behind. */
static void expect_refused(const uint8_t *key, const uint8_t *aad, const uint8_t *ct, size_t len,
			   const uint8_t *nonce, const uint8_t *tag)
{
	uint8_t pt[sizeof(msg1)];

	memset(pt, 0x5a, sizeof(pt));
	assert_int_equal(aem_aead_decrypt(key, aad, sizeof(aad1), ct, len, nonce, tag, pt),
			 AEM_E_CRYPTO);
	assert_true(aem_all_bytes(pt, len, 0));
}

static void flip_each_bit(uint8_t *b, size_t n, const uint8_t *key, const uint8_t *aad,
			  const uint8_t *ct, size_t len, const uint8_t *nonce, const uint8_t *tag)
{
	for (size_t i = 0; i < 8 * n; i++) {
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
		expect_refused(key, aad, ct, len, nonce, tag);
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
}

static void test_tamper(void **state)
{
	uint8_t ct[sizeof(msg1)], nonce[12], tag[16], key[32], aad[sizeof(aad1)];
	size_t len;

	(void)state;
	len = seal1(ct, nonce, tag);
	memcpy(key, key1, 32);
	memcpy(aad, aad1, sizeof(aad));
	flip_each_bit(ct, len, key, aad, ct, len, nonce, tag);
	flip_each_bit(tag, 16, key, aad, ct, len, nonce, tag);
	flip_each_bit(nonce, 12, key, aad, ct, len, nonce, tag);
	flip_each_bit(aad, sizeof(aad), key, aad, ct, len, nonce, tag);
	flip_each_bit(key, 32, key, aad, ct, len, nonce, tag);
	/* Truncated ciphertext and missing AAD. */
	expect_refused(key, aad, ct, len - 1, nonce, tag);
	{
		uint8_t pt[sizeof(msg1)];
		assert_int_equal(aem_aead_decrypt(key, NULL, 0, ct, len, nonce, tag, pt), AEM_E_CRYPTO);
	}
	/* Untouched, it still opens. */
	{
		uint8_t pt[sizeof(msg1)];
		assert_int_equal(aem_aead_decrypt(key, aad, sizeof(aad), ct, len, nonce, tag, pt), 0);
		assert_memory_equal(pt, msg1, len);
	}
}

/* In-place encryption and decryption, and a payload over one EVP call's
 * worth of blocks. */
static void test_in_place_large(void **state)
{
	size_t n = (1u << 20) + 7;
	uint8_t *buf = malloc(n), *ref = malloc(n), nonce[12], tag[16];

	(void)state;
	assert_non_null(buf);
	assert_non_null(ref);
	for (size_t i = 0; i < n; i++)
		ref[i] = buf[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(aem_aead_encrypt(key1, NULL, 0, buf, n, buf, nonce, tag), 0);
	assert_memory_not_equal(buf, ref, 64);
	assert_int_equal(aem_aead_decrypt(key1, NULL, 0, buf, n, nonce, tag, buf), 0);
	assert_memory_equal(buf, ref, n);
	free(buf);
	free(ref);
}

static void test_bad_args(void **state)
{
	uint8_t nonce[12], tag[16], b[4] = { 0 };

	(void)state;
	assert_int_equal(aem_aead_encrypt(NULL, NULL, 0, b, 4, b, nonce, tag), AEM_E_INVAL);
	assert_int_equal(aem_aead_encrypt(key1, NULL, 3, b, 4, b, nonce, tag), AEM_E_INVAL);
	assert_int_equal(aem_aead_encrypt(key1, NULL, 0, NULL, 4, b, nonce, tag), AEM_E_INVAL);
	assert_int_equal(aem_aead_encrypt(key1, NULL, 0, b, 4, b, NULL, tag), AEM_E_INVAL);
	assert_int_equal(aem_aead_decrypt(key1, NULL, 0, b, 4, nonce, NULL, b), AEM_E_INVAL);
	/* Empty payload: only the tag protects the AAD. */
	assert_int_equal(aem_aead_encrypt(key1, aad1, sizeof(aad1), NULL, 0, NULL, nonce, tag), 0);
	assert_int_equal(aem_aead_decrypt(key1, aad1, sizeof(aad1), NULL, 0, nonce, tag, NULL), 0);
	tag[0] ^= 1;
	assert_int_equal(aem_aead_decrypt(key1, aad1, sizeof(aad1), NULL, 0, nonce, tag, NULL),
			 AEM_E_CRYPTO);
}

/* PIN stretching. Oracles: RFC 7914 section 12 (scrypt test vector 2) and
 * the OpenSSL 3.0 CLI with the product's parameters:
 *   openssl kdf -keylen 32 -kdfopt pass:123456
 *     -kdfopt hexsalt:000102030405060708090a0b0c0d0e0f -kdfopt n:32768
 *     -kdfopt r:8 -kdfopt p:1 -kdfopt maxmem_bytes:67108864 SCRYPT */
static void test_kdf_rfc7914(void **state)
{
	uint8_t out[64];
	char hex[129];

	(void)state;
	assert_int_equal(aem_pin_stretch_scrypt("password", 8, (const uint8_t *)"NaCl", 4, 10, 8, 16,
						out, 64), 0);
	assert_string_equal(aem_hex(out, 64, hex),
			    "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
			    "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

static void test_kdf_product_params(void **state)
{
	uint8_t salt[16], auth[32];
	char hex[65];

	(void)state;
	for (int i = 0; i < 16; i++)
		salt[i] = (uint8_t)i;
	assert_int_equal(aem_pin_stretch("123456", 6, salt, auth), 0);
	assert_string_equal(aem_hex(auth, 32, hex),
			    "2c96fb20f5af7503bd94936a79d3e5e0a068ee179925f84628b9ca753cb0199d");
	/* The PIN is a byte string, not a C string: bytes after pin_len do not count. */
	assert_int_equal(aem_pin_stretch("1234567", 6, salt, auth), 0);
	assert_string_equal(aem_hex(auth, 32, hex),
			    "2c96fb20f5af7503bd94936a79d3e5e0a068ee179925f84628b9ca753cb0199d");
	/* openssl kdf ... -kdfopt pass: -kdfopt hexsalt:ff..ff (16 bytes) ... SCRYPT */
	memset(salt, 0xff, 16);
	assert_int_equal(aem_pin_stretch("", 0, salt, auth), 0);
	assert_string_equal(aem_hex(auth, 32, hex),
			    "e1bccee7d508b52983afdd58732d7f171c044306465359242a9d7968fb243381");
	assert_int_equal(aem_pin_stretch(NULL, 0, salt, auth), 0);
	assert_string_equal(aem_hex(auth, 32, hex),
			    "e1bccee7d508b52983afdd58732d7f171c044306465359242a9d7968fb243381");
}

static void test_kdf_bad_args(void **state)
{
	uint8_t salt[16] = { 0 }, out[32];

	(void)state;
	assert_int_equal(aem_pin_stretch(NULL, 3, salt, out), AEM_E_INVAL);
	assert_int_equal(aem_pin_stretch("1", 1, NULL, out), AEM_E_INVAL);
	assert_int_equal(aem_pin_stretch_scrypt("1", 1, salt, 16, 0, 8, 1, out, 32), AEM_E_INVAL);
	assert_int_equal(aem_pin_stretch_scrypt("1", 1, salt, 16, 15, 0, 1, out, 32), AEM_E_INVAL);
	assert_int_equal(aem_pin_stretch_scrypt("1", 1, salt, 16, 15, 8, 1, out, 0), AEM_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_round_trip_random_nonce),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_in_place_large),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_kdf_rfc7914),
		cmocka_unit_test(test_kdf_product_params),
		cmocka_unit_test(test_kdf_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of secret-display/base32.c against the RFC 4648 section 10
 * test vectors, plus malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "base32.h"
#include "disp_err.h"

/* RFC 4648 section 10, BASE32 column, with the padding removed. */
static const struct { const char *in, *b32, *padded; } vec[] = {
	{ "", "", "" },
	{ "f", "MY", "MY======" },
	{ "fo", "MZXQ", "MZXQ====" },
	{ "foo", "MZXW6", "MZXW6===" },
	{ "foob", "MZXW6YQ", "MZXW6YQ=" },
	{ "fooba", "MZXW6YTB", "MZXW6YTB" },
	{ "foobar", "MZXW6YTBOI", "MZXW6YTBOI======" },
};

static void test_encode_rfc4648(void **state)
{
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t n = strlen(vec[i].in);

		assert_int_equal(aem_disp_base32_enclen(n), strlen(vec[i].b32));
		assert_int_equal(aem_disp_base32_encode((const uint8_t *)vec[i].in, n, out, sizeof(out)), 0);
		assert_string_equal(out, vec[i].b32);
	}
	/* exactly enough room, then one byte short */
	assert_int_equal(aem_disp_base32_encode((const uint8_t *)"foobar", 6, out, 11), 0);
	assert_int_equal(aem_disp_base32_encode((const uint8_t *)"foobar", 6, out, 10), AEM_DISP_E_SPACE);
	assert_string_equal(out, "");
}

static void check_decode(const char *text, const char *want)
{
	uint8_t out[16];
	size_t n = 99;

	assert_int_equal(aem_disp_base32_decode((const uint8_t *)text, strlen(text), out, sizeof(out), &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void test_decode_rfc4648(void **state)
{
	char lower[32];

	(void)state;
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		check_decode(vec[i].b32, vec[i].in);
		check_decode(vec[i].padded, vec[i].in);
		strcpy(lower, vec[i].padded);
		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		check_decode(lower, vec[i].in);
	}
	check_decode("mZxW6yTbOi", "foobar");
}

static void check_reject(const char *text, int err)
{
	uint8_t out[16];
	size_t n = 99;

	memset(out, 0xaa, sizeof(out));
	assert_int_equal(aem_disp_base32_decode((const uint8_t *)text, strlen(text), out, sizeof(out), &n), err);
	assert_int_equal(n, 0);
	for (size_t i = 0; i < sizeof(out); i++)   /* partial output wiped */
		assert_int_equal(out[i], 0);
}

static void test_decode_malformed(void **state)
{
	(void)state;
	check_reject("M", AEM_DISP_E_FORMAT);          /* 5 bits: no whole byte */
	check_reject("MZX", AEM_DISP_E_FORMAT);        /* length 3 mod 8 */
	check_reject("MZXW6Y", AEM_DISP_E_FORMAT);     /* length 6 mod 8 */
	check_reject("MZ", AEM_DISP_E_FORMAT);         /* unused bits not zero ("MY" is canonical) */
	check_reject("MZXW6YTB1", AEM_DISP_E_FORMAT);  /* '1' is not in the alphabet */
	check_reject("MZXW0YTB", AEM_DISP_E_FORMAT);
	check_reject("MZXW 6YTB", AEM_DISP_E_FORMAT);
	check_reject("MZ=XW6YTB", AEM_DISP_E_FORMAT);  /* padding in the middle */
	check_reject("MY=", AEM_DISP_E_FORMAT);        /* partial padding */
	check_reject("MY==============", AEM_DISP_E_FORMAT);  /* more than a block of '=' */
	check_reject("========", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YTB\n", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YT\xc2", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YT[", AEM_DISP_E_FORMAT);   /* neighbours of the ranges */
	check_reject("MZXW6YT@", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YT`", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YT{", AEM_DISP_E_FORMAT);
	check_reject("MZXW6YT8", AEM_DISP_E_FORMAT);
	/* 40 characters = 25 bytes: more than the 16-byte buffer */
	check_reject("MZXW6YTBMZXW6YTBMZXW6YTBMZXW6YTBMZXW6YTB", AEM_DISP_E_SPACE);
}

static void test_all_bytes_roundtrip(void **state)
{
	uint8_t in[256], back[256];
	char text[420];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)i;
	for (size_t len = 0; len <= sizeof(in); len += 37) {
		assert_int_equal(aem_disp_base32_encode(in, len, text, sizeof(text)), 0);
		assert_int_equal(aem_disp_base32_decode((uint8_t *)text, strlen(text), back, sizeof(back), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(back, in, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rfc4648),
		cmocka_unit_test(test_decode_rfc4648),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_all_bytes_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

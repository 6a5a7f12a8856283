/* Unit tests of tpm-seal/values.c. The binary fixtures in tests/unit/data
 * were written by tpm2_pcrread -o (tpm2-tools 5.4, swtpm 0.7.1) after
 *   tpm2_pcrextend 16:sha256=<sha256("aem-fixture-16")>,sha1=<sha1(...)>
 *   tpm2_pcrextend 23:sha256=<sha256("aem-fixture-23")>,sha1=<sha1(...)>
 *   tpm2_pcrread -o pcrread_sha256_16_23.bin sha256:16,23   (and sha1)
 * and the expected values are what tpm2_pcrread printed at the same time. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "fileio.h"
#include "values.h"

#define SHA256_16 "6ed031d8df1e3a8f34ba2b1006ce0aead0ad5655652082b88a72e726926f0c4d"
#define SHA256_23 "5c369b462f4fc9e5ac87574a41a17e349e203f6da421825ec37a11e28ce768d4"
#define SHA1_16 "eae71c02d78505ed801a0336e3a353992e0b8835"
#define SHA1_23 "cc61551d2670c765a3dad959a1af7270d1552a75"

static const aem_pcr_mask M16_23 = 1u << 16 | 1u << 23;

static void load_fixture(const char *name, uint8_t **buf, size_t *len)
{
	const char *src = getenv("AEM_SRC");
	char path[512];

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", src ? src : ".", name);
	assert_int_equal(aem_file_read(path, 4096, buf, len), 0);
}

static void expect_hex(const struct aem_pcr_values *v, unsigned pcr, const char *hex)
{
	char got[2 * AEM_MAX_DIGEST + 1];

	assert_true(aem_pcr_mask_has(v->mask, pcr));
	assert_string_equal(aem_hex(v->v[pcr], aem_bank_size(v->bank), got), hex);
}

static int parse_str(const char *s, enum aem_bank bank, aem_pcr_mask want, struct aem_pcr_values *v)
{
	return aem_values_parse((const uint8_t *)s, strlen(s), bank, want, v);
}

static void test_pcrread_binary(void **state)
{
	struct aem_pcr_values v;
	uint8_t *buf;
	size_t len;

	(void)state;
	load_fixture("pcrread_sha256_16_23.bin", &buf, &len);
	assert_int_equal(aem_values_parse(buf, len, AEM_BANK_SHA256, M16_23, &v), 0);
	assert_int_equal(v.bank, AEM_BANK_SHA256);
	assert_int_equal(v.mask, M16_23);
	expect_hex(&v, 16, SHA256_16);
	expect_hex(&v, 23, SHA256_23);
	/* the same file does not fit another selection or bank */
	assert_int_equal(aem_values_parse(buf, len, AEM_BANK_SHA256, 1u << 16, &v), AEM_E_FORMAT);
	assert_int_equal(aem_values_parse(buf, len, AEM_BANK_SHA1, M16_23, &v), AEM_E_FORMAT);
	assert_int_equal(aem_values_parse(buf, len - 1, AEM_BANK_SHA256, M16_23, &v), AEM_E_FORMAT);
	aem_buf_free(buf, len);

	load_fixture("pcrread_sha1_16_23.bin", &buf, &len);
	assert_int_equal(aem_values_parse(buf, len, AEM_BANK_SHA1, M16_23, &v), 0);
	expect_hex(&v, 16, SHA1_16);
	expect_hex(&v, 23, SHA1_23);
	aem_buf_free(buf, len);
}

static void test_json(void **state)
{
	struct aem_pcr_values v;

	(void)state;
	assert_int_equal(parse_str("{\"bank\":\"sha256\",\"kernel\":\"6.1\",\"pcrs\":{\"16\":\"" SHA256_16
				   "\",\"23\":\"0x" SHA256_23 "\",\"4\":\"" SHA256_23 "\"},\"extra\":[1,2]}\n",
				   AEM_BANK_SHA256, M16_23, &v), 0);
	assert_int_equal(v.mask, M16_23);
	expect_hex(&v, 16, SHA256_16);
	expect_hex(&v, 23, SHA256_23);
	/* "bank" may be omitted; upper-case hex is fine */
	assert_int_equal(parse_str("  {\"pcrs\":{\"16\":\"EAE71C02D78505ED801A0336E3A353992E0B8835\"}}",
				   AEM_BANK_SHA1, 1u << 16, &v), 0);
	expect_hex(&v, 16, SHA1_16);
}

/* A PCR of want that the file lacks: FORMAT, with the present ones in mask. */
static void test_json_missing_pcr(void **state)
{
	struct aem_pcr_values v;

	(void)state;
	assert_int_equal(parse_str("{\"bank\":\"sha256\",\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",
				   AEM_BANK_SHA256, M16_23 | 1u << 13, &v), AEM_E_FORMAT);
	assert_int_equal(v.mask, 1u << 16);
	expect_hex(&v, 16, SHA256_16);
	/* asking again for the present ones succeeds */
	assert_int_equal(parse_str("{\"bank\":\"sha256\",\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",
				   AEM_BANK_SHA256, v.mask, &v), 0);
	/* a malformed entry is never reported as merely missing, wanted or not */
	assert_int_equal(parse_str("{\"pcrs\":{\"16\":\"" SHA256_16 "\",\"23\":\"zz\"}}",
				   AEM_BANK_SHA256, M16_23, &v), AEM_E_FORMAT);
	assert_int_equal(v.mask, 0);
	assert_int_equal(parse_str("{\"pcrs\":{\"16\":\"" SHA256_16 "\",\"23\":\"zz\"}}",
				   AEM_BANK_SHA256, 1u << 16, &v), AEM_E_FORMAT);
}

static void test_json_malformed(void **state)
{
	static const char *bad[] = {
		"{",
		"{}",
		"{\"pcrs\":[]}",
		"{\"bank\":\"sha1\",\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",   /* other bank */
		"{\"bank\":\"md5\",\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",
		"{\"bank\":256,\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",
		"{\"pcrs\":{\"16\":\"" SHA1_16 "\"}}",                       /* short value */
		"{\"pcrs\":{\"16\":\"" SHA256_16 "00\"}}",                   /* long value */
		"{\"pcrs\":{\"16\":\"zz" SHA256_16 "\"}}",
		"{\"pcrs\":{\"16\":16}}",
		"{\"pcrs\":{\"24\":\"" SHA256_16 "\",\"16\":\"" SHA256_16 "\"}}",
		"{\"pcrs\":{\"016\":\"" SHA256_16 "\"}}",
		"{\"pcrs\":{\"-1\":\"" SHA256_16 "\",\"16\":\"" SHA256_16 "\"}}",
		"{\"pcrs\":{\"\":\"" SHA256_16 "\",\"16\":\"" SHA256_16 "\"}}",
		"{\"pcrs\":{\"16\":\"" SHA256_16 "\",\"4\":\"00\"}}",             /* bad unwanted entry */
		"{\"pcrs\":{\"16\":\"" SHA256_16 "\"}} trailing",
		"{\"pcrs\":{\"16\":\"" SHA256_16 "\"}}{}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
		"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
		"\"pcrs\":{\"16\":\"" SHA256_16 "\"}}",
	};
	struct aem_pcr_values v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_str(bad[i], AEM_BANK_SHA256, 1u << 16, &v) != AEM_E_FORMAT)
			fail_msg("accepted: %s", bad[i]);
}

/* A binary digest may start with '{' and must still be read as binary. */
static void test_binary_starting_with_brace(void **state)
{
	uint8_t buf[32];
	struct aem_pcr_values v;

	(void)state;
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(0x7b + 13 * i);
	assert_int_equal(aem_values_parse(buf, 32, AEM_BANK_SHA256, 1u << 17, &v), 0);
	assert_memory_equal(v.v[17], buf, 32);
}

static void test_bad_args(void **state)
{
	struct aem_pcr_values v;
	uint8_t b[32] = { 0 };

	(void)state;
	assert_int_equal(aem_values_parse(b, 32, AEM_BANK_NONE, 1u << 17, &v), AEM_E_INVAL);
	assert_int_equal(aem_values_parse(b, 32, AEM_BANK_SHA256, 0, &v), AEM_E_INVAL);
	assert_int_equal(aem_values_parse(b, 32, AEM_BANK_SHA256, 1u << 24, &v), AEM_E_INVAL);
	assert_int_equal(aem_values_parse(NULL, 32, AEM_BANK_SHA256, 1u << 17, &v), AEM_E_INVAL);
	assert_int_equal(aem_values_parse(b, 32, AEM_BANK_SHA256, 1u << 17, NULL), AEM_E_INVAL);
	assert_int_equal(aem_values_parse(NULL, 0, AEM_BANK_SHA256, 1u << 17, &v), AEM_E_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcrread_binary),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_missing_pcr),
		cmocka_unit_test(test_json_malformed),
		cmocka_unit_test(test_binary_starting_with_brace),
		cmocka_unit_test(test_bad_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

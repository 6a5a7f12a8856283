/* Unit tests of tpm-seal/pcr.c: expected digests are FIPS 180 / published
 * test vectors, not values computed by the code under test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pcr.h"

static void test_hash_vectors(void **state)
{
	uint8_t d[AEM_MAX_DIGEST];
	char hex[2 * AEM_MAX_DIGEST + 1];

	(void)state;
	assert_int_equal(aem_hash(AEM_BANK_SHA1, "abc", 3, d), 0);
	assert_string_equal(aem_hex(d, 20, hex), "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(aem_hash(AEM_BANK_SHA256, "abc", 3, d), 0);
	assert_string_equal(aem_hex(d, 32, hex),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_not_equal(aem_hash(AEM_BANK_NONE, "abc", 3, d), 0);
}

/* E(0^32, sha256("SINITDATA")): value read from swtpm after a locality-4
 * _TPM_Hash_Start/Data/End of "SINITDATA" (tpm2_pcrread sha256:17). */
static void test_extend_matches_tpm(void **state)
{
	uint8_t pcr[32] = { 0 }, d[32];
	char hex[65];

	(void)state;
	assert_int_equal(aem_hash(AEM_BANK_SHA256, "SINITDATA", 9, d), 0);
	assert_int_equal(aem_pcr_extend(AEM_BANK_SHA256, pcr, d), 0);
	assert_string_equal(aem_hex(pcr, 32, hex),
			    "89e4944d1161a19210c425cfcfe7079074cc7e352c8bc53b48ca5b366fe6eb7d");
}

static void test_mask(void **state)
{
	aem_pcr_mask m;
	char buf[80];

	(void)state;
	assert_int_equal(aem_pcr_mask_parse("13,17-19", &m), 0);
	assert_int_equal(m, (1u << 13) | (1u << 17) | (1u << 18) | (1u << 19));
	assert_string_equal(aem_pcr_mask_format(m, buf, sizeof(buf)), "13,17,18,19");
	assert_int_equal(aem_pcr_mask_parse("", &m), -1);
	assert_int_equal(aem_pcr_mask_parse("24", &m), -1);
	assert_int_equal(aem_pcr_mask_parse("13,,17", &m), -1);
	assert_int_equal(aem_pcr_mask_parse("19-17", &m), -1);
	assert_int_equal(aem_pcr_mask_parse("13x", &m), -1);
}

static void test_hex(void **state)
{
	uint8_t b[4];

	(void)state;
	assert_int_equal(aem_unhex("0xDEADbeef", b, 4), 0);
	assert_memory_equal(b, "\xde\xad\xbe\xef", 4);
	assert_int_equal(aem_unhex("deadbee", b, 4), -1);
	assert_int_equal(aem_unhex("deadbeeg", b, 4), -1);
	assert_true(aem_all_bytes((const uint8_t *)"\xff\xff", 2, 0xff));
	assert_false(aem_all_bytes((const uint8_t *)"\xff\xfe", 2, 0xff));
	assert_int_equal(aem_bank_from_name("sha256"), AEM_BANK_SHA256);
	assert_int_equal(aem_bank_size(aem_bank_from_alg(0x0004)), 20);
	assert_int_equal(aem_bank_from_alg(0x0010), AEM_BANK_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_extend_matches_tpm),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

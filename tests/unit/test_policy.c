/* Unit tests of tpm-seal/policy.c. Every expected digest below was produced
 * by tpm2-tools 5.4 against swtpm 0.7.1 (a real policy trial session), never
 * by the code under test; tests/tpm/test_policy_oracle.sh re-derives more of
 * them live with random values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "policy.h"

static const char *hex32(const uint8_t *d)
{
	static char buf[65];

	return aem_hex(d, 32, buf);
}

static void fill(struct aem_pcr_values *v, enum aem_bank bank, unsigned pcr, uint8_t byte)
{
	v->bank = bank;
	v->mask |= 1u << pcr;
	memset(v->v[pcr], byte, aem_bank_size(bank));
}

/* v3.bin = 32 x 00 || 32 x 11 || 32 x 22, then
 *   tpm2_createpolicy --policy-pcr -l sha256:13,17,18 -f v3.bin -L pol.bin */
static void test_pcr_sha256(void **state)
{
	struct aem_pcr_values v = { 0 };
	uint8_t pol[32];

	(void)state;
	fill(&v, AEM_BANK_SHA256, 13, 0x00);
	fill(&v, AEM_BANK_SHA256, 17, 0x11);
	fill(&v, AEM_BANK_SHA256, 18, 0x22);
	aem_policy_init(pol);
	assert_int_equal(aem_policy_pcr(pol, &v), 0);
	assert_string_equal(hex32(pol), "f12e741d83f2bf9b2a8d6074e43b3eddb21ab91c30e5bd33ac95dac75ef16b39");
}

/* tpm2_startauthsession -S s.ctx; tpm2_policypcr -S s.ctx -l sha256:13,17,18
 * -f v3.bin; tpm2_policyauthvalue -S s.ctx -L p2.bin */
static void test_pcr_then_authvalue(void **state)
{
	struct aem_pcr_values v = { 0 };
	uint8_t pol[32];

	(void)state;
	fill(&v, AEM_BANK_SHA256, 13, 0x00);
	fill(&v, AEM_BANK_SHA256, 17, 0x11);
	fill(&v, AEM_BANK_SHA256, 18, 0x22);
	aem_policy_init(pol);
	assert_int_equal(aem_policy_pcr(pol, &v), 0);
	assert_int_equal(aem_policy_authvalue(pol), 0);
	assert_string_equal(hex32(pol), "f777946ad4581dd749e389f7d2045cc0ad89e3c59f242fa6f3ea3c67f4faa067");
}

/* v4.bin = 20 x 11 || 20 x 22 || 20 x 33 || 20 x 44, then
 *   tpm2_createpolicy --policy-pcr -l sha1:13,17,18,19 -f v4.bin -L pol.bin
 * (the session hash stays SHA-256 with a SHA-1 bank). */
static void test_pcr_sha1(void **state)
{
	struct aem_pcr_values v = { 0 };
	uint8_t pol[32];

	(void)state;
	fill(&v, AEM_BANK_SHA1, 13, 0x11);
	fill(&v, AEM_BANK_SHA1, 17, 0x22);
	fill(&v, AEM_BANK_SHA1, 18, 0x33);
	fill(&v, AEM_BANK_SHA1, 19, 0x44);
	aem_policy_init(pol);
	assert_int_equal(aem_policy_pcr(pol, &v), 0);
	assert_string_equal(hex32(pol), "33255c13094e162eba08ec845ca24ec66c57d71bda9354ff8bb748d7737ae72d");
}

/* tpm2_startauthsession -S s.ctx; tpm2_policyauthvalue -S s.ctx -L p0.bin */
static void test_authvalue_alone(void **state)
{
	uint8_t pol[32];

	(void)state;
	aem_policy_init(pol);
	assert_true(aem_all_bytes(pol, 32, 0));
	assert_int_equal(aem_policy_authvalue(pol), 0);
	assert_string_equal(hex32(pol), "8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e");
}

/* Values outside the mask must not leak into the digest. */
static void test_unselected_values_ignored(void **state)
{
	struct aem_pcr_values v = { 0 };
	uint8_t pol[32];

	(void)state;
	fill(&v, AEM_BANK_SHA256, 13, 0x00);
	fill(&v, AEM_BANK_SHA256, 17, 0x11);
	fill(&v, AEM_BANK_SHA256, 18, 0x22);
	memset(v.v[19], 0xab, 32);
	memset(v.v[0], 0xcd, 32);
	aem_policy_init(pol);
	assert_int_equal(aem_policy_pcr(pol, &v), 0);
	assert_string_equal(hex32(pol), "f12e741d83f2bf9b2a8d6074e43b3eddb21ab91c30e5bd33ac95dac75ef16b39");
}

/* TPM 2.0 Part 2: TPML_PCR_SELECTION {count=1, hash=0x000b, sizeofSelect=3,
 * pcrSelect} with PCR n at byte n/8, bit n%8: 13,17,18 -> 20 06 00. */
static void test_selection_bytes(void **state)
{
	static const uint8_t want[10] = { 0, 0, 0, 1, 0x00, 0x0b, 3, 0x00, 0x20, 0x06 };
	uint8_t out[10];
	size_t len = 0;

	(void)state;
	aem_tpm2_pcr_selection(AEM_BANK_SHA256, (1u << 13) | (1u << 17) | (1u << 18), out, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(out, want, 10);
	aem_tpm2_pcr_selection(AEM_BANK_SHA1, 1u << 0 | 1u << 23, out, &len);
	assert_int_equal(out[5], 0x04);
	assert_int_equal(out[7], 0x01);
	assert_int_equal(out[9], 0x80);
}

static void test_bad_input(void **state)
{
	struct aem_pcr_values v = { 0 };
	uint8_t pol[32], before[32];

	(void)state;
	aem_policy_init(pol);
	memcpy(before, pol, 32);
	v.bank = AEM_BANK_SHA256;
	assert_int_equal(aem_policy_pcr(pol, &v), AEM_E_INVAL);       /* empty mask */
	v.mask = 1u << 24;
	assert_int_equal(aem_policy_pcr(pol, &v), AEM_E_INVAL);       /* PCR 24 */
	v.mask = 1u << 17;
	v.bank = AEM_BANK_NONE;
	assert_int_equal(aem_policy_pcr(pol, &v), AEM_E_INVAL);
	assert_int_equal(aem_policy_pcr(pol, NULL), AEM_E_INVAL);
	assert_memory_equal(pol, before, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcr_sha256),
		cmocka_unit_test(test_pcr_then_authvalue),
		cmocka_unit_test(test_pcr_sha1),
		cmocka_unit_test(test_authvalue_alone),
		cmocka_unit_test(test_unselected_values_ignored),
		cmocka_unit_test(test_selection_bytes),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

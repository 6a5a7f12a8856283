/* Unit tests of tboot's measurement rules (aem/launch/tboot.c) and module hashing
 * (aem/platform/hashfile.c). Oracles: the policy-entry constants of the architecture brief (the
 * sha256 one is also the first 0x501 digest of the real Intel logs in tests/unit/data);
 * module digests printed by Debian's tb_polgen:
 *   printf 'hello image\n' > img
 *   tb_polgen --create --type nonfatal --alg sha256 p.pol
 *   tb_polgen --add --num 0 --pcr none --hash image --cmdline "placeholder a=b" --image img p.pol
 *   tb_polgen --show p.pol        (and the same with --alg sha1) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tboot.h"
#include "hashfile.h"
#include "err.h"

#define P_SHA256 "71be5852a14eabefebf0df0e1acc5da291883b6d4c5ab20914ed987c1daf3f91"
#define P_SHA1 "c3438497fda827be3b321c5309a204f0c9e53943"
#define M_SHA256 "8ce884592d69a6dbb0957e7b13a6ce8f61c4a6baa1053de853caa0b2b9757813"
#define M_SHA1 "8062e8e4a0eed0b7f80993bb8da761322853fb2d"

static void test_policy_entry(void **state)
{
	struct aem_tboot_cfg t2 = { .family = AEM_FAMILY_TPM20 };
	struct aem_tboot_cfg t1 = { .family = AEM_FAMILY_TPM12 };
	uint8_t out[64];
	char hex[129];
	const uint8_t *pol;
	size_t len;

	(void)state;
	pol = aem_tboot_default_policy(AEM_FAMILY_TPM20, &len);
	assert_int_equal(len, 36);
	assert_int_equal(aem_tboot_policy_entry(&t2, AEM_BANK_SHA256, pol, len, out), 0);
	assert_string_equal(aem_hex(out, 32, hex), P_SHA256);
	pol = aem_tboot_default_policy(AEM_FAMILY_TPM12, &len);
	assert_int_equal(aem_tboot_policy_entry(&t1, AEM_BANK_SHA1, pol, len, out), 0);
	assert_string_equal(aem_hex(out, 20, hex), P_SHA1);
	assert_int_equal(aem_tboot_policy_entry(&t1, AEM_BANK_SHA1, pol, 3, out), AEM_E_INVAL);
}

static void test_module_digest(void **state)
{
	enum aem_bank banks[2] = { AEM_BANK_SHA256, AEM_BANK_SHA1 };
	struct aem_digest img[2];
	uint8_t out[64];
	char hex[129];
	uint64_t size = 0;
	FILE *f = fopen("img", "wb");

	(void)state;
	assert_non_null(f);
	fputs("hello image\n", f);
	fclose(f);
	assert_int_equal(aem_hashfile("img", true, banks, 2, img, &size), 0);
	assert_int_equal(size, 12);
	assert_int_equal(aem_tboot_module_digest(AEM_BANK_SHA256, "placeholder a=b", img[0].d, out), 0);
	assert_string_equal(aem_hex(out, 32, hex), M_SHA256);
	assert_int_equal(aem_tboot_module_digest(AEM_BANK_SHA1, "placeholder a=b", img[1].d, out), 0);
	assert_string_equal(aem_hex(out, 20, hex), M_SHA1);
	assert_int_equal(aem_hashfile("no-such-file", true, banks, 2, img, NULL), AEM_E_IO);
	remove("img");
}

static void test_corrupt_compressed(void **state)
{
	static const uint8_t gz_bad[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff };
	static const uint8_t xz_cut[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4 };
	static const uint8_t lzop[] = { 0x89, 'L', 'Z', 'O', 0, '\r', '\n', 0x1a, '\n', 0 };
	enum aem_bank b = AEM_BANK_SHA256;
	struct aem_digest d;
	FILE *f;

	(void)state;
	f = fopen("bad.gz", "wb");
	fwrite(gz_bad, 1, sizeof(gz_bad), f);
	fclose(f);
	assert_int_equal(aem_hashfile("bad.gz", true, &b, 1, &d, NULL), AEM_E_FORMAT);
	/* --nounzip: the bytes as they are */
	assert_int_equal(aem_hashfile("bad.gz", false, &b, 1, &d, NULL), 0);
	f = fopen("cut.xz", "wb");
	fwrite(xz_cut, 1, sizeof(xz_cut), f);
	fclose(f);
	assert_int_equal(aem_hashfile("cut.xz", true, &b, 1, &d, NULL), AEM_E_FORMAT);
	f = fopen("x.lzo", "wb");
	fwrite(lzop, 1, sizeof(lzop), f);
	fclose(f);
	assert_int_equal(aem_hashfile("x.lzo", true, &b, 1, &d, NULL), AEM_E_UNSUPPORTED);
	remove("bad.gz");
	remove("cut.xz");
	remove("x.lzo");
}

static void test_mapping(void **state)
{
	struct aem_tboot_cfg c = { .family = AEM_FAMILY_TPM12, .map = AEM_PCR_MAP_LEGACY };
	unsigned p[2];

	(void)state;
	assert_int_equal(aem_tboot_policy_pcrs(&c, p), 1);
	assert_int_equal(p[0], 17);
	assert_int_equal(aem_tboot_module_pcr(&c, 0), 18);
	assert_int_equal(aem_tboot_module_pcr(&c, 1), 19);
	assert_int_equal(aem_tboot_module_pcr(&c, 2), 19);
	c.map = AEM_PCR_MAP_DA;
	assert_int_equal(aem_tboot_policy_pcrs(&c, p), 2);
	assert_int_equal(p[1], 18);
	assert_int_equal(aem_tboot_module_pcr(&c, 0), 17);
	assert_int_equal(aem_tboot_module_pcr(&c, 2), 19);
	/* TPM 2.0: D/A whatever is asked; only sha256 unless extpol says otherwise */
	c.family = AEM_FAMILY_TPM20;
	c.map = AEM_PCR_MAP_LEGACY;
	assert_int_equal(aem_tboot_policy_pcrs(&c, p), 2);
	assert_int_equal(aem_tboot_module_pcr(&c, 0), 17);
	assert_int_equal(aem_tboot_module_pcr(&c, 2), 17);
	assert_true(aem_tboot_extends_bank(&c, AEM_BANK_SHA256));
	assert_false(aem_tboot_extends_bank(&c, AEM_BANK_SHA1));
	c.extpol = AEM_EXTPOL_AGILE;
	assert_true(aem_tboot_extends_bank(&c, AEM_BANK_SHA1));
}

static void test_acm_detect(void **state)
{
	uint8_t acm[64] = { 2, 0, 0, 0 };

	(void)state;
	acm[16] = 0x86;
	acm[17] = 0x80;
	assert_true(aem_tboot_is_acm(acm, sizeof(acm)));
	assert_false(aem_tboot_is_acm(acm, 19));
	acm[0] = 1;
	assert_false(aem_tboot_is_acm(acm, sizeof(acm)));
	assert_true(aem_tboot_is_lcp_data((const uint8_t *)"Intel(R) TXT LCP_POLICY_DATA\0\0", 30));
	assert_false(aem_tboot_is_lcp_data((const uint8_t *)"\x7f" "ELF", 4));
}

static void test_mle_malformed(void **state)
{
	uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 1, 1 };
	uint8_t out[32];

	(void)state;
	assert_int_equal(aem_tboot_mle_hash(elf, sizeof(elf), NULL, AEM_BANK_SHA256, out),
			 AEM_E_FORMAT);
	elf[16] = 2;
	elf[18] = 3;
	elf[28] = 52;                 /* phoff */
	elf[42] = 32;                 /* phentsize */
	elf[44] = 200;                /* phnum beyond the buffer */
	assert_int_equal(aem_tboot_mle_hash(elf, sizeof(elf), NULL, AEM_BANK_SHA256, out),
			 AEM_E_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_entry),
		cmocka_unit_test(test_module_digest),
		cmocka_unit_test(test_corrupt_compressed),
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_acm_detect),
		cmocka_unit_test(test_mle_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

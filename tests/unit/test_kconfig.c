/* Unit tests of aem/doctor/kconfig.c: Kconfig parsing, the baseline syntax and the
 * lint verdicts, on small hand-written inputs whose expected results follow
 * from Kconfig's file format and the baseline syntax documented in
 * coreboot-configs/baseline.conf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "kconfig.h"

static int parse_kc(const char *s, struct aem_kconfig *kc, unsigned *bad)
{
	memset(kc, 0, sizeof(*kc));
	return aem_kconfig_parse((const uint8_t *)s, strlen(s), kc, bad);
}

static void test_parse(void **state)
{
	struct aem_kconfig kc;
	unsigned bad;

	(void)state;
	assert_int_equal(parse_kc("# aem-board: x\n\nCONFIG_A=y\r\n# CONFIG_B is not set\n"
				  "CONFIG_C=\"3rdparty/x.bin\"\nCONFIG_A=n\n# a comment\n", &kc, &bad), 0);
	assert_string_equal(kc.board, "x");
	assert_string_equal(aem_kconfig_get(&kc, "CONFIG_A"), "n"); /* the later line wins */
	assert_string_equal(aem_kconfig_get(&kc, "CONFIG_B"), "n");
	assert_string_equal(aem_kconfig_get(&kc, "CONFIG_C"), "\"3rdparty/x.bin\"");
	assert_null(aem_kconfig_get(&kc, "CONFIG_D"));
	aem_kconfig_free(&kc);
	assert_int_equal(parse_kc("CONFIG_A=y\nCONFIG_lower=y\n", &kc, &bad), AEM_E_FORMAT);
	assert_int_equal(bad, 2);
	aem_kconfig_free(&kc);
	assert_int_equal(parse_kc("CONFIG_A=\n", &kc, &bad), AEM_E_FORMAT);
	aem_kconfig_free(&kc);
	assert_int_equal(parse_kc("A=y\n", &kc, &bad), AEM_E_FORMAT);
	aem_kconfig_free(&kc);
	assert_int_equal(parse_kc("CONFIG_A=y\0\n", &kc, &bad), 0); /* strlen stops at NUL */
	aem_kconfig_free(&kc);
	assert_int_equal(aem_kconfig_parse((const uint8_t *)"CONFIG_A=y\0x\n", 13, &kc, &bad), AEM_E_FORMAT);
	aem_kconfig_free(&kc);
}

static const char baseline[] =
	"# comment\n[grp]\n"
	"required all CONFIG_A=y -- a must be on\n"
	"required all CONFIG_B=y|CONFIG_C=y -- b or c\n"
	"required all CONFIG_D!=y -- d must be off\n"
	"required txt CONFIG_E=* -- e names a file\n"
	"required txt CONFIG_F=y selected-by=CONFIG_G -- f selected by g\n"
	"recommended all CONFIG_H=y -- h is nice\n"
	"board b1 CONFIG_BOARD_ONE txt,tpm2 mode=tpm2.0-da tree=upstream\n"
	"board b2 CONFIG_BOARD_TWO tpm1\n"
	"board b3 CONFIG_BOARD_TWO tpm1\n";

static void test_baseline(void **state)
{
	struct aem_baseline *bl = calloc(1, sizeof(*bl));
	unsigned bad;

	(void)state;
	assert_int_equal(aem_baseline_parse((const uint8_t *)baseline, strlen(baseline), bl, &bad), 0);
	assert_int_equal(bl->nrules, 6);
	assert_int_equal(bl->nboards, 3);
	assert_string_equal(bl->rules[1].group, "grp");
	assert_int_equal(bl->rules[1].nalt, 2);
	assert_int_equal(bl->rules[2].alt[0].op, AEM_BL_NE);
	assert_int_equal(bl->rules[3].alt[0].op, AEM_BL_SET);
	assert_string_equal(bl->rules[4].selected_by, "CONFIG_G");
	assert_int_equal(bl->rules[5].level, AEM_BL_RECOMMENDED);
	assert_string_equal(bl->boards[0].mode, "tpm2.0-da");
	assert_string_equal(bl->boards[1].mode, "none");
	assert_true(aem_bl_rule_applies(&bl->rules[3], &bl->boards[0]));
	assert_false(aem_bl_rule_applies(&bl->rules[3], &bl->boards[1]));
	assert_false(aem_bl_rule_applies(&bl->rules[3], NULL));
	static const char *const bad_lines[] = {
		"required all CONFIG_A=y\n",               /* no reason */
		"required all CONFIG_A=y -- \n",           /* empty reason */
		"mandatory all CONFIG_A=y -- x\n",         /* unknown level */
		"required all CONFIG_A -- x\n",            /* no operator */
		"required all CONFIG_A!=* -- x\n",         /* != with * */
		"required all CONFIG_A=y junk -- x\n",     /* unknown option */
		"board x NOT_A_SYMBOL tpm1\n",
		"board x CONFIG_X tpm1 colour=red\n",
		"[unterminated\n",
	};
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		assert_int_equal(aem_baseline_parse((const uint8_t *)bad_lines[i], strlen(bad_lines[i]), bl, &bad),
				 AEM_E_FORMAT);
		assert_int_equal(bad, 1);
	}
	free(bl);
}

static void test_lint(void **state)
{
	struct aem_baseline *bl = calloc(1, sizeof(*bl));
	struct aem_lint_result res[AEM_BL_MAX_RULES];
	struct aem_kconfig kc;
	unsigned bad;

	(void)state;
	assert_int_equal(aem_baseline_parse((const uint8_t *)baseline, strlen(baseline), bl, &bad), 0);
	/* everything right for b1: F comes from G's select */
	assert_int_equal(parse_kc("CONFIG_BOARD_ONE=y\nCONFIG_A=y\nCONFIG_C=y\n# CONFIG_D is not set\n"
				  "CONFIG_E=\"f.bin\"\nCONFIG_G=y\n", &kc, &bad), 0);
	assert_ptr_equal(aem_baseline_board_for(bl, &kc), &bl->boards[0]);
	assert_int_equal(aem_lint(bl, &bl->boards[0], &kc, res), 0);
	assert_true(res[4].via_select);
	assert_int_equal(res[5].st, AEM_LINT_MISSING); /* recommended: counted apart */
	aem_kconfig_free(&kc);
	/* A off, no B/C, D on, E empty, no F nor G: five required failures */
	assert_int_equal(parse_kc("CONFIG_A=n\nCONFIG_D=y\nCONFIG_E=\"\"\n", &kc, &bad), 0);
	assert_int_equal(aem_lint(bl, &bl->boards[0], &kc, res), 5);
	assert_int_equal(res[0].st, AEM_LINT_WRONG);
	assert_string_equal(res[0].found_sym, "CONFIG_A");
	assert_string_equal(res[0].found, "n");
	assert_int_equal(res[1].st, AEM_LINT_MISSING);
	assert_int_equal(res[2].st, AEM_LINT_WRONG);
	assert_int_equal(res[3].st, AEM_LINT_WRONG);
	assert_int_equal(res[4].st, AEM_LINT_MISSING);
	/* without a board only scope "all" applies */
	assert_int_equal(aem_lint(bl, NULL, &kc, res), 3);
	assert_int_equal(res[3].st, AEM_LINT_NA);
	aem_kconfig_free(&kc);
	/* two products on one board: the symbol alone cannot say which */
	assert_int_equal(parse_kc("CONFIG_BOARD_TWO=y\n", &kc, &bad), 0);
	assert_null(aem_baseline_board_for(bl, &kc));
	aem_kconfig_free(&kc);
	assert_int_equal(parse_kc("# aem-board: b3\nCONFIG_BOARD_TWO=y\n", &kc, &bad), 0);
	assert_ptr_equal(aem_baseline_board_for(bl, &kc), &bl->boards[2]);
	aem_kconfig_free(&kc);
	free(bl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_lint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the aem.conf reader (aem/lifecycle/config.c). Expected masks are written
 * out as bits by hand from the documented defaults (docs/aem.conf.5.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"

#define BIT(n) (1u << (n))

static void test_defaults(void **state)
{
	struct aem_config c;

	(void)state;
	aem_config_defaults(&c);
	assert_int_equal(aem_config_pcrs(&c, AEM_FAMILY_TPM20), BIT(13) | BIT(17) | BIT(18));
	assert_int_equal(aem_config_pcrs(&c, AEM_FAMILY_TPM12), BIT(13) | BIT(17) | BIT(18) | BIT(19));
	assert_int_equal(aem_config_bank(&c, AEM_FAMILY_TPM20), AEM_BANK_SHA256);
	assert_int_equal(aem_config_bank(&c, AEM_FAMILY_TPM12), AEM_BANK_SHA1);
	assert_string_equal(aem_display_name(c.display), "auto");
	assert_string_equal(c.grub_cfg, "/boot/grub/grub.cfg");
	assert_int_equal(c.launch, AEM_LAUNCH_AUTO);
	assert_string_equal(aem_launch_name(c.launch), "auto");
}

static void test_parse_all(void **state)
{
	static const char text[] =
		"# comment\n\n  pcrs_tpm2 = 13,17-19  \n"
		"pcrs_tpm12=17,18\n"
		"bank_tpm2 = sha384\n"
		"display = both\n"
		"grub_cfg = /boot/efi/grub.cfg\n"
		"grub_entry = AEM (aem): Xen 4.17\n"
		"event_log = /run/aem/txt.log\n"
		"boot_dir = /mnt/boot\n"
		"launch = trenchboot";
	struct aem_config c;
	char err[128] = "";

	(void)state;
	aem_config_defaults(&c);
	assert_int_equal(aem_config_parse(text, strlen(text), &c, err, sizeof(err)), 0);
	assert_int_equal(c.pcrs_tpm2, BIT(13) | BIT(17) | BIT(18) | BIT(19));
	assert_int_equal(c.pcrs_tpm12, BIT(17) | BIT(18));
	assert_int_equal(c.bank_tpm2, AEM_BANK_SHA384);
	assert_int_equal(c.display, AEM_DISPLAY_BOTH);
	assert_string_equal(c.grub_cfg, "/boot/efi/grub.cfg");
	assert_string_equal(c.grub_entry, "AEM (aem): Xen 4.17");
	assert_string_equal(c.event_log, "/run/aem/txt.log");
	assert_string_equal(c.boot_dir, "/mnt/boot");
	assert_int_equal(c.launch, AEM_LAUNCH_TRENCHBOOT);
	assert_string_equal(aem_launch_name(c.launch), "trenchboot");
	assert_int_equal(aem_config_parse("launch = tboot", 14, &c, err, sizeof(err)), 0);
	assert_int_equal(c.launch, AEM_LAUNCH_TBOOT);
}

static void expect_bad_n(const char *text, size_t len, const char *msg)
{
	struct aem_config c;
	char err[128] = "";

	aem_config_defaults(&c);
	assert_int_equal(aem_config_parse(text, len, &c, err, sizeof(err)), AEM_E_FORMAT);
	assert_non_null(strstr(err, msg));
}

static void expect_bad(const char *text, const char *msg)
{
	expect_bad_n(text, strlen(text), msg);
}

static void test_bad(void **state)
{
	(void)state;
	expect_bad("pcr_tpm2 = 13\n", "line 1: unknown key: pcr_tpm2");
	expect_bad("\n\npcrs_tpm2 = 13\n", "line 3: bad value for: pcrs_tpm2"); /* no DRTM PCR */
	expect_bad("pcrs_tpm2 = 13,24\n", "bad value");
	expect_bad("pcrs_tpm2 =\n", "bad value");
	expect_bad("bank_tpm2 = md5\n", "bad value");
	expect_bad("display = qr\n", "bad value");
	expect_bad("launch = skinit\n", "line 1: bad value for: launch");
	expect_bad("grub_cfg = relative/path\n", "bad value");
	expect_bad("just words\n", "expected key = value");
	expect_bad_n("display = text\0junk", 19, "NUL");
}

static void test_long_line(void **state)
{
	char *t = malloc(3000);

	(void)state;
	assert_non_null(t);
	memset(t, 'a', 2999);
	t[2999] = '\0';
	expect_bad(t, "too long");
	free(t);
}

static void test_load_missing_is_defaults(void **state)
{
	struct aem_config c;
	char err[128] = "";

	(void)state;
	assert_int_equal(aem_config_load("/nonexistent/aem.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.pcrs_tpm2, BIT(13) | BIT(17) | BIT(18));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_all),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_load_missing_is_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

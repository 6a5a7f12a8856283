/* Unit tests of aem/lifecycle/luks.c against the cryptsetup CLI as the oracle: the
 * digest must equal sha256sum / sha1sum of `cryptsetup luksHeaderBackup`
 * of the same image, for LUKS2 and LUKS1 (skipped without cryptsetup). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"
#include "luks.h"

static void need_cryptsetup(void)
{
	if (system("command -v cryptsetup >/dev/null 2>&1"))
		fail_msg("cryptsetup is missing: run scripts/install-deps");
}

static void format(const char *img, const char *type)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "rm -f %s && truncate -s 20M %s && printf pw | cryptsetup luksFormat -q --type %s "
		 "--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - %s >/dev/null 2>&1",
		 img, img, type, img);
	assert_int_equal(system(cmd), 0);
}

/* The oracle: hex digest of the CLI's header backup. */
static void cli_digest(const char *img, const char *sum, char *hex, size_t len)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "rm -f hb.bin && cryptsetup luksHeaderBackup %s --header-backup-file hb.bin && "
		 "%s hb.bin | cut -d' ' -f1 && rm -f hb.bin", img, sum);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(hex, (int)len, p));
	pclose(p);
	hex[strcspn(hex, "\n")] = '\0';
}

static void check(const char *type)
{
	uint8_t d[AEM_MAX_DIGEST];
	char want[200], got[2 * AEM_MAX_DIGEST + 1];

	need_cryptsetup();
	format("l.img", type);
	cli_digest("l.img", "sha256sum", want, sizeof(want));
	assert_int_equal(aem_luks_header_hash("l.img", AEM_BANK_SHA256, ".", d), 0);
	assert_string_equal(aem_hex(d, 32, got), want);
	cli_digest("l.img", "sha1sum", want, sizeof(want));
	assert_int_equal(aem_luks_header_hash("l.img", AEM_BANK_SHA1, NULL, d), 0);
	assert_string_equal(aem_hex(d, 20, got), want);
	unlink("l.img");
}

static void test_luks2(void **state)
{
	(void)state;
	check("luks2");
}

static void test_luks1(void **state)
{
	(void)state;
	check("luks1");
}

/* Any header change (here: a new keyslot) changes the digest. */
static void test_header_change(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	need_cryptsetup();
	format("l.img", "luks2");
	assert_int_equal(aem_luks_header_hash("l.img", AEM_BANK_SHA256, ".", a), 0);
	assert_int_equal(system("printf pw > k1 && printf pw2 > k2 && cryptsetup luksAddKey -q "
				"--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file k1 l.img k2 "
				">/dev/null 2>&1"), 0);
	assert_int_equal(aem_luks_header_hash("l.img", AEM_BANK_SHA256, ".", b), 0);
	assert_memory_not_equal(a, b, 32);
	unlink("l.img"), unlink("k1"), unlink("k2");
}

static void test_errors(void **state)
{
	uint8_t d[AEM_MAX_DIGEST];
	FILE *f;

	(void)state;
	f = fopen("plain.img", "w");
	assert_non_null(f);
	for (int i = 0; i < 8192; i++)
		fputc(i & 0xff, f);
	fclose(f);
	assert_int_equal(aem_luks_header_hash("plain.img", AEM_BANK_SHA256, ".", d), AEM_E_FORMAT);
	assert_int_equal(aem_luks_header_hash("missing.img", AEM_BANK_SHA256, ".", d), AEM_E_IO);
	assert_int_equal(aem_luks_header_hash("plain.img", AEM_BANK_NONE, ".", d), AEM_E_INVAL);
	assert_int_equal(aem_luks_header_hash("plain.img", AEM_BANK_SHA256, "/nonexistent-dir", d),
			 AEM_E_IO);
	/* Nothing left behind in the temporary directory. */
	assert_int_equal(system("! ls -d aem-luks.* >/dev/null 2>&1"), 0);
	unlink("plain.img");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_luks2),
		cmocka_unit_test(test_luks1),
		cmocka_unit_test(test_header_change),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

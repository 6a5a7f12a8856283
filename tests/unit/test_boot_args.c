/* Unit tests of aem/lifecycle/boot_args.c: the kernel command line as the boot path
 * reads it (hand-written command lines; the expected values are the inputs). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "boot_args.h"
#include "err.h"

#define U1 "95ae3d62-72a9-4616-a294-eb605c4ff92c"
#define U2 "0a1c3c2e-8d7f-4b2a-9e0f-112233445566"

static int parse(const char *s, struct aem_boot_args *a)
{
	return aem_boot_args_parse(s, strlen(s), a);
}

static void test_typical(void **state)
{
	struct aem_boot_args a;

	(void)state;
	assert_int_equal(parse("BOOT_IMAGE=/vmlinuz root=/dev/mapper/qubes_dom0-root ro "
			       "rd.luks.uuid=luks-" U1 " rd.luks.uuid=" U2 " aem.uuid=" U2
			       " aem.usb=46f4:0001:ABC quiet\n", &a), 0);
	assert_string_equal(a.media_uuid, U2);
	assert_int_equal(a.nluks, 2);
	assert_string_equal(a.luks[0], U1);
	assert_string_equal(a.luks[1], U2);
	assert_string_equal(a.usb, "46f4:0001:ABC");
	assert_int_equal(a.timeout_s, AEM_BOOT_DEFAULT_TIMEOUT);
}

static void test_absent_quoted_timeout(void **state)
{
	struct aem_boot_args a;

	(void)state;
	assert_int_equal(parse("ro quiet rd.luks=0 aem.uuidx=1 xaem.uuid=2", &a), 0);
	assert_string_equal(a.media_uuid, "");
	assert_int_equal(a.nluks, 0);
	assert_string_equal(a.usb, "");
	assert_int_equal(parse("aem.usb=\"46f4:0001:A B\" aem.timeout=5", &a), 0);
	assert_string_equal(a.usb, "46f4:0001:A B");
	assert_int_equal(a.timeout_s, 5);
	assert_int_equal(parse("", &a), 0);
	/* The length bounds the parse: no NUL needed, nothing after it read. */
	const char *s = "aem.uuid=" U1 "JUNK";
	assert_int_equal(aem_boot_args_parse(s, strlen(s) - 4, &a), 0);
	assert_string_equal(a.media_uuid, U1);
}

static void test_rejects(void **state)
{
	struct aem_boot_args a;
	char many[2048] = "";

	(void)state;
	assert_int_equal(parse("aem.uuid=1234", &a), AEM_E_FORMAT);
	assert_int_equal(parse("aem.uuid=95ae3d62x72a9-4616-a294-eb605c4ff92c", &a), AEM_E_FORMAT);
	assert_int_equal(parse("rd.luks.uuid=luks-zzzzzzzz-72a9-4616-a294-eb605c4ff92c", &a),
			 AEM_E_FORMAT);
	assert_int_equal(parse("aem.timeout=0", &a), AEM_E_FORMAT);
	assert_int_equal(parse("aem.timeout=9999", &a), AEM_E_FORMAT);
	assert_int_equal(parse("aem.timeout=5s", &a), AEM_E_FORMAT);
	assert_int_equal(parse("aem.timeout=", &a), AEM_E_FORMAT);
	for (int i = 0; i <= AEM_BOOT_MAX_LUKS; i++)
		strcat(many, "rd.luks.uuid=" U1 " ");
	assert_int_equal(parse(many, &a), AEM_E_FORMAT);
	assert_int_equal(aem_boot_args_parse(NULL, 0, &a), AEM_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_typical),
		cmocka_unit_test(test_absent_quoted_timeout),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

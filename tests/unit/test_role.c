/* Unit tests of the role vocabulary (aem/launch/role.c): the names documents and
 * messages carry are the ones written before the vocabulary had one home, and every
 * name reads back to its role; anything else is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "role.h"
#include "evlog.h"
#include "err.h"

static void test_names(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(aem_role_name(AEM_ROLE_MLE, -1, AEM_EV_MLE_HASH, buf, sizeof(buf)),
			    "MLE hash");
	assert_string_equal(aem_role_name(AEM_ROLE_POLICY, -1, AEM_EV_TBOOT, buf, sizeof(buf)),
			    "tboot policy");
	assert_string_equal(aem_role_name(AEM_ROLE_MODULE, 2, AEM_EV_TBOOT, buf, sizeof(buf)),
			    "module 2");
	assert_string_equal(aem_role_name(AEM_ROLE_SKIPPED, -1, 0, buf, sizeof(buf)),
			    "skipped (SINIT/LCP data)");
	assert_string_equal(aem_role_name(AEM_ROLE_SINIT, -1, 0x410, buf, sizeof(buf)),
			    "SINIT SINIT_PUBKEY_HASH");
	assert_string_equal(aem_role_name(AEM_ROLE_SINIT, -1, 0x4a0, buf, sizeof(buf)),
			    "SINIT SINIT_EVENT");
	assert_string_equal(aem_role_name(AEM_ROLE_MB_MODULE, 1, 0x502, buf, sizeof(buf)),
			    "MB module 1");
	assert_string_equal(aem_role_name(AEM_ROLE_MODSTR, 2, 0x502, buf, sizeof(buf)),
			    "module string 2");
	assert_string_equal(aem_role_name(AEM_ROLE_MBI, -1, 0x502, buf, sizeof(buf)),
			    "multiboot2 information");
	assert_string_equal(aem_role_name(AEM_ROLE_DLME, -1, 0x502, buf, sizeof(buf)), "DLME (Xen)");
	assert_string_equal(aem_role_name(AEM_ROLE_NONE, -1, 0, buf, sizeof(buf)), "");
	assert_string_equal(aem_role_name(AEM_ROLE_COUNT, -1, 0, buf, sizeof(buf)), "");
	/* truncated like snprintf, never overrun */
	assert_string_equal(aem_role_name(AEM_ROLE_MLE, -1, 0, buf, 4), "MLE");
}

static int numbered(enum aem_role role)
{
	return role == AEM_ROLE_MODULE || role == AEM_ROLE_MODSTR || role == AEM_ROLE_MB_MODULE;
}

static void roundtrip(enum aem_role role, int index, uint32_t type)
{
	char buf[64];
	enum aem_role r = AEM_ROLE_NONE;
	int i = 12345;

	aem_role_name(role, index, type, buf, sizeof(buf));
	assert_int_equal(aem_role_parse(buf, &r, &i), 0);
	assert_int_equal(r, role);
	/* SINIT's names give no index (the type is the document's "type") */
	assert_int_equal(i, numbered(role) ? index : -1);
}

/* Every role with a name, every module number form and SINIT event type reads back. */
static void test_roundtrip(void **state)
{
	static const int modules[] = { 0, 1, 9, 10, 31, 100, 2147483647 };
	static const uint32_t types[] = { 0x0, 0x5, 0x400, 0x402, 0x404, 0x410, 0x41a, 0x4a0,
					  0x4ff, 0x501, 0x12345 };

	(void)state;
	for (int role = AEM_ROLE_NONE + 1; role < AEM_ROLE_COUNT; role++) {
		if (numbered((enum aem_role)role))
			for (size_t k = 0; k < sizeof(modules) / sizeof(modules[0]); k++)
				roundtrip((enum aem_role)role, modules[k], AEM_EV_TBOOT);
		else if (role == AEM_ROLE_SINIT)
			for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
				roundtrip(AEM_ROLE_SINIT, -1, types[k]);
		else
			roundtrip((enum aem_role)role, -1, 0);
	}
}

static void test_junk(void **state)
{
	static const char *const junk[] = {
		"", "module -1", "module x", "MLE hashx", "module", "module ", "module 2x",
		"module +2", "module 02", "module  2", " module 2", "module 2 (initrd.img)",
		"module 2147483648", "module 99999999999999999999", "MLE hash ", "mle hash",
		"tboot policy\n", "tboot", "SINIT", "SINIT ", "SINIT_PUBKEY_HASH", "SINIT hash",
		"SINIT MLE HASH", "skipped", "TBOOT", "MLE_HASH",
		/* TrenchBoot's */
		"MB module", "MB module 01", "MB module -1", "mb module 1", "module string",
		"module string x", "module string 1 ", "DLME", "SKINIT", "SLRT info",
	};
	enum aem_role r = AEM_ROLE_MLE;
	int i = 7;

	(void)state;
	for (size_t k = 0; k < sizeof(junk) / sizeof(junk[0]); k++) {
		if (aem_role_parse(junk[k], &r, &i) != AEM_E_FORMAT)
			fail_msg("accepted \"%s\"", junk[k]);
	}
	assert_int_equal(aem_role_parse(NULL, &r, &i), AEM_E_FORMAT);
	assert_int_equal(r, AEM_ROLE_MLE);  /* untouched on refusal */
	assert_int_equal(i, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of aem/doctor/acm.c with synthetic SINIT ACMs laid out byte by byte from
 * the structures in tboot's include/txt/acmod.h (acm_hdr_t: header_len at 4,
 * module_vendor at 16, date at 20, size in dwords at 24, scratch_size at 124;
 * info table at (header_len + scratch_size) * 4 with the ACM_UUID_V3, type at
 * +16, version at +17, chipset_id_list offset at +20; list = u32 count then
 * 16-byte {flags, vendor, device, revision, reserved, extended} entries). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "acm.h"
#include "err.h"

#define INFO 1216u
#define LIST (INFO + 48u)

static uint8_t acm[2048];

static void put(size_t off, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		acm[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static const uint8_t uuid[16] = { 0xaa, 0x3a, 0xc0, 0x7f, 0xa7, 0x46, 0xdb, 0x18,
				  0x2e, 0xac, 0x69, 0x8f, 0x8d, 0x41, 0x7f, 0x5a };

/* Two entries: 8086:0154 revision mask 0x0c (flags bit 0), 8086:0104 revision 9. */
static size_t build(void)
{
	size_t size = LIST + 4 + 2 * 16;

	memset(acm, 0, sizeof(acm));
	put(0, 2, 2);             /* module_type: chipset */
	put(4, 161, 4);           /* header_len (dwords) */
	put(14, 0x8000, 2);       /* flags: debug signed */
	put(16, 0x8086, 4);
	put(20, 0x20190708, 4);
	put(24, (uint32_t)size / 4, 4);
	put(124, 143, 4);         /* scratch_size (dwords) */
	memcpy(acm + INFO, uuid, 16);
	put(INFO + 16, 1, 1);     /* SINIT */
	put(INFO + 17, 5, 1);
	put(INFO + 20, LIST, 4);
	put(LIST, 2, 4);
	put(LIST + 4, 1, 4);
	put(LIST + 8, 0x8086, 2);
	put(LIST + 10, 0x0154, 2);
	put(LIST + 12, 0x000c, 2);
	put(LIST + 20, 0, 4);
	put(LIST + 24, 0x8086, 2);
	put(LIST + 26, 0x0104, 2);
	put(LIST + 28, 0x0009, 2);
	return size;
}

static uint64_t didvid(uint16_t v, uint16_t d, uint16_t r)
{
	return v | (uint64_t)d << 16 | (uint64_t)r << 32;
}

static void test_good(void **state)
{
	struct aem_acm a;
	char date[16];
	size_t n = build();

	(void)state;
	assert_int_equal(aem_acm_parse(acm, n, &a), 0);
	assert_true(aem_acm_is_sinit(&a));
	assert_true(a.debug_signed);
	assert_int_equal(a.size, n);
	assert_int_equal(a.info_version, 5);
	assert_int_equal(a.nids, 2);
	assert_int_equal(a.ids[0].device, 0x0154);
	assert_string_equal(aem_acm_date(&a, date, sizeof(date)), "2019-07-08");
	/* mask entry: revision 0x09 shares bit 3 with 0x0c; 0x03 shares none */
	assert_true(aem_acm_matches(&a, didvid(0x8086, 0x0154, 0x09)));
	assert_false(aem_acm_matches(&a, didvid(0x8086, 0x0154, 0x03)));
	/* exact entry: only revision 9 */
	assert_true(aem_acm_matches(&a, didvid(0x8086, 0x0104, 0x09)));
	assert_false(aem_acm_matches(&a, didvid(0x8086, 0x0104, 0x08)));
	assert_false(aem_acm_matches(&a, didvid(0x8086, 0x0155, 0x09)));
	assert_false(aem_acm_matches(&a, didvid(0x1022, 0x0154, 0x09)));
	/* a file padded past the module is fine: the module size rules */
	assert_int_equal(aem_acm_parse(acm, n + 64, &a), 0);
}

static void test_malformed(void **state)
{
	struct aem_acm a;
	size_t n = build();

	(void)state;
	assert_int_equal(aem_acm_parse(acm, n - 4, &a), AEM_E_FORMAT);  /* shorter than size */
	assert_int_equal(aem_acm_parse(acm, 100, &a), AEM_E_FORMAT);
	assert_int_equal(aem_acm_parse(NULL, 0, &a), AEM_E_FORMAT);
	build(); put(16, 0x1022, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* vendor */
	build(); put(0, 1, 2);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* module type */
	build(); acm[INFO + 3] ^= 1;
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* UUID */
	build(); put(INFO + 17, 2, 1);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* info version < 3 */
	build(); put(LIST, 0x10000000, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* count past the end */
	build(); put(LIST, 3, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* one entry too many */
	build(); put(INFO + 20, 0xfffffffe, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* list offset */
	build(); put(124, 0xfffffff0, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* scratch overflow */
	build(); put(24, 10, 4);
	assert_int_equal(aem_acm_parse(acm, n, &a), AEM_E_FORMAT);    /* size below header */
	build(); put(INFO + 16, 0, 1);
	assert_int_equal(aem_acm_parse(acm, n, &a), 0);
	assert_false(aem_acm_is_sinit(&a));                                /* a BIOS ACM */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

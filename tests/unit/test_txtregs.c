/* Unit tests of aem/platform/txtregs.c: register snapshots are written byte by byte at
 * the offsets of the Intel TXT Software Development Guide; expected decodings
 * are worked out by hand from the documented bit layout. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "txtregs.h"

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static void test_parse(void **state)
{
	static uint8_t snap[0x1000];
	struct aem_txt_regs r;
	struct aem_txt_didvid id;

	(void)state;
	memset(snap, 0, sizeof(snap));
	put64(snap, 0x000, 0x10041);             /* SENTER.DONE, MEM-CONFIG-LOCK, LOCALITY2 */
	put64(snap, 0x008, 0x1);                 /* TXT_RESET.STS */
	put64(snap, 0x030, 0xc0000001);
	put64(snap, 0x110, 0x0003000901548086ull);
	put64(snap, 0x300, 0xbff20000);
	put64(snap, 0x308, 0xe0000);
	assert_int_equal(aem_txt_parse(snap, sizeof(snap), &r), 0);
	assert_false(r.absent);
	assert_int_equal(r.sts, 0x10041);
	assert_int_equal(r.ests & AEM_TXT_ESTS_RESET, 1);
	assert_int_equal(r.heap_base, 0xbff20000);
	assert_int_equal(r.heap_size, 0xe0000);
	aem_txt_didvid_split(r.didvid, &id);
	assert_int_equal(id.vendor, 0x8086);
	assert_int_equal(id.device, 0x0154);
	assert_int_equal(id.revision, 0x0009);
	assert_int_equal(id.extended, 0x0003);
	memset(snap, 0xff, sizeof(snap));
	assert_int_equal(aem_txt_parse(snap, sizeof(snap), &r), 0);
	assert_true(r.absent);
	assert_int_equal(aem_txt_parse(snap, 0x8f7, &r), AEM_E_FORMAT);
	assert_int_equal(aem_txt_parse(NULL, 0, &r), AEM_E_FORMAT);
}

static void test_errorcode(void **state)
{
	struct aem_txt_error e;
	char buf[200];

	(void)state;
	/* 0xC0020441: bit31 valid, bit30 external, bit15 0 (ACM), minor (29:16) 0x002,
	 * major (14:10) 0x01, class (9:4) 0x04, module type (3:0) 1 = SINIT. */
	aem_txt_error_decode(0xc0020441, &e);
	assert_true(e.valid && e.external && e.from_acm && e.failure);
	assert_int_equal(e.module_type, 1);
	assert_int_equal(e.class_code, 0x04);
	assert_int_equal(e.major, 0x01);
	assert_int_equal(e.minor, 0x002);
	assert_string_equal(aem_txt_error_describe(0xc0020441, buf, sizeof(buf)),
			    "last launch failed: SINIT ACM error class 0x04 major 0x01 minor 0x002 (raw 0xc0020441)");
	/* 0xC0000001: what SINIT leaves after a good launch. */
	aem_txt_error_decode(0xc0000001, &e);
	assert_false(e.failure);
	assert_string_equal(aem_txt_error_describe(0xc0000001, buf, sizeof(buf)),
			    "last launch succeeded (raw 0xc0000001)");
	/* 0x80000007: valid, processor error type 7 (ACM authentication failed). */
	aem_txt_error_decode(0x80000007, &e);
	assert_true(e.failure);
	assert_false(e.external);
	assert_int_equal(e.proc_type, 7);
	assert_non_null(strstr(aem_txt_error_describe(0x80000007, buf, sizeof(buf)), "authentication failed"));
	/* 0xC0008000: external with bit 15 set: not from an ACM. */
	aem_txt_error_decode(0xc0008000, &e);
	assert_true(e.failure);
	assert_false(e.from_acm);
	aem_txt_error_decode(0, &e);
	assert_false(e.valid || e.failure);
	assert_string_equal(aem_txt_error_describe(0, buf, sizeof(buf)), "no error recorded (raw 0x00000000)");
}

static void test_sts_words(void **state)
{
	char buf[120];

	(void)state;
	assert_string_equal(aem_txt_sts_describe(0x10041, buf, sizeof(buf)),
			    "senter-done mem-config-lock locality2-open");
	assert_string_equal(aem_txt_sts_describe(0, buf, sizeof(buf)), "none");
	assert_string_equal(aem_txt_sts_describe(0x10041, buf, 12), "senter-done");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errorcode),
		cmocka_unit_test(test_sts_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

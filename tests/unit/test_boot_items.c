/* Unit tests of the bundle items the boot program reads: the totp item
 * (secret-display/totp_item.c; the bytes built by hand from the layout in
 * docs/totp.md), the display selection of aem.conf (aem/lifecycle/config.c), and what
 * aem-boot takes out of a bundle (initramfs-hooks/aem-boot/boot_secret.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "boot_secret.h"
#include "config.h"
#include "disp_err.h"
#include "err.h"
#include "fileio.h"
#include "pwbox.h"
#include "totp_item.h"

/* "\x89AEMTKEY" | 1 | alg 2 (SHA-256) | 8 digits | key length 20 | period 60 | key 01..14 */
static const uint8_t item_sha256[] = {
	0x89, 'A', 'E', 'M', 'T', 'K', 'E', 'Y', 1, 2, 8, 20, 0, 0, 0, 60,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
};

static void test_item_by_hand(void **state)
{
	struct aem_disp_totp_item it;
	uint8_t out[AEM_DISP_TOTP_ITEM_MAX];
	size_t n;

	(void)state;
	assert_int_equal(aem_disp_totp_item_parse(item_sha256, sizeof(item_sha256), &it), 0);
	assert_int_equal(it.alg, AEM_DISP_OTP_SHA256);
	assert_int_equal(it.digits, 8);
	assert_int_equal(it.period, 60);
	assert_int_equal(it.key_len, 20);
	assert_ptr_equal(it.key, item_sha256 + 16);
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), 0);
	assert_int_equal(n, sizeof(item_sha256));
	assert_memory_equal(out, item_sha256, n);
}

static void expect_bad(const uint8_t *buf, size_t len)
{
	struct aem_disp_totp_item it;

	assert_int_equal(aem_disp_totp_item_parse(buf, len, &it), AEM_DISP_E_FORMAT);
}

static void test_item_malformed(void **state)
{
	uint8_t b[AEM_DISP_TOTP_ITEM_MAX + 1];
	static const struct { size_t off; uint8_t v; } bad[] = {
		{ 0, 0x88 }, { 7, 'P' }, { 8, 0 }, { 8, 2 }, { 9, 0 }, { 9, 4 }, { 10, 5 },
		{ 10, 9 }, { 11, 0 }, { 11, 19 }, { 11, 21 }, { 12, 1 }, /* period 2^24 + 60 */
	};

	(void)state;
	for (size_t len = 0; len < sizeof(item_sha256); len++)
		expect_bad(item_sha256, len); /* every truncation: the key length says */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b, item_sha256, sizeof(item_sha256));
		b[bad[i].off] = bad[i].v;
		expect_bad(b, sizeof(item_sha256));
	}
	memcpy(b, item_sha256, 16);
	b[15] = 0; /* period 0 */
	expect_bad(b, sizeof(item_sha256));
	b[13] = 0x01, b[14] = 0x51, b[15] = 0x81; /* 86401 */
	expect_bad(b, sizeof(item_sha256));
	b[15] = 0x80; /* 86400: the largest period */
	memset(b + 16, 0xab, AEM_DISP_OTP_KEY_MAX + 1);
	b[11] = AEM_DISP_OTP_KEY_MAX + 1;
	expect_bad(b, AEM_DISP_TOTP_ITEM_MAX + 1); /* a 65-byte key */
	b[11] = AEM_DISP_OTP_KEY_MAX;
	{
		struct aem_disp_totp_item it;

		assert_int_equal(aem_disp_totp_item_parse(b, AEM_DISP_TOTP_ITEM_MAX, &it), 0);
		assert_int_equal(it.period, 86400);
		assert_int_equal(it.key_len, AEM_DISP_OTP_KEY_MAX);
	}
	expect_bad(NULL, 0);
}

static void test_item_build_refuses(void **state)
{
	static const uint8_t key[65] = { 1 };
	struct aem_disp_totp_item it = { AEM_DISP_OTP_SHA1, 6, 30, key, 20 };
	uint8_t out[AEM_DISP_TOTP_ITEM_MAX];
	size_t n = 99;

	(void)state;
	it.key_len = 0;
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), AEM_DISP_E_INVAL);
	assert_int_equal(n, 0);
	it.key_len = 65;
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), AEM_DISP_E_INVAL);
	it.key_len = 20, it.digits = 9;
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), AEM_DISP_E_INVAL);
	it.digits = 6, it.period = 0;
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), AEM_DISP_E_INVAL);
	it.period = 30, it.alg = (enum aem_disp_otp_alg)7;
	assert_int_equal(aem_disp_totp_item_build(&it, out, &n), AEM_DISP_E_INVAL);
}

static void test_display_wants(void **state)
{
	(void)state;
	for (int d = AEM_DISPLAY_AUTO; d <= AEM_DISPLAY_BOTH; d++)
		assert_true(aem_display_wants((enum aem_display)d, "luks-key"));
	assert_true(aem_display_wants(AEM_DISPLAY_AUTO, "totp"));
	assert_true(aem_display_wants(AEM_DISPLAY_AUTO, "secret"));
	assert_false(aem_display_wants(AEM_DISPLAY_TEXT, "totp"));
	assert_true(aem_display_wants(AEM_DISPLAY_TEXT, "secret"));
	assert_true(aem_display_wants(AEM_DISPLAY_TOTP, "totp"));
	assert_false(aem_display_wants(AEM_DISPLAY_TOTP, "secret"));
	assert_true(aem_display_wants(AEM_DISPLAY_BOTH, "totp"));
	assert_true(aem_display_wants(AEM_DISPLAY_BOTH, "motto"));
}

static void test_display_check(void **state)
{
	static const char *const text[] = { "secret" }, *const totp[] = { "totp" },
				 *const all[] = { "luks-key", "secret", "totp" },
				 *const key[] = { "luks-key" };

	(void)state;
	assert_null(aem_display_check(AEM_DISPLAY_AUTO, text, 1));
	assert_null(aem_display_check(AEM_DISPLAY_AUTO, totp, 1));
	assert_null(aem_display_check(AEM_DISPLAY_BOTH, all, 3));
	assert_null(aem_display_check(AEM_DISPLAY_TEXT, text, 1));
	assert_null(aem_display_check(AEM_DISPLAY_TOTP, totp, 1));
	assert_non_null(strstr(aem_display_check(AEM_DISPLAY_TOTP, text, 1), "aem totp init"));
	assert_non_null(strstr(aem_display_check(AEM_DISPLAY_BOTH, text, 1), "aem totp init"));
	assert_non_null(strstr(aem_display_check(AEM_DISPLAY_TEXT, totp, 1), "aem secret set"));
	assert_non_null(strstr(aem_display_check(AEM_DISPLAY_BOTH, totp, 1), "aem secret set"));
	assert_non_null(strstr(aem_display_check(AEM_DISPLAY_AUTO, key, 1), "nothing to show"));
	assert_non_null(aem_display_check(AEM_DISPLAY_AUTO, NULL, 0));
}

static struct aem_boot_secret sec;

static void add(struct aem_bundle *b, const char *name, const void *data, size_t len)
{
	snprintf(b->item[b->n].name, sizeof(b->item[b->n].name), "%s", name);
	b->item[b->n].data = data;
	b->item[b->n].len = len;
	b->n++;
}

static void test_take_text(void **state)
{
	struct aem_bundle b = { 0 };
	const char *why = NULL;

	(void)state;
	add(&b, "secret", "a sentence\n", 11);
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), 0);
	assert_string_equal(sec.text, "a sentence");
	assert_false(sec.has_totp);
	assert_int_equal(sec.box_len, 0);
	/* several texts: "name: value" lines, in bundle order; controls as '?' */
	add(&b, "motto", "x\0y\033[2Jz", 8);
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), 0);
	assert_string_equal(sec.text, "secret: a sentence\nmotto: x?y?[2Jz");
	aem_boot_secret_wipe(&sec);
	assert_int_equal(sec.text[0], 0);
}

static void test_take_all(void **state)
{
	struct aem_bundle b = { 0 };
	uint8_t box[AEM_BOOT_BOX_LEN], *real = NULL;
	size_t real_len = 0;
	const char *why = NULL;

	(void)state;
	memset(box, 0x5a, sizeof(box));
	assert_int_equal(aem_pwbox_seal_kdf("pw", 2, 10, 1, 1, box, AEM_MFA_KEY_LEN, &real,
					    &real_len), 0);
	assert_int_equal(real_len, AEM_BOOT_BOX_LEN);
	add(&b, "luks-key", real, real_len);
	add(&b, "secret", "shown", 5);
	add(&b, "totp", item_sha256, sizeof(item_sha256));
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), 0);
	assert_string_equal(sec.text, "shown"); /* one text item: no name */
	assert_true(sec.has_totp);
	assert_int_equal(sec.alg, AEM_DISP_OTP_SHA256);
	assert_int_equal(sec.digits, 8);
	assert_int_equal(sec.period, 60);
	assert_int_equal(sec.key.len, 20);
	assert_memory_equal(sec.key.key, item_sha256 + 16, 20);
	assert_int_equal(sec.box_len, real_len);
	assert_memory_equal(sec.box, real, real_len);
	aem_boot_secret_wipe(&sec);
	assert_int_equal(sec.key.len, 0);
	assert_int_equal(sec.box[0], 0);

	/* a box that does not hold 64 bytes, or is no box: nothing is shown */
	b.item[0].len = real_len - 1;
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), AEM_E_FORMAT);
	assert_non_null(strstr(why, "luks-key"));
	b.item[0].data = box;
	b.item[0].len = sizeof(box);
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), AEM_E_FORMAT);
	aem_buf_free(real, real_len);
	aem_boot_secret_wipe(&sec);
}

static void test_take_bad_totp(void **state)
{
	struct aem_bundle b = { 0 };
	const char *why = NULL;

	(void)state;
	add(&b, "totp", item_sha256, 16);
	assert_int_equal(aem_boot_secret_take(&b, &sec, &why), AEM_E_FORMAT);
	assert_non_null(strstr(why, "totp"));
	assert_false(sec.has_totp);
	aem_boot_secret_wipe(&sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_by_hand),     cmocka_unit_test(test_item_malformed),
		cmocka_unit_test(test_item_build_refuses), cmocka_unit_test(test_display_wants),
		cmocka_unit_test(test_display_check),    cmocka_unit_test(test_take_text),
		cmocka_unit_test(test_take_all),         cmocka_unit_test(test_take_bad_totp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

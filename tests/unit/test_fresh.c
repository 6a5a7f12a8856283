/* Unit tests of the freshness slots and the sealed bundle (aem/lifecycle/fresh.c). The
 * token hash vector is SHA-256 of 32 zero bytes as printed by coreutils'
 * sha256sum; the byte layouts are written out by hand from docs/lifecycle.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fresh.h"
#include "err.h"
#include "fileio.h"
#include "pcr.h"

/* sha256sum of 32 zero bytes */
static const char zero_hash[] = "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925";

static void test_token_hash_vector(void **state)
{
	uint8_t tok[32] = { 0 }, h[32];
	char hex[65];

	(void)state;
	assert_int_equal(aem_fresh_token_hash(tok, h), 0);
	assert_string_equal(aem_hex(h, 32, hex), zero_hash);
}

static void test_slot_layout(void **state)
{
	uint8_t tok[32] = { 0 }, out[AEM_FRESH_NV_SIZE], want[AEM_FRESH_NV_SIZE] = { 0 };
	struct aem_fresh_slot s, back;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(aem_fresh_set_next(&s, tok), 0);
	aem_fresh_slot_serialize(&s, out);
	memcpy(want, "AEMF\x01\x04\x00\x00", 8);           /* version 1, flag NEXT */
	assert_int_equal(aem_unhex(zero_hash, want + 8 + 32, 32), 0);
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(aem_fresh_slot_parse(out, sizeof(out), &back), 0);
	assert_false(back.has_cur);
	assert_true(back.has_next);
	assert_int_equal(aem_fresh_match(&back, tok), AEM_FRESH_NEXT);
}

static void test_rotate(void **state)
{
	uint8_t t1[32], t2[32], t3[32];
	struct aem_fresh_slot s;

	(void)state;
	memset(t1, 1, 32);
	memset(t2, 2, 32);
	memset(t3, 3, 32);
	memset(&s, 0, sizeof(s));
	assert_int_equal(aem_fresh_match(&s, t1), AEM_FRESH_NONE);
	aem_fresh_set_next(&s, t1);
	/* boot with the pending bundle: it becomes current, pending is dropped */
	assert_int_equal(aem_fresh_rotate(&s, AEM_FRESH_NEXT, t2), 0);
	assert_int_equal(aem_fresh_match(&s, t1), AEM_FRESH_NONE);
	assert_int_equal(aem_fresh_match(&s, t2), AEM_FRESH_CUR);
	assert_false(s.has_next);
	/* an update is pending; a boot with the current one keeps it */
	aem_fresh_set_next(&s, t3);
	assert_int_equal(aem_fresh_rotate(&s, AEM_FRESH_CUR, t1), 0);
	assert_int_equal(aem_fresh_match(&s, t2), AEM_FRESH_NONE);
	assert_int_equal(aem_fresh_match(&s, t1), AEM_FRESH_CUR);
	assert_int_equal(aem_fresh_match(&s, t3), AEM_FRESH_NEXT);
	assert_int_equal(aem_fresh_rotate(&s, AEM_FRESH_NONE, t2), AEM_E_INVAL);
	aem_fresh_revoke(&s);
	assert_int_equal(aem_fresh_match(&s, t1), AEM_FRESH_NONE);
	assert_int_equal(aem_fresh_match(&s, t3), AEM_FRESH_NONE);
	assert_int_equal(aem_fresh_rotate(&s, AEM_FRESH_CUR, t2), AEM_E_INVAL);
}

static void test_slot_malformed(void **state)
{
	uint8_t b[AEM_FRESH_NV_SIZE] = { 0 };
	struct aem_fresh_slot s;

	(void)state;
	memcpy(b, "AEMF\x01\x01", 6);
	assert_int_equal(aem_fresh_slot_parse(b, sizeof(b), &s), 0);
	assert_true(s.revoked);
	assert_int_equal(aem_fresh_slot_parse(b, sizeof(b) - 1, &s), AEM_E_FORMAT);
	b[5] = 0x08; /* unknown flag */
	assert_int_equal(aem_fresh_slot_parse(b, sizeof(b), &s), AEM_E_FORMAT);
	b[5] = 0;
	b[4] = 2;
	assert_int_equal(aem_fresh_slot_parse(b, sizeof(b), &s), AEM_E_FORMAT);
	b[4] = 1;
	b[0] = 'X';
	assert_int_equal(aem_fresh_slot_parse(b, sizeof(b), &s), AEM_E_FORMAT);
}

/* A bundle written out by hand: version 2, slot 3, token 0x11.., slot key
 * 0x22.., "secret"="hi", "totp"="" */
static const uint8_t hand[] = {
	'A', 'E', 'M', 'P', 2, 3, 2, 0,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	6, 's', 'e', 'c', 'r', 'e', 't', 2, 0, 0, 0, 'h', 'i',
	4, 't', 'o', 't', 'p', 0, 0, 0, 0,
};

static void test_bundle_hand(void **state)
{
	struct aem_bundle b;
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(aem_bundle_parse(hand, sizeof(hand), &b), 0);
	assert_int_equal(b.slot, 3);
	assert_int_equal(b.n, 2);
	assert_int_equal(b.slot_key[0], 0x22);
	assert_int_equal(b.slot_key[AEM_FRESH_KEY_LEN - 1], 0x22);
	assert_int_equal(b.token[AEM_FRESH_TOKEN_LEN - 1], 0x11);
	assert_non_null(aem_bundle_get(&b, "secret"));
	assert_int_equal(aem_bundle_get(&b, "secret")->len, 2);
	assert_memory_equal(aem_bundle_get(&b, "secret")->data, "hi", 2);
	assert_int_equal(aem_bundle_get(&b, "totp")->len, 0);
	assert_null(aem_bundle_get(&b, "nope"));
	assert_int_equal(aem_bundle_build(&b, &out, &len), 0);
	assert_int_equal(len, sizeof(hand));
	assert_memory_equal(out, hand, len);
	aem_buf_free(out, len);
}

static void test_bundle_malformed(void **state)
{
	uint8_t b[sizeof(hand) + 1];
	struct aem_bundle out;

	(void)state;
	for (size_t n = 0; n < sizeof(hand); n++)
		assert_int_not_equal(aem_bundle_parse(hand, n, &out), 0);
	memcpy(b, hand, sizeof(hand));
	b[sizeof(hand)] = 0;
	assert_int_equal(aem_bundle_parse(b, sizeof(hand) + 1, &out), AEM_E_FORMAT); /* trailing */
	b[4] = 3;
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), AEM_E_VERSION);
	b[4] = 1; /* version 1 had no slot key: reseal */
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), AEM_E_VERSION);
	memcpy(b, hand, sizeof(hand));
	b[5] = AEM_FRESH_SLOTS;
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), AEM_E_FORMAT);
	memcpy(b, hand, sizeof(hand));
	b[73] = 'S'; /* upper case name */
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), AEM_E_FORMAT);
	memcpy(b, hand, sizeof(hand));
	memcpy(b + 86, "secr", 4);
	b[85] = 4;
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), 0); /* "secr" != "secret" */
	memcpy(b + 79, "\x00\x00\x00\x00", 4); b[85] = 6; /* sizes now wrong: malformed */
	assert_int_not_equal(aem_bundle_parse(b, sizeof(hand), &out), 0);
	memcpy(b, hand, sizeof(hand));
	b[79] = 0xff; b[80] = 0xff; b[81] = 0xff; b[82] = 0x7f; /* length beyond the buffer */
	assert_int_equal(aem_bundle_parse(b, sizeof(hand), &out), AEM_E_FORMAT);
}

static void test_bundle_duplicate(void **state)
{
	struct aem_bundle b;
	uint8_t *out = NULL;
	size_t len = 0;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.n = 2;
	strcpy(b.item[0].name, "a");
	strcpy(b.item[1].name, "a");
	b.item[0].data = b.item[1].data = (const uint8_t *)"x";
	b.item[0].len = b.item[1].len = 1;
	assert_int_equal(aem_bundle_build(&b, &out, &len), 0);
	assert_int_equal(aem_bundle_parse(out, len, &b), AEM_E_FORMAT);
	aem_buf_free(out, len);
	assert_false(aem_bundle_name_ok(""));
	assert_false(aem_bundle_name_ok("a.b"));
	assert_true(aem_bundle_name_ok("totp_key-2"));
}

static void test_indexes(void **state)
{
	(void)state;
	/* TPM 2.0 owner-defined NV indexes: handle type 0x01 */
	assert_int_equal(aem_fresh_id_index(AEM_FAMILY_TPM20) >> 24, 0x01);
	assert_int_equal(aem_fresh_slot_index(AEM_FAMILY_TPM20, 0), 0x0100ae10u);
	assert_int_equal(aem_fresh_slot_index(AEM_FAMILY_TPM12, 15), 0x0000ae1fu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_hash_vector),
		cmocka_unit_test(test_slot_layout),
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_slot_malformed),
		cmocka_unit_test(test_bundle_hand),
		cmocka_unit_test(test_bundle_malformed),
		cmocka_unit_test(test_bundle_duplicate),
		cmocka_unit_test(test_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

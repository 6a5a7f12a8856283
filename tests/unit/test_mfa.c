/* Unit tests of the password box (aem/lifecycle/pwbox.c), the TOTP file format
 * (aem/lifecycle/totp_tpm.c), the multi-factor key file writer (aem/lifecycle/mfa.c) and the RTC
 * check. Malformed inputs are built by hand from the layouts in
 * docs/multifactor.md and docs/totp.md; the cryptographic round trip is
 * checked against an independent implementation in tests/totp (Python). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "runtime.h"
#include "err.h"
#include "family.h"
#include "fileio.h"
#include "mfa.h"
#include "pwbox.h"
#include "runtime.h"
#include "family.h"
#include "totp_tpm.h"

static const char pw[] = "correct horse";
static const uint8_t secret[] = "otpauth://totp/AEM:host?secret=GEZDGNBVGY3TQOJQ";

/* A box with cheap scrypt (2^10) so the tests stay fast. */
static void make_box(uint8_t **box, size_t *len)
{
	assert_int_equal(aem_pwbox_seal_kdf(pw, strlen(pw), 10, 1, 1, secret, sizeof(secret) - 1,
					    box, len), 0);
	assert_int_equal(*len, AEM_PWBOX_OVERHEAD + sizeof(secret) - 1);
}

static void test_pwbox_roundtrip(void **state)
{
	uint8_t *box, out[AEM_PWBOX_MAX_DATA];
	size_t len, n;
	struct aem_pwbox b;

	(void)state;
	make_box(&box, &len);
	assert_memory_equal(box, AEM_PWBOX_MAGIC, AEM_PWBOX_MAGIC_SIZE);
	assert_int_equal(aem_pwbox_parse(box, len, &b), 0);
	assert_int_equal(b.log2n, 10);
	assert_int_equal(b.ct_len, sizeof(secret) - 1);
	assert_int_equal(aem_pwbox_open(box, len, pw, strlen(pw), out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(secret) - 1);
	assert_memory_equal(out, secret, n);
	assert_int_equal(aem_pwbox_open(box, len, "correct horsE", 13, out, sizeof(out), &n),
			 AEM_TPM_E_AUTH);
	assert_int_equal(n, 0);
	assert_int_equal(aem_pwbox_open(box, len, pw, strlen(pw), out, 4, &n), AEM_E_INVAL);
	aem_buf_free(box, len);
}

/* Any changed byte: refused (format or authentication), never opened. */
static void test_pwbox_flips(void **state)
{
	uint8_t *box, out[AEM_PWBOX_MAX_DATA];
	size_t len, n;

	(void)state;
	make_box(&box, &len);
	for (size_t i = 0; i < len; i++) {
		box[i] ^= 0x01;
		assert_int_not_equal(aem_pwbox_open(box, len, pw, strlen(pw), out, sizeof(out), &n), 0);
		box[i] ^= 0x01;
	}
	aem_buf_free(box, len);
}

static void test_pwbox_malformed(void **state)
{
	uint8_t *box, *copy;
	size_t len;
	struct aem_pwbox b;

	(void)state;
	make_box(&box, &len);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_not_equal(aem_pwbox_parse(box, cut, &b), 0);
	assert_int_equal(aem_pwbox_parse(box, 3, &b), AEM_E_NOT_AEM);
	copy = malloc(len + 1);
	memcpy(copy, box, len);
	copy[len] = 0;
	assert_int_equal(aem_pwbox_parse(copy, len + 1, &b), AEM_E_FORMAT); /* trailing byte */
	copy[8] = 2;
	assert_int_equal(aem_pwbox_parse(copy, len, &b), AEM_E_VERSION);
	copy[8] = 1;
	const struct { size_t off; uint8_t v; } bad[] = {
		{ 9, 2 }, { 10, 9 }, { 10, 21 }, { 11, 0 }, { 11, 17 }, { 12, 0 }, { 12, 5 },
		{ 13, 1 }, { 10, 20 }, /* N = 2^20 with r = 1 is fine; see next */
	};
	for (size_t i = 0; i + 1 < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t keep = copy[bad[i].off];
		copy[bad[i].off] = bad[i].v;
		assert_int_equal(aem_pwbox_parse(copy, len, &b), AEM_E_FORMAT);
		copy[bad[i].off] = keep;
	}
	copy[10] = 20; /* 2^20 * r=16 would ask for 2 GiB: refused */
	copy[11] = 16;
	assert_int_equal(aem_pwbox_parse(copy, len, &b), AEM_E_FORMAT);
	copy[11] = 1;
	assert_int_equal(aem_pwbox_parse(copy, len, &b), 0);
	assert_int_equal(aem_pwbox_parse(NULL, 0, &b), AEM_E_NOT_AEM);
	free(copy);
	aem_buf_free(box, len);
	assert_int_equal(aem_pwbox_seal_kdf(pw, 0, 10, 1, 1, secret, 4, &box, &len), AEM_E_INVAL);
	assert_int_equal(aem_pwbox_seal_kdf(pw, 2, 9, 1, 1, secret, 4, &box, &len), AEM_E_INVAL);
	assert_int_equal(aem_pwbox_seal_kdf(pw, 2, 10, 1, 1, secret, 0, &box, &len), AEM_E_INVAL);
}

/* A TPM 2.0 HMAC-kind file around a hand-made sealed struct. */
static void fake_file(struct aem_totp_file *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = AEM_TOTP_TPM2_HMAC;
	f->alg = AEM_DISP_OTP_SHA256;
	f->digits = 8;
	f->period = 60;
	f->sealed.family = AEM_FAMILY_TPM20;
	f->sealed.expect.bank = AEM_BANK_SHA256;
	f->sealed.expect.mask = 1u << 17;
	f->sealed.policy_len = 32;
	f->sealed.blob_pub_len = 10;
	f->sealed.blob_priv_len = 12;
}

static void test_totp_file(void **state)
{
	struct aem_totp_file f, g;
	uint8_t *buf, *buf2;
	size_t len, len2;

	(void)state;
	fake_file(&f);
	assert_int_equal(aem_totp_file_serialize(&f, &buf, &len), 0);
	assert_memory_equal(buf, AEM_TOTP_MAGIC, AEM_TOTP_MAGIC_SIZE);
	assert_int_equal(buf[9], 1);  /* kind */
	assert_int_equal(buf[10], 2); /* sha256 */
	assert_int_equal(buf[11], 8);
	assert_int_equal(buf[15], 60);
	assert_int_equal(aem_totp_file_parse(buf, len, &g), 0);
	assert_int_equal(g.alg, AEM_DISP_OTP_SHA256);
	assert_int_equal(g.period, 60);
	assert_int_equal(aem_totp_file_serialize(&g, &buf2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	aem_totp_file_free(&g);
	free(buf2);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_not_equal(aem_totp_file_parse(buf, cut, &g), 0);
	const struct { size_t off; uint8_t v; int err; } bad[] = {
		{ 8, 2, AEM_E_VERSION }, { 9, 0, AEM_E_FORMAT }, { 9, 3, AEM_E_FORMAT },
		{ 10, 0, AEM_E_FORMAT }, { 10, 3, AEM_E_FORMAT }, /* sha512 on the TPM kind */
		{ 11, 5, AEM_E_FORMAT }, { 11, 9, AEM_E_FORMAT }, { 15, 0, AEM_E_FORMAT },
		{ 13, 2, AEM_E_FORMAT }, /* period over a day */
		{ 19, 0, AEM_E_FORMAT }, /* inner length */ { 20, 'X', AEM_E_FORMAT },
		{ 0, 'X', AEM_E_NOT_AEM },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t keep = buf[bad[i].off];
		buf[bad[i].off] = bad[i].v;
		assert_int_equal(aem_totp_file_parse(buf, len, &g), bad[i].err);
		buf[bad[i].off] = keep;
	}
	/* a key-kind file must carry a payload (the key); the HMAC kind none */
	f.kind = AEM_TOTP_SEALED_KEY;
	assert_int_equal(aem_totp_file_serialize(&f, &buf2, &len2), AEM_E_INVAL);
	free(buf);
}

static void test_keyfile(void **state)
{
	char dir[] = "/tmp/aem-mfa-XXXXXX", path[64];
	uint8_t key[AEM_MFA_KEY_LEN], back[AEM_MFA_KEY_LEN + 1];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k", dir);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(aem_mfa_write_keyfile(path, key), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0400);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, sizeof(back), f), AEM_MFA_KEY_LEN);
	fclose(f);
	assert_memory_equal(back, key, sizeof(key));
	assert_int_equal(aem_mfa_write_keyfile(path, key), AEM_E_IO); /* never replaced */
	unlink(path);
	rmdir(dir);
}

static void test_rtc(void **state)
{
	char dir[] = "/tmp/aem-rtc-XXXXXX", path[80];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(aem_rt_set_root(dir), 0);
	assert_int_equal(aem_rt_rtc_is_local(), 0); /* no /etc/adjtime: UTC */
	snprintf(path, sizeof(path), "%s/etc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/adjtime", dir);
	f = fopen(path, "w");
	fputs("0.000000 1700000000 0.000000\n1700000000\nLOCAL\n", f);
	fclose(f);
	assert_int_equal(aem_rt_rtc_is_local(), 1);
	f = fopen(path, "w");
	fputs("0.000000 1700000000 0.000000\n1700000000\nUTC\n", f);
	fclose(f);
	assert_int_equal(aem_rt_rtc_is_local(), 0);
	aem_rt_set_root(NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pwbox_roundtrip), cmocka_unit_test(test_pwbox_flips),
		cmocka_unit_test(test_pwbox_malformed), cmocka_unit_test(test_totp_file),
		cmocka_unit_test(test_keyfile), cmocka_unit_test(test_rtc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the TPM 1.2 backend's pure parts: TSS_RESULT -> AEM_TPM_E_*
 * (tpm12_rc.c), the offline digestAtRelease (tpm12_seal.c) and the sealed
 * blob reader (tpm12_blob.c). The numbers are written out from the TPM 1.2
 * spec part 2 (TPM_AUTHFAIL 0x01, TPM_DEACTIVATED 0x06, TPM_DISABLED 0x07,
 * TPM_NOSRK 0x12, TPM_WRONGPCRVAL 0x18, TPM_AUTH2FAIL 0x1d, non-fatal
 * 0x800 + 3 = TPM_DEFEND_LOCK_RUNNING) and the TSS 1.2 layer numbers (TSP
 * 0x3000, TCS 0x2000, TDDL 0x1000; TSS_E_COMM_FAILURE 0x011), not taken
 * from trousers' macros. Composite digests: openssl, see each vector. The
 * dictionary-attack answer (tpm12_da.c): bytes swtpm returned, and the
 * layouts of part 2, 21.7/21.8 written out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "pcr.h"
#include "tpm12.h"

static void test_rc_map(void **state)
{
	(void)state;
	assert_int_equal(aem_tpm12_rc_to_err(0), 0);
	assert_int_equal(aem_tpm12_rc_to_err(0x18), AEM_TPM_E_PCR_MISMATCH);
	assert_int_equal(aem_tpm12_rc_to_err(0x01), AEM_TPM_E_AUTH);
	assert_int_equal(aem_tpm12_rc_to_err(0x1d), AEM_TPM_E_AUTH);
	assert_int_equal(aem_tpm12_rc_to_err(0x06), AEM_TPM_E_DISABLED);
	assert_int_equal(aem_tpm12_rc_to_err(0x07), AEM_TPM_E_DISABLED);
	assert_int_equal(aem_tpm12_rc_to_err(0x12), AEM_TPM_E_NOT_OWNED);
	assert_int_equal(aem_tpm12_rc_to_err(0x803), AEM_TPM_E_LOCKOUT);
	assert_int_equal(aem_tpm12_rc_to_err(0x3011), AEM_TPM_E_NOTPM); /* TSP comm failure */
	assert_int_equal(aem_tpm12_rc_to_err(0x2011), AEM_TPM_E_NOTPM); /* TCS comm failure */
	assert_int_equal(aem_tpm12_rc_to_err(0x1001), AEM_TPM_E_NOTPM); /* any TDDL error */
	assert_int_equal(aem_tpm12_rc_to_err(0x0a), AEM_TPM_E_TPM);     /* TPM_BAD_ORDINAL */
	assert_int_equal(aem_tpm12_rc_to_err(0x3002), AEM_TPM_E_TPM);   /* TSS_E_FAIL */
	/* 0x002 is TPM_BADINDEX in the TPM layer but TSS_E_FAIL in the TSP layer. */
	assert_int_not_equal(aem_tpm12_rc_to_err(0x002), aem_tpm12_rc_to_err(0x3002));
}

static void test_rc_sentences(void **state)
{
	(void)state;
	assert_string_equal(aem_tpm12_rc_sentence(0), "success");
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x18), "WRONGPCRVAL"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x01), "AEM_SRK_PASSWORD"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x3011), "tcsd"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x12), "ownership"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x803), "tpm_resetdalock"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x07), "enable"));
	assert_non_null(strstr(aem_tpm12_rc_sentence(0x06), "activate"));
	assert_non_null(aem_tpm12_rc_sentence(0x3fff));
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(aem_unhex(s, out, n), 0);
}

static void test_composite(void **state)
{
	struct aem_pcr_values v;
	uint8_t got[20], want[20];

	(void)state;
	memset(&v, 0, sizeof(v));
	v.bank = AEM_BANK_SHA1;
	v.mask = 1u << 17;
	/* printf '000300000200000014' + 20 zero bytes | xxd -r -p | openssl dgst -sha1 */
	unhex("ede07a6fb2a36240940bbaec7173fbf9b10ec1e2", want, 20);
	assert_int_equal(aem_tpm12_composite_hash(&v, got), 0);
	assert_memory_equal(got, want, 20);
	/* PCR 13 = 01..01, PCR 17 = 11..11: '000300200200000028' + values, openssl. */
	v.mask = 1u << 13 | 1u << 17;
	memset(v.v[13], 0x01, 20);
	memset(v.v[17], 0x11, 20);
	unhex("59bfb51eea6cfd8b03dbdb481d1a247cad0d916e", want, 20);
	assert_int_equal(aem_tpm12_composite_hash(&v, got), 0);
	assert_memory_equal(got, want, 20);
	v.bank = AEM_BANK_SHA256;
	assert_int_equal(aem_tpm12_composite_hash(&v, got), AEM_E_INVAL);
	v.bank = AEM_BANK_SHA1;
	v.mask = 0;
	assert_int_equal(aem_tpm12_composite_hash(&v, got), AEM_E_INVAL);
}

/* A TPM_STORED_DATA12 typed in from the spec's layout: release PCRs 17,18,
 * locality 0x1f, digestAtRelease aa.., 3 bytes of encData. */
static size_t good_blob(uint8_t *b)
{
	static const uint8_t head[] = {
		0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x36, /* tag, et, sealInfoSize 54 */
		0x00, 0x06, 0x01, 0x1f,                         /* PCR_INFO_LONG, locC, locR */
		0x00, 0x03, 0x00, 0x00, 0x00,                   /* creation selection */
		0x00, 0x03, 0x00, 0x00, 0x06,                   /* release selection 17,18 */
	};
	size_t n = sizeof(head);

	memcpy(b, head, n);
	memset(b + n, 0xcc, 20); /* digestAtCreation */
	memset(b + n + 20, 0xaa, 20);
	n += 40;
	memcpy(b + n, "\x00\x00\x00\x03xyz", 7);
	return n + 7;
}

static void test_blob_parse(void **state)
{
	struct aem_tpm12_blob_info bi;
	uint8_t b[128], d[20];
	size_t n = good_blob(b);

	(void)state;
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), 0);
	assert_int_equal(bi.release_mask, 1u << 17 | 1u << 18);
	assert_int_equal(bi.release_locality, 0x1f);
	memset(d, 0xaa, 20);
	assert_memory_equal(bi.digest_release, d, 20);
	assert_int_equal(bi.enc_len, 3);
	/* Every truncation, and one trailing byte, is refused. */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(aem_tpm12_blob_parse(b, i, &bi), AEM_E_FORMAT);
	b[n] = 0;
	assert_int_equal(aem_tpm12_blob_parse(b, n + 1, &bi), AEM_E_FORMAT);
}

static void test_blob_malformed(void **state)
{
	struct aem_tpm12_blob_info bi;
	uint8_t b[128];
	size_t n;

	(void)state;
	n = good_blob(b); b[1] = 0x15;       /* not TPM_TAG_STORED_DATA12 */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[9] = 0x05;       /* not TPM_TAG_PCR_INFO_LONG */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[7] = 0x37;       /* sealInfoSize larger than the info */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[7] = 0x35;       /* smaller */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[4] = 0xff;       /* huge sealInfoSize */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[18] = 0x04;      /* sizeOfSelect 4: more than 24 PCRs */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b); b[n - 4] = 0x04;   /* encDataSize beyond the end */
	assert_int_equal(aem_tpm12_blob_parse(b, n, &bi), AEM_E_FORMAT);
	n = good_blob(b);                    /* empty encData */
	memcpy(b + n - 7, "\x00\x00\x00\x00", 4);
	assert_int_equal(aem_tpm12_blob_parse(b, n - 3, &bi), AEM_E_FORMAT);
	assert_int_equal(aem_tpm12_blob_parse(NULL, 0, &bi), AEM_E_FORMAT);
}

/* TPM_DA_INFO as swtpm 0.7 (libtpms) answered TPM_GetCapability(
 * TPM_CAP_DA_LOGIC) through tcsd on a fresh TPM: tag 0037, state 0, count 0,
 * threshold 5, action {tag 0039, TIMEOUT}, depend 0, no vendor data. */
static const char da_fresh[] = "003700000000050039000000010000000000000000";

static void test_da_parse(void **state)
{
	struct aem_tpm12_da_info di;
	uint8_t b[64];
	size_t n = strlen(da_fresh) / 2;

	(void)state;
	unhex(da_fresh, b, n);
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), 0);
	assert_int_equal(di.limited, 0);
	assert_int_equal(di.locked, 0);
	assert_int_equal(di.count, 0);
	assert_int_equal(di.threshold, 5);
	assert_int_equal(di.actions, 1);
	assert_int_equal(di.depend, 0);
	/* Defend-lock running after 7 failures, 2 s left, 2 bytes vendor data
	 * (the layout of TPM 1.2 part 2, 21.7, written out by hand). */
	n = strlen("0037010007000500390000000100000002000000024142") / 2;
	unhex("0037010007000500390000000100000002000000024142", b, n);
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), 0);
	assert_int_equal(di.locked, 1);
	assert_int_equal(di.count, 7);
	assert_int_equal(di.depend, 2);
	/* TPM_DA_INFO_LIMITED (21.8): state, action, vendor data; no counts. */
	unhex("00380100390000000100000000", b, 13);
	assert_int_equal(aem_tpm12_da_parse(b, 13, &di), 0);
	assert_int_equal(di.limited, 1);
	assert_int_equal(di.locked, 1);
	assert_int_equal(di.count, 0);
}

static void test_da_malformed(void **state)
{
	struct aem_tpm12_da_info di;
	uint8_t b[64];
	size_t n = strlen(da_fresh) / 2;

	(void)state;
	unhex(da_fresh, b, n);
	for (size_t i = 0; i < n; i++) /* every truncation */
		assert_int_equal(aem_tpm12_da_parse(b, i, &di), AEM_E_FORMAT);
	b[n] = 0; /* a trailing byte */
	assert_int_equal(aem_tpm12_da_parse(b, n + 1, &di), AEM_E_FORMAT);
	b[1] = 0x39; /* another structure's tag */
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), AEM_E_FORMAT);
	unhex(da_fresh, b, n);
	b[8] = 0x38; /* the action type's tag */
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), AEM_E_FORMAT);
	unhex(da_fresh, b, n);
	b[2] = 2; /* a state that is neither inactive nor active */
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), AEM_E_FORMAT);
	unhex(da_fresh, b, n);
	b[n - 1] = 1; /* vendorDataSize beyond the end */
	assert_int_equal(aem_tpm12_da_parse(b, n, &di), AEM_E_FORMAT);
	assert_int_equal(aem_tpm12_da_parse(NULL, 0, &di), AEM_E_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rc_map),
		cmocka_unit_test(test_rc_sentences),
		cmocka_unit_test(test_composite),
		cmocka_unit_test(test_blob_parse),
		cmocka_unit_test(test_blob_malformed),
		cmocka_unit_test(test_da_parse),
		cmocka_unit_test(test_da_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

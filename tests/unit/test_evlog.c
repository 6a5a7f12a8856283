/* Unit tests of the TXT event-log parsers and replay (aem/launch/evlog_*.c).
 * Expected PCR values are printed by tpm2-tools 5.4 `tpm2_eventlog FILE` for the real
 * logs in tests/unit/data (their provenance: tests/unit/data/README.md); the TPM 1.2 container and
 * legacy per-bank logs are the heap log's events re-encoded by data/mk-txt-logs.py, so
 * their replay must give the values tpm2_eventlog prints for the heap log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evlog.h"
#include "err.h"

/* tpm2_eventlog intel-tboot-tpm2-tcg.bin */
#define TCG_SHA1_17 "dc15ba215e2c6efc4a2be94eee141e217b1da04e"
#define TCG_SHA1_18 "d45891728a449c3be27b0d07a8c6d2c9d6ea34da"
#define TCG_SHA256_17 "ff8a57bf4a600950af3a52bd832741cf4c282300b526021fd12aacfb7fe22d5a"
#define TCG_SHA256_18 "ad82584b09f51b928d15168785a0f7a2ff82d2da1520e57534dff391cb4aeb95"
/* tpm2_eventlog intel-tboot-tpm2-tcg-heap.bin */
#define HEAP_SHA1_17 "4e7113d747e57a904e753a1c9ec86a228cc57984"
#define HEAP_SHA1_18 "bdad60f103fa8a4a27faf4622b983cf422e6de9b"
#define HEAP_SHA256_17 "9e811701336f52de774b9e84b68fd977e400fcb031ea9e3465993d5c2a1935a8"
#define HEAP_SHA256_18 "52036ab120c1fc13940054c65c0c350463a56fa80131430a76cb3be84dfc31fc"
/* tpm2_eventlog txt-tcg-without-ev1.bin (the heap log without SINIT's first event) */
#define NOEV1_SHA1_17 "3f6bd2c94c41f871e551748dff037fe5f579230b"
#define NOEV1_SHA256_17 "8a3d4a148e61fbf104a452f2973c7b4e70704784517f808ed4bd3cd9d92b79ec"
/* tboot's default TPM 2.0 policy entry (architecture brief, and the real logs) */
#define POLICY_ENTRY "71be5852a14eabefebf0df0e1acc5da291883b6d4c5ab20914ed987c1daf3f91"

static uint8_t *load(const char *name, size_t *len)
{
	const char *src = getenv("AEM_SRC");
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/unit/data/%s", src ? src : ".", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void expect_pcr(const struct aem_evlog *log, enum aem_bank bank, unsigned pcr,
		       const char *hex)
{
	struct aem_pcr_values v;
	char out[2 * AEM_MAX_DIGEST + 1];

	assert_int_equal(aem_evlog_replay(log, bank, log->n, &v), 0);
	assert_true(aem_pcr_mask_has(v.mask, pcr));
	assert_string_equal(aem_hex(v.v[pcr], aem_bank_size(bank), out), hex);
}

static void parse_file(const char *name, struct aem_evlog *log)
{
	size_t len;
	uint8_t *buf = load(name, &len);

	memset(log, 0, sizeof(*log));
	assert_int_equal(aem_evlog_parse(buf, len, log), 0);
	free(buf);
}

static void test_tcg_real(void **state)
{
	struct aem_evlog log;
	char hex[65];
	size_t t;

	(void)state;
	parse_file("intel-tboot-tpm2-tcg.bin", &log);
	assert_int_equal(log.family, AEM_EVLOG_TPM2_TCG);
	assert_int_equal(log.nbanks, 2);
	assert_int_equal(log.n, 20); /* header + 19 events, as tpm2_eventlog numbers them */
	expect_pcr(&log, AEM_BANK_SHA1, 17, TCG_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, TCG_SHA1_18);
	expect_pcr(&log, AEM_BANK_SHA256, 17, TCG_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, TCG_SHA256_18);
	/* tboot's events carry one digest though the header declares two banks */
	t = aem_evlog_find(&log, AEM_EV_TBOOT);
	assert_int_equal(t, 16);
	assert_int_equal(log.ev[t].ndigests, 1);
	assert_null(aem_event_digest(&log.ev[t], AEM_BANK_SHA1));
	assert_string_equal(aem_hex(aem_event_digest(&log.ev[t], AEM_BANK_SHA256), 32, hex),
			    POLICY_ENTRY);
	assert_int_equal(log.ev[t].pcr, 17);
	assert_int_equal(log.ev[t + 1].pcr, 18);
	assert_true(aem_evlog_find(&log, AEM_EV_MLE_HASH) < t);
	assert_string_equal(aem_evlog_type_name(AEM_EV_MLE_HASH), "MLE_HASH");
	assert_string_equal(aem_evlog_type_name(0x501), "TBOOT");
	assert_string_equal(aem_evlog_type_name(0x4f0), "SINIT_EVENT");
	assert_string_equal(aem_evlog_type_name(0x12345), "UNKNOWN");
	aem_evlog_free(&log);
}

static void test_tcg_heap_real(void **state)
{
	struct aem_evlog log;

	(void)state;
	parse_file("intel-tboot-tpm2-tcg-heap.bin", &log);
	assert_int_equal(log.n, 20);
	expect_pcr(&log, AEM_BANK_SHA1, 17, HEAP_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, HEAP_SHA1_18);
	expect_pcr(&log, AEM_BANK_SHA256, 17, HEAP_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, HEAP_SHA256_18);
	aem_evlog_free(&log);
}

static void test_tpm12_container(void **state)
{
	struct aem_evlog log;

	(void)state;
	parse_file("txt-tpm12-container.bin", &log);
	assert_int_equal(log.family, AEM_EVLOG_TPM12);
	assert_int_equal(log.n, 19);
	expect_pcr(&log, AEM_BANK_SHA1, 17, HEAP_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, HEAP_SHA1_18);
	aem_evlog_free(&log);
}

static void test_legacy_banks(void **state)
{
	struct aem_evlog l1, l256;

	(void)state;
	parse_file("txt-tpm2-legacy-sha1.bin", &l1);
	parse_file("txt-tpm2-legacy-sha256.bin", &l256);
	assert_int_equal(l1.family, AEM_EVLOG_TPM2_LEGACY);
	assert_int_equal(l1.banks[0], AEM_BANK_SHA1);
	assert_int_equal(l256.banks[0], AEM_BANK_SHA256);
	expect_pcr(&l1, AEM_BANK_SHA1, 17, HEAP_SHA1_17);
	expect_pcr(&l256, AEM_BANK_SHA256, 18, HEAP_SHA256_18);
	assert_int_equal(aem_evlog_merge_bank(&l1, &l256), 0);
	assert_int_equal(l1.nbanks, 2);
	expect_pcr(&l1, AEM_BANK_SHA256, 17, HEAP_SHA256_17);
	expect_pcr(&l1, AEM_BANK_SHA1, 18, HEAP_SHA1_18);
	aem_evlog_free(&l1);
	aem_evlog_free(&l256);
}

/* An event at PCR index 255, or of type EV_NO_ACTION, is logged but never extended. */
static void test_not_extended(void **state)
{
	struct aem_evlog log;

	(void)state;
	parse_file("txt-tcg-pcr255.bin", &log);
	assert_int_equal(log.ev[1].pcr, 255);
	expect_pcr(&log, AEM_BANK_SHA1, 17, NOEV1_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA256, 17, NOEV1_SHA256_17);
	aem_evlog_free(&log);
	parse_file("txt-tcg-noaction.bin", &log);
	expect_pcr(&log, AEM_BANK_SHA256, 17, NOEV1_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, HEAP_SHA256_18);
	aem_evlog_free(&log);
}

static void expect_fail(const uint8_t *buf, size_t len)
{
	struct aem_evlog log = { 0 };

	assert_int_equal(aem_evlog_parse(buf, len, &log), AEM_E_FORMAT);
	aem_evlog_free(&log);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void test_truncated(void **state)
{
	static const char *names[] = { "intel-tboot-tpm2-tcg.bin", "txt-tpm12-container.bin",
				       "txt-tpm2-legacy-sha256.bin" };
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		uint8_t *buf = load(names[i], &len);

		expect_fail(buf, len - 1);   /* last event's data cut short */
		expect_fail(buf, len - 37);  /* inside the last record's header or digest */
		/* every prefix parses or fails cleanly (ASan would catch an over-read) */
		for (size_t n = 0; n < len; n++) {
			struct aem_evlog log = { 0 };

			(void)aem_evlog_parse(buf, n, &log);
			aem_evlog_free(&log);
		}
		free(buf);
	}
}

static void test_malformed_fields(void **state)
{
	size_t len;
	uint8_t *tcg = load("intel-tboot-tpm2-tcg.bin", &len);
	uint8_t *c;
	size_t clen;

	(void)state;
	/* huge event size in the first TCG_PCR_EVENT2 (after 69-byte header):
	 * pcr, type, count=2, sha1 (2+20), sha256 (2+32), then size */
	put32(tcg + 69 + 12 + 22 + 34, 0xfffffff0u);
	expect_fail(tcg, len);
	free(tcg);
	tcg = load("intel-tboot-tpm2-tcg.bin", &len);
	put32(tcg + 69 + 8, 3);              /* digest count above the header's 2 */
	expect_fail(tcg, len);
	put32(tcg + 69 + 8, 2);
	tcg[69 + 12] = 0x12;                 /* an algorithm the header does not list */
	expect_fail(tcg, len);
	tcg[69 + 12] = 0x04;
	put32(tcg + 32 + 24, 0);             /* header with zero algorithms */
	expect_fail(tcg, len);
	put32(tcg + 32 + 24, 0x40000000u);   /* absurd algorithm count */
	expect_fail(tcg, len);
	free(tcg);

	c = load("txt-tpm12-container.bin", &clen);
	put32(c + 44, (uint32_t)clen + 1);   /* next_event_offset past the file */
	expect_fail(c, clen);
	put32(c + 44, 40);                   /* ... before pcr_events_offset */
	expect_fail(c, clen);
	put32(c + 44, (uint32_t)clen);
	put32(c + 48 + 28, 0x7fffffffu);     /* first record's data size */
	expect_fail(c, clen);
	free(c);

	c = load("txt-tpm2-legacy-sha256.bin", &clen);
	put32(c + 32 + 20, 2);               /* descriptor: sha256 id ... */
	put32(c + 32 + 24, 20);              /* ... with a sha1 digest size */
	expect_fail(c, clen);
	free(c);
	expect_fail((const uint8_t *)"", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcg_real),
		cmocka_unit_test(test_tcg_heap_real),
		cmocka_unit_test(test_tpm12_container),
		cmocka_unit_test(test_legacy_banks),
		cmocka_unit_test(test_not_extended),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the mismatch diagnosis (aem/launch/diagnose.c). The real Intel log
 * (tests/unit/data/intel-tboot-tpm2-tcg-heap.bin) is the boot: its README says its
 * first two 0x501 events are tboot's default policy entry into PCR 17 and 18 and the
 * next ones the modules; the "other boot" is the same log with one digest changed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diagnose.h"
#include "err.h"

#define POLICY_ENTRY "71be5852a14eabefebf0df0e1acc5da291883b6d4c5ab20914ed987c1daf3f91"

static void load_log(struct aem_evlog *log)
{
	const char *src = getenv("AEM_SRC");
	char path[4096];
	uint8_t buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/unit/data/intel-tboot-tpm2-tcg-heap.bin",
		 src ? src : ".");
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	memset(log, 0, sizeof(*log));
	assert_int_equal(aem_evlog_parse(buf, n, log), 0);
}

static void test_from_log(void **state)
{
	struct aem_evlog log;
	struct aem_diag_boot b;
	char hex[65], name[160];
	unsigned npol = 0, nmod = 0, nmle = 0;

	(void)state;
	load_log(&log);
	assert_int_equal(aem_diag_from_log(&log, AEM_BANK_SHA256, &b), 0);
	for (size_t i = 0; i < b.n; i++) {
		const struct aem_diag_event *e = &b.ev[i];

		if (e->role == AEM_ROLE_POLICY) {
			npol++;
			assert_string_equal(aem_hex(e->digest, 32, hex), POLICY_ENTRY);
		}
		if (e->role == AEM_ROLE_MODULE) {
			assert_int_equal(e->index, (int)nmod++);
			assert_int_equal(e->pcr, 17);
		}
		nmle += e->role == AEM_ROLE_MLE;
	}
	assert_int_equal(npol, 2);       /* D/A: 17 and 18 */
	assert_true(nmod >= 2);          /* kernel, initrd */
	assert_int_equal(nmle, 1);
	assert_true(b.has_sinit && aem_pcr_mask_has(b.pcrs.mask, 17));
	for (size_t i = 0; i < b.n; i++)
		if (b.ev[i].role == AEM_ROLE_MODULE && b.ev[i].index == 1)
			assert_string_equal(aem_diag_event_name(&b.ev[i], name, sizeof(name)), "module 1");
	aem_diag_free(&b);
	aem_evlog_free(&log);
}

/* The document written from a log reads back to the same boot. */
static void test_json_roundtrip(void **state)
{
	struct aem_evlog log;
	struct aem_diag_boot a, b;
	char *doc;

	(void)state;
	load_log(&log);
	assert_int_equal(aem_diag_from_log(&log, AEM_BANK_SHA256, &a), 0);
	assert_int_equal(aem_diag_to_json(&a, &doc), 0);
	assert_int_equal(aem_diag_from_json(doc, strlen(doc), &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_int_equal(a.ev[i].role, b.ev[i].role);
		assert_int_equal(a.ev[i].index, b.ev[i].index);
		assert_memory_equal(a.ev[i].digest, b.ev[i].digest, 32);
	}
	assert_memory_equal(a.pcrs.v[17], b.pcrs.v[17], 32);
	free(doc);
	aem_diag_free(&a);
	aem_diag_free(&b);
	aem_evlog_free(&log);
}

static void change_event(struct aem_evlog *log, uint32_t type, unsigned nth)
{
	for (size_t i = 0; i < log->n; i++) {
		if (log->ev[i].type != type || nth--)
			continue;
		for (unsigned d = 0; d < log->ev[i].ndigests; d++)
			log->ev[i].digests[d].d[0] ^= 1;
		return;
	}
	fail();
}

static void diag(struct aem_evlog *changed, unsigned pcr, const char *want)
{
	struct aem_evlog log;
	struct aem_diag_boot s, n;
	struct aem_diag_finding f;
	char msg[512];

	load_log(&log);
	assert_int_equal(aem_diag_from_log(&log, AEM_BANK_SHA256, &s), 0);
	assert_int_equal(aem_diag_from_log(changed, AEM_BANK_SHA256, &n), 0);
	aem_diag_pcr(&s, &n, &n.pcrs, pcr, &f);
	assert_string_equal(aem_diag_describe(&f, AEM_BANK_SHA256, msg, sizeof(msg)), want);
	aem_diag_free(&s);
	aem_diag_free(&n);
	aem_evlog_free(&log);
}

static void test_compare(void **state)
{
	struct aem_evlog log;
	struct aem_diag_boot s, n;
	struct aem_diag_finding f;
	struct aem_pcr_values other;

	(void)state;
	load_log(&log);
	change_event(&log, AEM_EV_TBOOT, 3);  /* the second module */
	diag(&log, 17, "PCR 17: module 1 differs from the sealed boot");
	aem_evlog_free(&log);
	load_log(&log);
	change_event(&log, AEM_EV_MLE_HASH, 0);
	diag(&log, 17, "PCR 17: the MLE hash (tboot or its command line) differs from the sealed boot");
	aem_evlog_free(&log);
	load_log(&log);
	change_event(&log, 0x40b, 0);         /* CPU_SCRTM_STAT */
	diag(&log, 17, "PCR 17: SINIT's event CPU_SCRTM_STAT (0x40b) differs from the sealed boot");
	aem_evlog_free(&log);
	load_log(&log);
	diag(&log, 13, "PCR 13 differs: not a DRTM measurement \u2014 the LUKS header or the AEM media changed");
	/* a TPM value the log does not replay to: stale log */
	assert_int_equal(aem_diag_from_log(&log, AEM_BANK_SHA256, &s), 0);
	assert_int_equal(aem_diag_from_log(&log, AEM_BANK_SHA256, &n), 0);
	other = n.pcrs;
	other.v[17][0] ^= 1;
	aem_diag_pcr(&s, &n, &other, 17, &f);
	assert_int_equal(f.verdict, AEM_DIAG_LOG_STALE);
	aem_diag_pcr(&s, &n, &n.pcrs, 17, &f);
	assert_int_equal(f.verdict, AEM_DIAG_UNEXPLAINED);  /* identical boots */
	aem_diag_free(&s);
	aem_diag_free(&n);
	aem_evlog_free(&log);
}

static void test_bad_json(void **state)
{
	static const char *bad[] = {
		"", "[]", "{", "{\"bank\":\"sha256\"}", "{\"bank\":\"md5\",\"events\":[]}",
		"{\"bank\":\"sha256\",\"events\":{}}",
		"{\"bank\":\"sha256\",\"events\":[{\"pcr\":17,\"what\":\"module 0\",\"digest\":\"00\"}]}",
		"{\"bank\":\"sha256\",\"events\":[{\"pcr\":99,\"what\":\"module 0\",\"digest\":\""
		POLICY_ENTRY "\"}]}",
		"{\"bank\":\"sha256\",\"events\":[{\"what\":\"module 0\",\"digest\":\"" POLICY_ENTRY "\"}]}",
		"{\"bank\":\"sha256\",\"pcrs\":{\"x\":\"00\"},\"events\":[]}",
		"{\"bank\":\"sha256\",\"pcrs\":{\"17\":\"zz\"},\"events\":[]}",
	};
	struct aem_diag_boot b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(aem_diag_from_json(bad[i], strlen(bad[i]), &b), AEM_E_FORMAT);
		aem_diag_free(&b);
	}
	/* events named by type only (TBOOT): policy entries then modules, by digests */
	{
		const char *doc = "{\"bank\":\"sha256\",\"events\":["
			"{\"pcr\":13,\"what\":\"LUKS header\",\"digest\":\"" POLICY_ENTRY "\"},"
			"{\"pcr\":17,\"type\":\"0x501\",\"what\":\"TBOOT\",\"digest\":\"" POLICY_ENTRY "\"},"
			"{\"pcr\":18,\"type\":\"0x501\",\"what\":\"TBOOT\",\"digest\":\"" POLICY_ENTRY "\"},"
			"{\"pcr\":17,\"type\":\"0x501\",\"what\":\"TBOOT\",\"digest\":\"" POLICY_ENTRY "\"}]}";

		assert_int_equal(aem_diag_from_json(doc, strlen(doc), &b), 0);
		assert_int_equal(b.n, 3);  /* PCR 13's event is not the launch's */
		assert_int_equal(b.ev[0].role, AEM_ROLE_POLICY);
		assert_int_equal(b.ev[1].role, AEM_ROLE_POLICY);
		assert_int_equal(b.ev[2].role, AEM_ROLE_MODULE);
		assert_int_equal(b.ev[2].index, 0);
		aem_diag_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_log),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_bad_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

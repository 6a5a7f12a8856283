/* Unit tests of aem/launch/predict.c against the real Intel TXT log (tests/unit/data): PCR 18
 * of that boot received only SINIT's events and tboot's policy entry, so a prediction
 * without modules must reproduce the value tpm2_eventlog replays for PCR 18 (tpm2-tools
 * 5.4 `tpm2_eventlog intel-tboot-tpm2-tcg.bin`). The module path is covered against
 * tb_polgen and the emulated launch by tests/model/. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "predict.h"
#include "hashfile.h"
#include "err.h"

#include <openssl/sha.h>

#define TCG_SHA256_18 "ad82584b09f51b928d15168785a0f7a2ff82d2da1520e57534dff391cb4aeb95"
#define TCG_SHA1_18 "d45891728a449c3be27b0d07a8c6d2c9d6ea34da"
#define TCG_SHA1_17 "dc15ba215e2c6efc4a2be94eee141e217b1da04e"

static void load_log(struct aem_evlog *log)
{
	const char *src = getenv("AEM_SRC");
	char path[4096];
	uint8_t buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/unit/data/intel-tboot-tpm2-tcg.bin", src ? src : ".");
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	memset(log, 0, sizeof(*log));
	assert_int_equal(aem_evlog_parse(buf, n, log), 0);
}

static void test_policy_only(void **state)
{
	struct aem_evlog log;
	struct aem_predict_in in = { .tb = { .family = AEM_FAMILY_TPM20 }, .bank = AEM_BANK_SHA256 };
	struct aem_predict_out *out = calloc(1, sizeof(*out));
	char hex[65];

	(void)state;
	assert_non_null(out);
	load_log(&log);
	in.log = &log;
	assert_int_equal(aem_predict(&in, out), 0);
	assert_int_equal(out->prefix, 16);
	assert_true(out->tboot_extends);
	assert_int_equal(out->nev, 2);
	assert_int_equal(out->ev[1].pcr, 18);
	assert_string_equal(aem_hex(out->pcrs.v[18], 32, hex), TCG_SHA256_18);
	assert_true(aem_all_bytes(out->pcrs.v[19], 32, 0));
	aem_evlog_free(&log);
	free(out);
}

/* extpol=sha256: tboot leaves the sha1 bank alone, which then holds SINIT's events only */
static void test_sha1_untouched(void **state)
{
	struct aem_evlog log;
	struct aem_predict_in in = { .tb = { .family = AEM_FAMILY_TPM20 }, .bank = AEM_BANK_SHA1 };
	struct aem_predict_out *out = calloc(1, sizeof(*out));
	struct aem_predict_module m = { .path = "/nonexistent/xen.gz" };
	char hex[41];

	(void)state;
	load_log(&log);
	in.log = &log;
	in.nmod = 1;
	in.mod = &m;
	in.io = &aem_hashfile_io;
	assert_int_equal(aem_predict(&in, out), 0);
	assert_false(out->tboot_extends);
	assert_int_equal(out->nev, 0);
	assert_string_equal(aem_hex(out->pcrs.v[17], 20, hex), TCG_SHA1_17);
	assert_string_equal(aem_hex(out->pcrs.v[18], 20, hex), TCG_SHA1_18);
	aem_evlog_free(&log);
	free(out);
}

static void test_errors(void **state)
{
	struct aem_evlog log;
	struct aem_predict_in in = { .tb = { .family = AEM_FAMILY_TPM20 }, .bank = AEM_BANK_SHA256 };
	struct aem_predict_out *out = calloc(1, sizeof(*out));
	struct aem_predict_module m[2] = { { .path = "/dev/null" }, { .path = "/nonexistent/x" } };

	(void)state;
	assert_int_equal(aem_predict(&in, out), AEM_E_INVAL);     /* no log */
	load_log(&log);
	in.log = &log;
	in.nmod = 2;
	in.mod = m;
	assert_int_equal(aem_predict(&in, out), AEM_E_INVAL);     /* modules but no io */
	in.io = &aem_hashfile_io;
	assert_int_equal(aem_predict(&in, out), AEM_E_IO);
	assert_int_equal(out->failed_module, 1);
	in.nmod = 0;
	in.tboot_path = "tboot.gz";
	assert_int_equal(aem_predict(&in, out), AEM_E_INVAL);     /* named, no image */
	in.tboot_elf = (const uint8_t *)"not an ELF image";
	in.tboot_len = 16;
	assert_int_equal(aem_predict(&in, out), AEM_E_FORMAT);
	in.tboot_path = NULL;
	in.tb.family = AEM_FAMILY_TPM12;
	in.bank = AEM_BANK_SHA256;
	in.nmod = AEM_PREDICT_MAX_MODULES + 1;
	assert_int_equal(aem_predict(&in, out), AEM_E_INVAL);
	aem_evlog_free(&log);
	free(out);
}

/* The model reads no file: what it knows of a module comes from the caller's io.
 * A module whose first bytes are an SINIT ACM header is dropped unhashed; the
 * other's event is H(H(cmdline) || image digest), computed here with OpenSSL. */
struct fake_files {
	unsigned heads, digests;
};

static int fake_head(void *ctx, const struct aem_predict_module *m, uint8_t *buf, size_t size,
		     size_t *len)
{
	static const uint8_t acm[] = { 2, 0, 0, 0, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				       0x86, 0x80, 0, 0 };

	((struct fake_files *)ctx)->heads++;
	if (!strcmp(m->path, "sinit")) {
		memset(buf, 0, size);
		memcpy(buf, acm, sizeof(acm));
		*len = size;
	} else {
		memcpy(buf, "plain data", 10);
		*len = 10;
	}
	return 0;
}

static int fake_digest(void *ctx, const struct aem_predict_module *m, enum aem_bank bank,
		       uint8_t *out)
{
	((struct fake_files *)ctx)->digests++;
	assert_int_equal(bank, AEM_BANK_SHA256);
	assert_string_equal(m->path, "xen");
	SHA256((const uint8_t *)"xen image", 9, out);
	return 0;
}

static void test_io_callbacks(void **state)
{
	struct fake_files ff = { 0 };
	const struct aem_predict_io io = { fake_head, fake_digest, &ff };
	struct aem_predict_module m[2] = { { .path = "sinit" }, { .path = "xen", .cmdline = "x" } };
	struct aem_predict_in in = { .tb = { .family = AEM_FAMILY_TPM20 }, .bank = AEM_BANK_SHA256,
				     .nmod = 2, .mod = m, .io = &io };
	struct aem_predict_out *out = calloc(1, sizeof(*out));
	uint8_t cat[64], want[32];
	struct aem_evlog log;

	(void)state;
	assert_non_null(out);
	load_log(&log);
	in.log = &log;
	assert_int_equal(aem_predict(&in, out), 0);
	assert_int_equal(ff.heads, 2);
	assert_int_equal(ff.digests, 1);
	SHA256((const uint8_t *)"x", 1, cat);
	SHA256((const uint8_t *)"xen image", 9, cat + 32);
	SHA256(cat, sizeof(cat), want);
	assert_int_equal(out->nev, 4);      /* 2 policy entries (D/A), SINIT skipped, module 0 */
	assert_int_equal(out->ev[2].role, AEM_ROLE_SKIPPED);
	assert_int_equal(out->ev[3].role, AEM_ROLE_MODULE);
	assert_int_equal(out->ev[3].index, 0);
	assert_memory_equal(out->ev[3].digest, want, 32);
	aem_evlog_free(&log);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_only),
		cmocka_unit_test(test_sha1_untouched),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_io_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

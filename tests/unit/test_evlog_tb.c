/* Unit tests of TrenchBoot's logs in the event model (aem/launch/evlog_tb.c and the
 * parsers): the two real logs TrenchBoot v0.5.3-rc1 left on an AMD launch must replay to
 * the PCR values their authors read from the TPM, every event must be named; the formats
 * no real log covers come from data/mk-tb-logs.py (written without aem's parsers). */
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

/* TrenchBoot v0.5.3-rc1 on QEMU amd-drtm + swtpm (tests/unit/data/README.md): the PCR
 * values the authors read with tpm2_pcrread in the boots that left these logs, published
 * as XEN_PCRS / LINUX_PCRS in iwanicki92/drtm-tests tests/test_eventlog.py @ 5b4ae54b. */
#define A1_SHA1_17 "0318a2c7cc558c5d9dd6f4d5acf751c2a2dcec01"
#define A1_SHA1_18 "1d770ad1285cb8f85dcb4dd03e4cdfb4c301a30e"
#define A1_SHA256_17 "e17d42476df9d13cd73119cbd30d14795bdf8304c6a1f85e7c1eca554e07c055"
#define A1_SHA256_18 "3e282d7905a8caff55b6537b255e16dc3b3cede1048481ea67d267bea7b3608e"
#define A2_SHA1_17 "a8c09473c7a5f90a84098e779f276333cdbf661a"
#define A2_SHA1_18 "153de987125e37f9cd9e7a61791222f65ee7036b"
#define A2_SHA256_17 "67be67686d82da37b760991194fff2cca163a4bad507b37927ae1742545aafe1"
#define A2_SHA256_18 "8790e9bccaebfe038e13173cfb2d3b8f41434643669055978ec2e210da724a38"
/* Printed by data/mk-tb-logs.py (its own hashlib replay of the events it wrote). */
#define MB2_SHA1_17 "7ca0a91b1810952fdc8d635d45c898f9eebd9ca4"
#define MB2_SHA1_18 "0ca42f70d00cb5afbed8ba3dcd33f49498f23103"
#define TBI_SHA1_17 "3cd1a229c12214ae67fcdb37b22a9baf750887b0"
#define TBI_SHA1_18 "59c79398fbeb0eabf2ebfa03e5bf5aa00fea2a1a"
#define TBI_SHA256_17 "3ba7289edfcb890534256810cc6a018e0ea9c2149ed62f8b1da2ecc4124b9c40"
#define TBI_SHA256_18 "165460efa91de894c8b1c117923facd6ec5d63d9e1e6d9936a7c741037729b80"
#define V02_SHA1_17 "8ece0c626b3fadc055f588b58880488f763f4d8f"
#define V02_SHA1_18 "0ca42f70d00cb5afbed8ba3dcd33f49498f23103"

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
	buf = malloc((size_t)n + 4096); /* room for a zero tail */
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void parse_file(const char *name, struct aem_evlog *log)
{
	size_t len;
	uint8_t *buf = load(name, &len);

	memset(log, 0, sizeof(*log));
	assert_int_equal(aem_evlog_parse(buf, len, log), 0);
	free(buf);
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

/* Event names from index 0, NULL-terminated; none may be UNKNOWN or the bare type. */
static void expect_names(const struct aem_evlog *log, const char *const *names)
{
	size_t i;

	for (i = 0; names[i]; i++) {
		char buf[80];
		const char *n;

		assert_true(i < log->n);
		n = aem_evlog_event_name(log, i, buf, sizeof(buf));
		assert_string_equal(n, names[i]);
	}
	assert_int_equal(i, log->n);
}

static void test_tb_amd_xen_real(void **state)
{
	static const char *const names[] = {
		"EV_NO_ACTION", "SKINIT", "DLME entry offset", "DLME", "SLRT platform info",
		"Xen's command line", "MB module string", "MB module", NULL,
	};
	struct aem_evlog log;

	(void)state;
	parse_file("tb-amd-xen-v0.5.3-rc1.bin", &log);
	assert_int_equal(log.family, AEM_EVLOG_TPM2_TCG);
	assert_int_equal(log.nbanks, 2);
	expect_names(&log, names);
	for (size_t i = 1; i < log.n; i++) {
		assert_int_equal(log.ev[i].type, AEM_EV_SLAUNCH);
		assert_int_equal(log.ev[i].ndigests, 2);
	}
	expect_pcr(&log, AEM_BANK_SHA1, 17, A1_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, A1_SHA1_18);
	expect_pcr(&log, AEM_BANK_SHA256, 17, A1_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, A1_SHA256_18);
	assert_string_equal(aem_evlog_type_name(AEM_EV_SLAUNCH), "SLAUNCH");
	aem_evlog_free(&log);
}

/* Linux's own events carry labels aem does not know: they are named by them; the two
 * EV_NO_ACTION tags the kernel puts on PCR 17 are logged, never extended. */
static void test_tb_amd_linux_real(void **state)
{
	static const char *const names[] = {
		"EV_NO_ACTION", "SKINIT", "DLME entry offset", "DLME", "EV_NO_ACTION",
		"Measured SLR Table", "Measured boot parameters", "Measured Kernel command line",
		"EV_NO_ACTION", NULL,
	};
	struct aem_evlog log;
	size_t len;
	uint8_t *buf;

	(void)state;
	parse_file("tb-amd-linux-v0.5.3-rc1.bin", &log);
	expect_names(&log, names);
	assert_false(aem_event_extends(&log.ev[4]));
	assert_false(aem_event_extends(&log.ev[8]));
	expect_pcr(&log, AEM_BANK_SHA1, 17, A2_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, A2_SHA1_18);
	expect_pcr(&log, AEM_BANK_SHA256, 17, A2_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, A2_SHA256_18);
	aem_evlog_free(&log);

	/* the zeroed rest of the range Xen reserved is not an event */
	buf = load("tb-amd-linux-v0.5.3-rc1.bin", &len);
	memset(buf + len, 0, 4096);
	memset(&log, 0, sizeof(log));
	assert_int_equal(aem_evlog_parse(buf, len + 4096, &log), 0);
	assert_int_equal(log.n, 9);
	expect_pcr(&log, AEM_BANK_SHA256, 17, A2_SHA256_17);
	aem_evlog_free(&log);
	free(buf);
}

/* SKL's TPM 1.2 log of A1's events (their SHA-1 digests): the published SHA-1 values. */
static void test_tb_tpm12_amd(void **state)
{
	static const char *const names[] = {
		"EV_NO_ACTION", "SKINIT", "DLME entry offset", "DLME", "SLRT platform info",
		"Xen's command line", "MB module string", "MB module", NULL,
	};
	struct aem_evlog log;

	(void)state;
	parse_file("tb-amd-tpm12-a1.bin", &log);
	assert_int_equal(log.family, AEM_EVLOG_TPM12);
	assert_int_equal(log.nbanks, 1);
	expect_names(&log, names);
	expect_pcr(&log, AEM_BANK_SHA1, 17, A1_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, A1_SHA1_18);
	aem_evlog_free(&log);
}

/* Multiboot2 launches: one unlabelled PCR 18 record without EFI events is the MBI
 * (v0.4, AMD); two are the MBI then the SLRT info (v0.5; Intel since v0.3). */
static void test_tb_mb2_orders(void **state)
{
	static const char *const amd[] = {
		"EV_NO_ACTION", "SKINIT", "DLME entry offset", "DLME",
		"multiboot2 information (MBI)", "Measured MB2 module", "Measured MB2 module", NULL,
	};
	struct aem_evlog log;
	char buf[80];

	(void)state;
	parse_file("tb-amd-tpm12-mb2.bin", &log);
	expect_names(&log, amd);
	expect_pcr(&log, AEM_BANK_SHA1, 17, MB2_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, MB2_SHA1_18);
	aem_evlog_free(&log);

	parse_file("tb-intel-tcg-mb2.bin", &log);
	assert_int_equal(log.n, 21);
	assert_string_equal(aem_evlog_event_name(&log, 8, buf, sizeof(buf)), "MLE_HASH");
	assert_string_equal(aem_evlog_event_name(&log, 16, buf, sizeof(buf)),
			    "multiboot2 information (MBI)");
	assert_string_equal(aem_evlog_event_name(&log, 17, buf, sizeof(buf)), "SLRT platform info");
	assert_string_equal(aem_evlog_event_name(&log, 18, buf, sizeof(buf)),
			    "Measured TXT OS-MLE data");
	assert_string_equal(aem_evlog_event_name(&log, 20, buf, sizeof(buf)), "Measured MB2 module");
	expect_pcr(&log, AEM_BANK_SHA1, 17, TBI_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, TBI_SHA1_18);
	expect_pcr(&log, AEM_BANK_SHA256, 17, TBI_SHA256_17);
	expect_pcr(&log, AEM_BANK_SHA256, 18, TBI_SHA256_18);
	/* an unknown label is copied only when it fits; without a buffer: the type name */
	assert_string_equal(aem_evlog_event_name(&log, 18, NULL, 0), "Measured TXT OS-MLE data");
	assert_string_equal(aem_evlog_event_name(&log, 99, buf, sizeof(buf)), "UNKNOWN");
	aem_evlog_free(&log);
}

static void test_tb_old_types(void **state)
{
	static const char *const names[] = {
		"multiboot2 information (MBI)", "dom0 kernel", "dom0 initrd", NULL,
	};
	struct aem_evlog log;

	(void)state;
	parse_file("tb-intel-tpm12-v0.2.bin", &log);
	expect_names(&log, names);
	expect_pcr(&log, AEM_BANK_SHA1, 17, V02_SHA1_17);
	expect_pcr(&log, AEM_BANK_SHA1, 18, V02_SHA1_18);
	aem_evlog_free(&log);
}

static void expect_fail(const uint8_t *buf, size_t len)
{
	struct aem_evlog log = { 0 };

	assert_int_equal(aem_evlog_parse(buf, len, &log), AEM_E_FORMAT);
	aem_evlog_free(&log);
}

static void test_tb_malformed(void **state)
{
	static const char *files[] = { "tb-amd-xen-v0.5.3-rc1.bin", "tb-amd-linux-v0.5.3-rc1.bin",
				       "tb-amd-tpm12-a1.bin", "tb-amd-tpm12-mb2.bin",
				       "tb-intel-tcg-mb2.bin", "tb-intel-tpm12-v0.2.bin" };
	size_t len;
	uint8_t *b;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		b = load(files[i], &len);
		expect_fail(b, len - 1);
		for (size_t n = 0; n < len; n++) { /* every prefix: parse or fail, no over-read */
			struct aem_evlog log = { 0 };

			(void)aem_evlog_parse(b, n, &log);
			aem_evlog_free(&log);
		}
		free(b);
	}
	/* SKL's TPM 1.2 header: 32-byte record, Spec ID Event00 (24 bytes), vendorInfoSize at
	 * 56, the container header from 57 (next_event_offset at 57 + 44) */
	b = load("tb-amd-tpm12-a1.bin", &len);
	b[56] = 47;                             /* vendorInfo too small for a container */
	expect_fail(b, len);
	b[56] = 48;
	b[57] = 'X';                            /* not a TXT container */
	expect_fail(b, len);
	b[57] = 'T';
	b[57 + 44] = 0xff;                      /* next_event_offset past the file */
	b[57 + 45] = 0xff;
	expect_fail(b, len);
	free(b);
	b = load("tb-amd-tpm12-a1.bin", &len);
	b[28] = 0xff;                           /* header record's size beyond its limits */
	expect_fail(b, len);
	b[28] = 72;                             /* smaller than its own fields */
	expect_fail(b, len);
	free(b);
}

static void test_xen_line(void **state)
{
	static const char good[] =
		"(XEN) [    0.000000] SLAUNCH: reserving event log (0x7e9f0000 - 0x7e9f8000)\n"
		"(XEN) something else\n"
		"(XEN) [    0.100000] SLAUNCH: reserving event log (0x7e9f5000 - 0x7e9fd000)\n";
	static const struct {
		const char *text;
		int rc;
	} bad[] = {
		{ "SLAUNCH: reserving event log (0x1000 0x2000)", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (0x2000 - 0x1000)", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (0x2000 - 0x2000)", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (0x1000 - 0x2000", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (0x - 0x2000)", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (0x10000000000000000 - 0x2)", AEM_E_FORMAT },
		{ "SLAUNCH: reserving event log (", AEM_E_FORMAT },
	};
	uint64_t base, end;
	bool found;

	(void)state;
	assert_int_equal(aem_xen_slaunch_log_range(good, strlen(good), &found, &base, &end), 0);
	assert_true(found);
	assert_true(base == 0x7e9f5000u && end == 0x7e9fd000u); /* the last line wins */
	/* cut before the second line's end: that line is malformed */
	assert_int_equal(aem_xen_slaunch_log_range(good, strlen(good) - 4, &found, &base, &end),
			 AEM_E_FORMAT);
	assert_int_equal(aem_xen_slaunch_log_range("SLAUNCH: reserving event log (0 - 0x8000)",
						   41, &found, &base, &end), 0);
	assert_true(found && base == 0 && end == 0x8000);
	assert_int_equal(aem_xen_slaunch_log_range("(XEN) Xen version 4.17\n", 23, &found, &base,
						   &end), 0);
	assert_false(found);
	assert_int_equal(aem_xen_slaunch_log_range("", 0, &found, &base, &end), 0);
	assert_false(found);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(aem_xen_slaunch_log_range(bad[i].text, strlen(bad[i].text), &found,
							   &base, &end), bad[i].rc);
		assert_true(found);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tb_amd_xen_real),
		cmocka_unit_test(test_tb_amd_linux_real),
		cmocka_unit_test(test_tb_tpm12_amd),
		cmocka_unit_test(test_tb_mb2_orders),
		cmocka_unit_test(test_tb_old_types),
		cmocka_unit_test(test_tb_malformed),
		cmocka_unit_test(test_xen_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the doctor's verdict (aem/doctor/doctor_verdict.c) on hand-set facts,
 * of its sysfs PCR parser, and of the runtime layer's replay (aem/platform/runtime.c)
 * on a fixture directory built here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "doctor.h"
#include "err.h"
#include "runtime.h"

static struct aem_doctor d;

/* An Intel TXT + TPM 2.0 machine whose last boot was measured. */
static void healthy(void)
{
	memset(&d, 0, sizeof(d));
	strcpy(d.cpu_vendor, "GenuineIntel");
	d.intel = d.vmx = d.smx = true;
	d.txt_tried = true;
	d.txt.didvid = 0x0000000100018086ull;
	d.txt.errorcode = 0xc0000001;
	d.tpm_present = true;
	d.tpm_major = 2;
	d.tpm12_enabled = d.tpm12_active = d.tpm12_owned = -1;
	d.pcr17_known = true;
	d.nsinit = 1;
	d.sinit[0].parsed = d.sinit[0].sinit = d.sinit[0].matches = true;
	d.dmar_present = d.iommu_table_ok = d.iommu_active = true;
	d.tboot_installed = true;
	d.tboot_entries = 1;
}

static const char *first(void)
{
	return d.nfixes ? d.fixes[0].id : "none";
}

static void test_verdicts(void **state)
{
	(void)state;
	healthy();
	aem_doctor_decide(&d);
	assert_int_equal(d.mode, AEM_MODE_TPM20_DA);
	assert_true(d.ready);
	assert_string_equal(first(), "none");

	healthy();
	d.tpm_major = 1;
	d.tpm12_owned = 0;
	aem_doctor_decide(&d);
	assert_int_equal(d.mode, AEM_MODE_TPM12_LEGACY);
	assert_false(d.ready);
	assert_string_equal(first(), "tpm-not-owned");

	/* most fundamental first: no TPM comes before TXT being off */
	healthy();
	d.tpm_present = false;
	d.tpm_major = 0;
	d.txt.absent = true;
	aem_doctor_decide(&d);
	assert_int_equal(d.mode, AEM_MODE_NONE);
	assert_string_equal(first(), "no-tpm");
	assert_string_equal(d.fixes[1].id, "txt-disabled");

	healthy();
	d.txt_errno = EACCES;
	aem_doctor_decide(&d);
	assert_int_equal(d.mode, AEM_MODE_NONE);
	assert_string_equal(first(), "txt-unreadable");

	healthy();
	d.txt.ests = AEM_TXT_ESTS_RESET;
	d.pcr17_all_ff = true;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "txt-reset-sts");
	assert_string_equal(d.fixes[d.nfixes - 1].id, "not-measured");

	healthy();
	d.nsinit = 0;
	d.dmar_present = false;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-sinit");
	assert_string_equal(d.fixes[1].id, "no-iommu");

	/* Xen dom0 shows the hypervisor flag: that is where AEM runs, not a VM */
	healthy();
	d.hypervisor = d.xen = true;
	aem_doctor_decide(&d);
	assert_true(d.ready);
	d.xen = false;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "virtual-machine");
	assert_int_equal(d.mode, AEM_MODE_NONE);

	assert_int_equal(d.launch, AEM_DLAUNCH_NONE);
}

/* An AMD machine ready for TrenchBoot: SKINIT, TPM 2.0, IVRS, SKL, GRUB slaunch. */
static void amd_ready(void)
{
	memset(&d, 0, sizeof(d));
	strcpy(d.cpu_vendor, "AuthenticAMD");
	d.amd = d.svm = d.skinit = true;
	d.tpm_present = true;
	d.tpm_major = 2;
	d.tpm12_enabled = d.tpm12_active = d.tpm12_owned = -1;
	d.pcr17_known = true;
	d.ivrs_present = d.iommu_table_ok = d.iommu_active = true;
	d.slaunch_grub = d.skl_present = true;
	d.slaunch_entries = 1;
}

static void test_trenchboot(void **state)
{
	(void)state;
	amd_ready();
	aem_doctor_decide(&d);
	assert_true(d.ready);
	assert_int_equal(d.launch, AEM_DLAUNCH_TB_AMD);
	assert_string_equal(aem_doctor_launch_name(d.launch), "trenchboot-amd");
	assert_int_equal(d.mode, AEM_MODE_TPM20_DA);
	/* TPM 1.2 under TrenchBoot: details/authorities, not tboot's legacy mapping */
	amd_ready();
	d.tpm_major = 1;
	aem_doctor_decide(&d);
	assert_int_equal(d.mode, AEM_MODE_TPM12_DA);
	/* SVM off in the firmware hides skinit too: the launch is impossible, say why */
	amd_ready();
	d.svm = d.skinit = false;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-skinit");
	assert_non_null(strstr(d.fixes[0].text, "enable SVM"));
	assert_int_equal(d.mode, AEM_MODE_NONE);
	assert_int_equal(d.launch, AEM_DLAUNCH_NONE);
	amd_ready();
	d.skl_present = false;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-skl");
	assert_false(d.ready);
	amd_ready();
	d.ivrs_present = false;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-iommu");
	assert_non_null(strstr(d.fixes[0].text, "IVRS"));
	amd_ready();
	d.slaunch_entries = 0;
	d.pcr17_all_ff = true;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-slaunch-entry");
	assert_string_equal(d.fixes[1].id, "not-measured");
	assert_non_null(strstr(d.fixes[1].text, "TrenchBoot"));
	amd_ready();
	d.tpm_present = false;
	d.tpm_major = 0;
	aem_doctor_decide(&d);
	assert_string_equal(first(), "no-tpm");
	/* Intel: tboot installed -> tboot; only GRUB's slaunch -> TrenchBoot Intel */
	healthy();
	d.slaunch_grub = true;
	aem_doctor_decide(&d);
	assert_int_equal(d.launch, AEM_DLAUNCH_TBOOT);
	healthy();
	d.tboot_installed = false;
	d.tboot_entries = 0;
	d.slaunch_grub = true;
	d.slaunch_entries = 1;
	aem_doctor_decide(&d);
	assert_int_equal(d.launch, AEM_DLAUNCH_TB_INTEL);
	assert_true(d.ready);
	d.slaunch_grub = false;
	aem_doctor_decide(&d);
	assert_int_equal(d.launch, AEM_DLAUNCH_TBOOT);
	assert_string_equal(first(), "no-tboot");
}

static void test_pcr_hex(void **state)
{
	uint8_t v[64];

	(void)state;
	assert_int_equal(aem_doctor_parse_pcr_hex("FF FF 0a", v, sizeof(v)), 3);
	assert_int_equal(v[2], 0x0a);
	assert_int_equal(aem_doctor_parse_pcr_hex("00112233445566778899aabbccddeeff00112233\n", v, sizeof(v)), 20);
	assert_int_equal(aem_doctor_parse_pcr_hex("0g", v, sizeof(v)), -1);
	assert_int_equal(aem_doctor_parse_pcr_hex("abc", v, sizeof(v)), -1);
	assert_int_equal(aem_doctor_parse_pcr_hex("", v, sizeof(v)), -1);
	assert_int_equal(aem_doctor_parse_pcr_hex("0102", v, 1), -1);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void test_runtime_replay(void **state)
{
	char root[] = "/tmp/aem-rt-XXXXXX", path[256], text[32], **names;
	uint8_t phys[64], out[16], *buf;
	size_t n, len;

	(void)state;
	assert_non_null(mkdtemp(root));
	for (int i = 0; i < 64; i++)
		phys[i] = (uint8_t)i;
	snprintf(path, sizeof(path), "%s/phys", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/phys/fed30000.bin", root);
	write_file(path, phys, sizeof(phys));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/b", root);
	write_file(path, "two \n\n", 6);
	snprintf(path, sizeof(path), "%s/proc/a", root);
	write_file(path, "one", 3);

	assert_int_equal(aem_rt_set_root(root), 0);
	assert_true(aem_rt_replaying());
	assert_int_equal(aem_rt_read_phys(0xfed30010, 16, out), 0);
	assert_int_equal(out[0], 16);
	assert_int_equal(out[15], 31);
	assert_int_equal(aem_rt_read_phys(0xfed30030, 16, out), 0);          /* ends at the file's end */
	assert_int_equal(aem_rt_read_phys(0xfed30031, 16, out), AEM_E_IO); /* one past */
	assert_int_equal(aem_rt_read_phys(0xfed2ffff, 2, out), AEM_E_IO);
	assert_int_equal(aem_rt_read_phys(0, 0, out), AEM_E_INVAL);
	assert_int_equal(aem_rt_read_text("/proc/b", text, sizeof(text)), 0);
	assert_string_equal(text, "two");
	assert_int_equal(aem_rt_read_file("/proc/a", 2, &buf, &len), AEM_E_FORMAT); /* over max */
	assert_int_equal(aem_rt_read_file("/proc/a", 0, &buf, &len), 0);
	assert_int_equal(len, 3);
	free(buf);
	errno = 0;
	assert_int_equal(aem_rt_read_file("/proc/none", 0, &buf, &len), AEM_E_IO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(aem_rt_read_file("/proc/../../etc/passwd", 0, &buf, &len), AEM_E_INVAL);
	assert_int_equal(aem_rt_read_file("proc/a", 0, &buf, &len), AEM_E_INVAL);
	assert_int_equal(aem_rt_list_dir("/proc", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	aem_rt_free_list(names, n);
	assert_true(aem_rt_exists("/proc/a"));
	assert_false(aem_rt_exists("/proc/c"));
	assert_int_equal(aem_rt_set_root(NULL), 0);
	assert_false(aem_rt_replaying());
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

/* The whole doctor over a committed fixture (tests/doctor/fixtures). */
static void test_fixture(void **state)
{
	const char *src = getenv("AEM_SRC");
	char root[512];

	(void)state;
	if (!src)
		fail_msg("AEM_SRC is not set: run the unit tests through tests/run");
	snprintf(root, sizeof(root), "%s/tests/doctor/fixtures/tpm12-x230", src);
	assert_int_equal(aem_rt_set_root(root), 0);
	aem_doctor_run(&d);
	aem_rt_set_root(NULL);
	assert_int_equal(d.mode, AEM_MODE_TPM12_LEGACY);
	assert_true(d.ready);
	assert_int_equal(d.nsinit, 1);
	assert_true(d.sinit[0].matches);
	assert_int_equal(d.tpm_major, 1);
	assert_false(d.uefi);
	assert_true(d.coreboot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_trenchboot),
		cmocka_unit_test(test_pcr_hex),
		cmocka_unit_test(test_runtime_replay),
		cmocka_unit_test(test_fixture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

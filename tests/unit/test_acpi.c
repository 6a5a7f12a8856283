/* Unit tests of aem/doctor/acpi.c: DMAR and IVRS tables written byte by byte from the
 * ACPI header layout (signature, length at 4, checksum at 9), the VT-d DMAR
 * layout (host address width at 36, flags at 37, structures from 48 as
 * {u16 type, u16 length}) and the AMD IVRS layout (IVinfo at 36, blocks from
 * 48 as {u8 type, u8 flags, u16 length}). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "acpi.h"
#include "err.h"

static uint8_t t[256];

static void put(size_t off, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		t[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static void seal(size_t len)
{
	uint8_t sum = 0;

	put(4, (uint32_t)len, 4);
	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
}

/* DMAR: one DRHD (16 bytes, INCLUDE_PCI_ALL) and one RMRR (24 bytes). */
static size_t dmar(void)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "DMAR", 4);
	t[8] = 1;
	t[36] = 38;
	t[37] = 0x05;             /* INTR_REMAP | DMA_CTRL_PLATFORM_OPT_IN */
	put(48, 0, 2);
	put(50, 16, 2);
	t[52] = 1;
	put(64, 1, 2);
	put(66, 24, 2);
	seal(88);
	return 88;
}

static void test_dmar(void **state)
{
	struct aem_acpi_iommu d;
	size_t n = dmar();

	(void)state;
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), 0);
	assert_string_equal(d.sig, "DMAR");
	assert_true(d.checksum_ok);
	assert_int_equal(d.units, 1);
	assert_int_equal(d.reserved, 1);
	assert_int_equal(d.host_addr_width, 38);
	assert_true(d.intr_remap && d.dma_ctrl_opt_in && d.include_all);
	assert_false(d.x2apic_opt_out);
	t[60] ^= 0xff;             /* a byte inside the DRHD: checksum now off */
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), 0);
	assert_false(d.checksum_ok);
}

static void test_ivrs(void **state)
{
	struct aem_acpi_iommu d;

	(void)state;
	memset(t, 0, sizeof(t));
	memcpy(t, "IVRS", 4);
	put(36, 0x203041, 4);
	t[48] = 0x10;
	put(50, 24, 2);
	t[72] = 0x20;
	put(74, 32, 2);
	seal(104);
	assert_int_equal(aem_acpi_iommu_parse(t, 104, &d), 0);
	assert_string_equal(d.sig, "IVRS");
	assert_int_equal(d.units, 1);
	assert_int_equal(d.reserved, 1);
	assert_int_equal(d.iv_info, 0x203041);
}

static void test_malformed(void **state)
{
	struct aem_acpi_iommu d;
	size_t n = dmar();

	(void)state;
	assert_int_equal(aem_acpi_iommu_parse(t, n - 1, &d), AEM_E_FORMAT); /* length > buffer */
	assert_int_equal(aem_acpi_iommu_parse(t, 40, &d), AEM_E_FORMAT);
	assert_int_equal(aem_acpi_iommu_parse(NULL, 0, &d), AEM_E_FORMAT);
	dmar(); memcpy(t, "APIC", 4);
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), AEM_E_FORMAT);
	dmar(); put(66, 200, 2);                      /* RMRR overruns the table */
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), AEM_E_FORMAT);
	dmar(); put(50, 0, 2);                        /* zero-length structure: no progress */
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), AEM_E_FORMAT);
	dmar(); put(48, 1, 2);                        /* DRHD turned RMRR: no remapping unit */
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), AEM_E_FORMAT);
	dmar(); put(4, 20, 4);                        /* length below the fixed part */
	assert_int_equal(aem_acpi_iommu_parse(t, n, &d), AEM_E_FORMAT);
	dmar(); seal(50);                             /* a 2-byte tail cannot hold a header */
	assert_int_equal(aem_acpi_iommu_parse(t, 50, &d), AEM_E_FORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmar),
		cmocka_unit_test(test_ivrs),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

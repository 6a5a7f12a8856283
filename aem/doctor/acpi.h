/* ACPI DMAR (Intel VT-d) and IVRS (AMD-Vi) tables: presence and sanity.
 * AEM's DRTM relies on an IOMMU: without one, a DMA-capable device can
 * rewrite the measured code after the launch. Layouts: Intel VT-d
 * specification ch. 8, AMD IOMMU specification ch. 5, ACPI table header. */
#ifndef AEM_ACPI_H
#define AEM_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEM_ACPI_HDR_SIZE 36u

struct aem_acpi_iommu {
	char sig[5];          /* "DMAR" or "IVRS" */
	uint8_t revision;
	bool checksum_ok;     /* bytes sum to zero */
	unsigned units;       /* DRHD (DMAR) or IVHD (IVRS) remapping units */
	unsigned reserved;    /* RMRR (DMAR) or IVMD (IVRS) reserved memory ranges */
	unsigned other;       /* other sub-tables */
	/* DMAR only */
	uint8_t host_addr_width; /* value + 1 = bits */
	bool intr_remap, x2apic_opt_out, dma_ctrl_opt_in, include_all;
	/* IVRS only */
	uint32_t iv_info;
};

/* Parse a DMAR or IVRS table (chosen by its signature). Returns 0, or
 * AEM_E_FORMAT: wrong signature, length field beyond the buffer or below
 * the fixed part, a sub-table that overruns the table, or no remapping unit.
 * A bad checksum is reported in checksum_ok, not refused (firmware ships
 * them and Linux still uses the table). */
int aem_acpi_iommu_parse(const uint8_t *buf, size_t len, struct aem_acpi_iommu *out);

#endif

/* DMAR / IVRS presence and sanity (see acpi.h). */
#include "acpi.h"
#include "err.h"

#include <string.h>

/* Checked little-endian read at an offset; past the end: *bad set, 0 returned. */
static uint32_t rd(const uint8_t *p, size_t len, size_t off, unsigned width, bool *bad)
{
	uint32_t v = 0;

	if (off > len || width > len - off) {
		*bad = true;
		return 0;
	}
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)p[off + i] << (8 * i);
	return v;
}

/* DMAR remapping structures start after the 36-byte header, the host address
 * width, flags and 10 reserved bytes; each is {u16 type; u16 length; ...}. */
static int walk_dmar(const uint8_t *p, size_t len, struct aem_acpi_iommu *t)
{
	bool bad = false;
	size_t off = 48;

	t->host_addr_width = (uint8_t)rd(p, len, 36, 1, &bad);
	uint8_t flags = (uint8_t)rd(p, len, 37, 1, &bad);
	t->intr_remap = flags & 1;
	t->x2apic_opt_out = (flags >> 1) & 1;
	t->dma_ctrl_opt_in = (flags >> 2) & 1;
	while (!bad && off < len) {
		uint16_t type = (uint16_t)rd(p, len, off, 2, &bad);
		uint16_t slen = (uint16_t)rd(p, len, off + 2, 2, &bad);

		if (bad || slen < 4 || slen > len - off)
			return AEM_E_FORMAT;
		if (type == 0) {
			t->units++;
			if (rd(p, len, off + 4, 1, &bad) & 1)
				t->include_all = true;
		} else if (type == 1) {
			t->reserved++;
		} else {
			t->other++;
		}
		off += slen;
	}
	return bad ? AEM_E_FORMAT : 0;
}

/* IVRS blocks start after the header, IVinfo and 8 reserved bytes; each is
 * {u8 type; u8 flags; u16 length; ...}. IVHD types 0x10/0x11/0x40, IVMD 0x20-0x22. */
static int walk_ivrs(const uint8_t *p, size_t len, struct aem_acpi_iommu *t)
{
	bool bad = false;
	size_t off = 48;

	t->iv_info = rd(p, len, 36, 4, &bad);
	while (!bad && off < len) {
		uint8_t type = (uint8_t)rd(p, len, off, 1, &bad);
		uint16_t blen = (uint16_t)rd(p, len, off + 2, 2, &bad);

		if (bad || blen < 4 || blen > len - off)
			return AEM_E_FORMAT;
		if (type == 0x10 || type == 0x11 || type == 0x40)
			t->units++;
		else if (type >= 0x20 && type <= 0x22)
			t->reserved++;
		else
			t->other++;
		off += blen;
	}
	return bad ? AEM_E_FORMAT : 0;
}

int aem_acpi_iommu_parse(const uint8_t *buf, size_t len, struct aem_acpi_iommu *out)
{
	bool bad = false, dmar;
	uint32_t tlen;
	uint8_t sum = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!buf || len < 48)
		return AEM_E_FORMAT;
	if (!memcmp(buf, "DMAR", 4))
		dmar = true;
	else if (!memcmp(buf, "IVRS", 4))
		dmar = false;
	else
		return AEM_E_FORMAT;
	tlen = rd(buf, len, 4, 4, &bad);
	if (bad || tlen < 48 || tlen > len)
		return AEM_E_FORMAT;
	memcpy(out->sig, buf, 4);
	out->revision = buf[8];
	for (uint32_t i = 0; i < tlen; i++)
		sum = (uint8_t)(sum + buf[i]);
	out->checksum_ok = sum == 0;
	rc = dmar ? walk_dmar(buf, tlen, out) : walk_ivrs(buf, tlen, out);
	if (rc == 0 && out->units == 0)
		rc = AEM_E_FORMAT;
	if (rc < 0) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return 0;
}

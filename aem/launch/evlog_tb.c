/* TrenchBoot's side of the event model: the names of its events (type 0x502 carries a
 * label; Xen's own PCR 18 records carry none and are told apart by their order), the
 * TPM 1.2 log AMD's Secure Kernel Loader writes (a TCG 1.2 header wrapping a TXT
 * container), and the console line by which Xen tells dom0 where that log lies. */
#include "evlog.h"
#include "err.h"

#include <string.h>

#define HDR_RECORD 32u        /* {pcr, type, sha1[20], size} of a TCG 1.2 record */
#define SPEC00_FIXED 24u      /* signature[16], platformClass, minor, major, errata, uintn */
#define CONTAINER_HDR 48u     /* the TXT Event Container header */
#define LABEL_MAX 64u

/* The labels TrenchBoot's SKL, GRUB's policy entries and Xen put in their events. */
static const char *const known_labels[] = {
	"SKINIT", "DLME entry offset", "DLME", "Measured MB2 module", "Xen's command line",
	"MB module string", "MB module", "Measured TXT OS-MLE data",
};

/* The label of a 0x502 event: printable ASCII, trailing NULs dropped; 0 when none. */
static size_t label_len(const struct aem_event *e)
{
	size_t n = e->data_len;

	while (n > 0 && e->data[n - 1] == 0)
		n--;
	if (n == 0 || n > LABEL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (e->data[i] < 0x20 || e->data[i] > 0x7e)
			return 0;
	return n;
}

static bool label_is(const struct aem_event *e, const char *s)
{
	size_t n = label_len(e);

	return e->type == AEM_EV_SLAUNCH && n == strlen(s) && memcmp(e->data, s, n) == 0;
}

static bool unlabelled(const struct aem_event *e)
{
	return e->type == AEM_EV_SLAUNCH && e->data_len == 0;
}

/* Xen's unlabelled records: on a multiboot2 launch the MBI, then (v0.5 on, and on Intel
 * since v0.3) the SLRT platform info; on an EFI launch (no MBI; the log has Xen's own
 * "Xen's command line" / "MB module" events) only the platform info. */
static const char *unlabelled_name(const struct aem_evlog *log, size_t i)
{
	size_t k = 0, total = 0;
	bool efi = false;

	for (size_t j = 0; j < log->n; j++) {
		const struct aem_event *e = &log->ev[j];

		if (unlabelled(e)) {
			if (j < i)
				k++;
			total++;
		}
		if (label_is(e, "Xen's command line") || label_is(e, "MB module string") ||
		    label_is(e, "MB module"))
			efi = true;
	}
	if (total == 1)
		return efi ? "SLRT platform info" : "multiboot2 information (MBI)";
	if (k == 0)
		return "multiboot2 information (MBI)";
	if (k == 1)
		return "SLRT platform info";
	return "SLAUNCH (no label)";
}

const char *aem_evlog_event_name(const struct aem_evlog *log, size_t i, char *buf,
				 size_t size)
{
	const struct aem_event *e;
	size_t n;

	if (!log || i >= log->n)
		return "UNKNOWN";
	e = &log->ev[i];
	switch (e->type) {
	case AEM_EV_SLAUNCH_MBI: return "multiboot2 information (MBI)";
	case AEM_EV_SLAUNCH_KERNEL: return "dom0 kernel";
	case AEM_EV_SLAUNCH_INITRD: return "dom0 initrd";
	case AEM_EV_SLAUNCH: break;
	default: return aem_evlog_type_name(e->type);
	}
	if (unlabelled(e))
		return unlabelled_name(log, i);
	for (size_t k = 0; k < sizeof(known_labels) / sizeof(known_labels[0]); k++)
		if (label_is(e, known_labels[k]))
			return known_labels[k];
	n = label_len(e);
	if (n == 0 || !buf || size <= n)
		return "SLAUNCH";
	memcpy(buf, e->data, n);
	buf[n] = '\0';
	return buf;
}

int aem_evlog_parse_tcg12(const uint8_t *buf, size_t len, struct aem_evlog *log)
{
	static const char spec[16] = "Spec ID Event00";
	uint32_t pcr, type, size;
	const uint8_t *data;
	struct aem_rd r;
	uint8_t vsize;
	int rc;

	if (!buf)
		return AEM_E_INVAL;
	aem_rd_init(&r, buf, len);
	if (aem_rd_u32(&r, &pcr) || aem_rd_u32(&r, &type) || aem_rd_bytes(&r, NULL, 20) ||
	    aem_rd_u32(&r, &size))
		return AEM_E_FORMAT;
	if (type != AEM_EV_NO_ACTION || size < SPEC00_FIXED + 1 + CONTAINER_HDR ||
	    size > SPEC00_FIXED + 1 + 255 || !(data = aem_rd_view(&r, size)))
		return AEM_E_FORMAT;
	if (memcmp(data, spec, sizeof(spec)))
		return AEM_E_FORMAT;
	vsize = data[SPEC00_FIXED];
	/* the record holds exactly the Spec ID fields and the vendorInfo */
	if (vsize < CONTAINER_HDR || SPEC00_FIXED + 1u + vsize != size)
		return AEM_E_FORMAT;
	if ((rc = aem_evlog_append(log, pcr, type, NULL, 0, data, size)) != 0)
		return rc;
	/* The container header is the vendorInfo; its offsets count from there, so its
	 * first event is the record after this header record. */
	return aem_evlog_parse_tpm12(buf + HDR_RECORD + SPEC00_FIXED + 1,
				     len - (HDR_RECORD + SPEC00_FIXED + 1), log);
}

/* "0x1f000" or "0" (Xen's %#lx prints a bare 0): up to 16 hex digits. */
static const char *hex_u64(const char *p, const char *end, uint64_t *v)
{
	unsigned digits = 0;

	*v = 0;
	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; p < end; p++, digits++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			break;
		if (digits == 16)
			return NULL;
		*v = *v << 4 | d;
	}
	return digits ? p : NULL;
}

int aem_xen_slaunch_log_range(const char *text, size_t len, bool *found, uint64_t *base,
			      uint64_t *end)
{
	static const char tag[] = "SLAUNCH: reserving event log (";
	const size_t tlen = sizeof(tag) - 1;
	const char *last = NULL, *p, *stop = text + len;

	*found = false;
	*base = *end = 0;
	if (!text)
		return AEM_E_INVAL;
	for (size_t i = 0; len >= tlen && i <= len - tlen; i++)
		if (text[i] == 'S' && memcmp(text + i, tag, tlen) == 0)
			last = text + i;
	if (!last)
		return 0;
	*found = true;
	p = hex_u64(last + tlen, stop, base);
	if (!p || stop - p < 3 || memcmp(p, " - ", 3))
		return AEM_E_FORMAT;
	p = hex_u64(p + 3, stop, end);
	if (!p || p == stop || *p != ')' || *end <= *base)
		return AEM_E_FORMAT;
	return 0;
}

/* Intel TXT Authenticated Code Module (SINIT ACM) header and chipset ID list.
 * Layout: Intel TXT Software Development Guide, appendix A (the structures
 * tboot names acm_hdr_t, acm_info_table_t and acm_chipset_id_list_t).
 * All fields little-endian; offsets of the info table and of the chipset
 * list are checked against the module size the header declares. */
#ifndef AEM_ACM_H
#define AEM_ACM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fixed header (with its scratch area) in bytes: the info table follows. */
#define AEM_ACM_HDR_SIZE 1216u
/* Chipset ID entries kept; a real SINIT lists a handful. */
#define AEM_ACM_MAX_IDS 64u

#define AEM_ACM_TYPE_BIOS 0x00
#define AEM_ACM_TYPE_SINIT 0x01

struct aem_acm_chipset_id {
	uint32_t flags; /* bit 0: revision is a mask, not a value */
	uint16_t vendor, device, revision;
	uint32_t extended;
};

struct aem_acm {
	uint16_t module_type, module_subtype, chipset_id, flags;
	uint32_t header_len, header_ver, vendor, date, size; /* size in bytes */
	uint16_t txt_svn;
	bool debug_signed, pre_production;
	uint8_t acm_type;       /* info table chipset_acm_type: BIOS, SINIT, ... */
	uint8_t info_version;
	uint32_t os_sinit_data_ver, min_mle_hdr_ver, capabilities;
	uint8_t acm_ver;
	uint32_t nids;          /* entries in ids[] */
	uint32_t total_ids;     /* entries the list declares (may exceed nids) */
	struct aem_acm_chipset_id ids[AEM_ACM_MAX_IDS];
};

/* Parse an ACM file. Returns 0, or AEM_E_FORMAT when buf is not a
 * well-formed Intel chipset ACM (too short, wrong type, vendor or UUID,
 * info table version < 3, or a table outside the module). */
int aem_acm_parse(const uint8_t *buf, size_t len, struct aem_acm *out);
bool aem_acm_is_sinit(const struct aem_acm *a);
/* Does an entry of the chipset list accept this TXT.DIDVID? Vendor and device
 * must be equal; the revision equal, or, when the entry's flags bit 0 is set,
 * share a bit with the entry's revision mask. */
bool aem_acm_matches(const struct aem_acm *a, uint64_t didvid);
/* The date field (BCD 0xYYYYMMDD) as "YYYY-MM-DD" into buf (11 bytes). */
char *aem_acm_date(const struct aem_acm *a, char *buf, size_t size);

#endif

/* Intel TXT public configuration space (0xFED30000): register decoding.
 * Pure: the caller hands in a snapshot of the space (runtime.h reads it).
 * Offsets and bit layouts: Intel TXT Software Development Guide, the same
 * ones tboot's txt-stat prints. */
#ifndef AEM_TXTREGS_H
#define AEM_TXTREGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEM_TXT_PUB_BASE 0xFED30000u
/* The snapshot the doctor reads: one page holds every register it decodes. */
#define AEM_TXT_PUB_SNAPSHOT 0x1000u

#define AEM_TXT_STS 0x000u
#define AEM_TXT_ESTS 0x008u
#define AEM_TXT_ERRORCODE 0x030u
#define AEM_TXT_VER_FSBIF 0x100u
#define AEM_TXT_DIDVID 0x110u
#define AEM_TXT_SINIT_BASE 0x270u
#define AEM_TXT_SINIT_SIZE 0x278u
#define AEM_TXT_HEAP_BASE 0x300u
#define AEM_TXT_HEAP_SIZE 0x308u
#define AEM_TXT_E2STS 0x8f0u

struct aem_txt_regs {
	uint64_t sts, ests, errorcode, ver_fsbif, didvid;
	uint64_t sinit_base, sinit_size, heap_base, heap_size, e2sts;
	bool absent; /* every register read all-FF (or all-zero): no TXT chipset answers */
};

/* Decode a snapshot of the public space starting at its base; len must reach
 * E2STS (0x8f8 bytes). Returns 0 or AEM_E_FORMAT. */
int aem_txt_parse(const uint8_t *buf, size_t len, struct aem_txt_regs *r);

/* TXT.STS bits. */
#define AEM_TXT_STS_SENTER_DONE (1ull << 0)
#define AEM_TXT_STS_SEXIT_DONE (1ull << 1)
#define AEM_TXT_STS_MEM_CONFIG_LOCK (1ull << 6)
#define AEM_TXT_STS_PRIVATE_OPEN (1ull << 7)
#define AEM_TXT_STS_LOCALITY1_OPEN (1ull << 15)
#define AEM_TXT_STS_LOCALITY2_OPEN (1ull << 16)
/* TXT.ESTS: TXT_RESET.STS, set after a TXT reset: SENTER is refused until a power cycle. */
#define AEM_TXT_ESTS_RESET (1ull << 0)
/* TXT.E2STS: secrets may be in memory. */
#define AEM_TXT_E2STS_SECRETS (1ull << 1)

/* TXT.DIDVID split into its fields. */
struct aem_txt_didvid {
	uint16_t vendor, device, revision, extended;
};
void aem_txt_didvid_split(uint64_t didvid, struct aem_txt_didvid *d);

/* TXT.ERRORCODE, decoded. An ACM error carries the module type (0 BIOS ACM,
 * 1 SINIT), a class (progress) code, a major and a minor error code. */
struct aem_txt_error {
	bool valid;     /* bit 31 */
	bool external;  /* bit 30: from an ACM or software, not the processor */
	bool failure;   /* the last launch failed (valid, and not a success code) */
	bool from_acm;  /* external and bit 15 clear */
	unsigned proc_type;   /* processor error type (external clear) */
	unsigned module_type; /* bits 3:0 */
	unsigned class_code;  /* bits 9:4 */
	unsigned major;       /* bits 14:10 */
	unsigned minor;       /* bits 29:16 */
};
void aem_txt_error_decode(uint64_t errorcode, struct aem_txt_error *e);
/* One line in words, e.g. "last launch failed: SINIT ACM error class 0x04
 * major 0x01 minor 0x000 (raw 0xc0004041)". Returns buf. */
char *aem_txt_error_describe(uint64_t errorcode, char *buf, size_t size);
/* The set TXT.STS flags in words ("senter-done mem-config-lock ..."). Returns buf. */
char *aem_txt_sts_describe(uint64_t sts, char *buf, size_t size);

#endif

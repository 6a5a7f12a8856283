/* tboot's measurement rules (tboot 1.10.x, default policy): what it extends into which
 * PCR, in which order, with which digest. Pure: no files, no TPM (the module image
 * digests come in from hashfile.h). */
#ifndef AEM_TBOOT_H
#define AEM_TBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "family.h"

enum aem_pcr_map {
	AEM_PCR_MAP_LEGACY = 0, /* TPM 1.2 default: 17<-P, 18<-M0, 19<-M1.. */
	AEM_PCR_MAP_DA,         /* details/authorities: 17<-P, 18<-P, 17<-M0, 19<-M1.. (TPM 2.0: 17<-Mi) */
};

enum aem_extpol {
	AEM_EXTPOL_SHA256 = 0,  /* tboot's TPM 2.0 default: only the sha256 bank */
	AEM_EXTPOL_SHA1,        /* only the sha1 bank (TPM 1.2 has nothing else) */
	AEM_EXTPOL_AGILE,       /* every bank, each with its own hash */
	AEM_EXTPOL_EMBEDDED,    /* every bank tboot knows, each with its own hash */
};

struct aem_tboot_cfg {
	enum aem_family family;
	enum aem_pcr_map map;    /* ignored on TPM 2.0: tboot forces D/A there */
	enum aem_extpol extpol;  /* ignored on TPM 1.2: sha1 */
};

/* tboot's built-in policy for the family (used when no policy is in TPM NV). */
const uint8_t *aem_tboot_default_policy(enum aem_family f, size_t *len);

/* The bank tboot's "current" hash uses (H_cur of the policy): sha1 on TPM 1.2,
 * sha256 on TPM 2.0 with extpol sha256 / agile / embedded, sha1 with extpol sha1. */
enum aem_bank aem_tboot_cur_bank(const struct aem_tboot_cfg *c);
/* True when tboot extends this bank at all under cfg. */
bool aem_tboot_extends_bank(const struct aem_tboot_cfg *c, enum aem_bank bank);
/* The mapping in effect (TPM 2.0 is always D/A). */
enum aem_pcr_map aem_tboot_effective_map(const struct aem_tboot_cfg *c);

/* Policy entry P = H_bank(le32(policy_control) || H_cur(policy)); the hash part is
 * zero when policy_control lacks EXTEND_PCR17. policy must be a tboot policy (the
 * control word is read from it). out gets aem_bank_size(bank) bytes. */
int aem_tboot_policy_entry(const struct aem_tboot_cfg *c, enum aem_bank bank,
			   const uint8_t *policy, size_t len, uint8_t *out);

/* Module digest M = H(H(cmdline) || image_digest), image_digest = H(image) computed by
 * the caller with the same bank. cmdline is measured exactly as given (no NUL). */
int aem_tboot_module_digest(enum aem_bank bank, const char *cmdline,
			    const uint8_t *image_digest, uint8_t *out);

/* PCR of the policy entries, in order: count written to pcrs (1 or 2). */
unsigned aem_tboot_policy_pcrs(const struct aem_tboot_cfg *c, unsigned pcrs[2]);
/* PCR that module `index` (after SINIT/LCP modules are removed) is extended into. */
unsigned aem_tboot_module_pcr(const struct aem_tboot_cfg *c, unsigned index);

/* True when buf starts like an Intel ACM (SINIT): module type 2, vendor 0x8086. tboot
 * removes such modules (and LCP policy data) before measuring. */
bool aem_tboot_is_acm(const uint8_t *buf, size_t len);
bool aem_tboot_is_lcp_data(const uint8_t *buf, size_t len);

/* SINIT's MLE hash of a tboot ELF image (already decompressed): the PT_LOAD segments
 * are laid out one after the other, the MLE header is found by its UUID on a 16-byte
 * boundary, tboot's command line (may be NULL: left as in the file) is written into the
 * header's command-line area, and [mle_start_off, mle_end_off) is hashed. */
int aem_tboot_mle_hash(const uint8_t *elf, size_t len, const char *cmdline,
		       enum aem_bank bank, uint8_t *out);

#endif

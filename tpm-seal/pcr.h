/* PCR banks, selections and extend arithmetic E(p, d) = H(p || d).
 * Pure: no TPM. Shared by the TPM backends, the sealed-file format and the
 * measurement model above. */
#ifndef AEM_TPM_PCR_H
#define AEM_TPM_PCR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define AEM_PCR_COUNT 24
#define AEM_MAX_DIGEST 64

/* TPM 2.0 algorithm identifiers (TCG Algorithm Registry); TPM 1.2 is sha1 only. */
enum aem_bank {
	AEM_BANK_NONE = 0,
	AEM_BANK_SHA1 = 0x0004,
	AEM_BANK_SHA256 = 0x000b,
	AEM_BANK_SHA384 = 0x000c,
	AEM_BANK_SHA512 = 0x000d,
};

/* Digest size in bytes of a bank, 0 for an unknown one. */
size_t aem_bank_size(enum aem_bank bank);
/* "sha1", "sha256", ...; "unknown" for others. */
const char *aem_bank_name(enum aem_bank bank);
/* Parse a bank name; AEM_BANK_NONE when unknown. */
enum aem_bank aem_bank_from_name(const char *name);
/* Bank from a TPM_ALG_ID; AEM_BANK_NONE when not a supported hash. */
enum aem_bank aem_bank_from_alg(uint16_t alg);

/* A bitmask of PCR indexes 0..23. */
typedef uint32_t aem_pcr_mask;

/* Parse "13,17,18" or "13,17-19" into a mask; -1 on a bad list (empty, >23, junk). */
int aem_pcr_mask_parse(const char *s, aem_pcr_mask *out);
/* Format a mask as "13,17,18" into buf; returns buf. */
char *aem_pcr_mask_format(aem_pcr_mask m, char *buf, size_t len);
static inline bool aem_pcr_mask_has(aem_pcr_mask m, unsigned pcr)
{
	return pcr < AEM_PCR_COUNT && (m >> pcr) & 1u;
}

/* One PCR value of a bank. */
struct aem_digest {
	enum aem_bank bank;
	uint8_t d[AEM_MAX_DIGEST];
};

/* Hash len bytes of data with the bank's hash into out (aem_bank_size bytes).
 * Returns 0 or a negative error code (err.h). */
int aem_hash(enum aem_bank bank, const void *data, size_t len, uint8_t *out);
/* OpenSSL's digest for a bank (an EVP_MD), NULL for an unknown one: for
 * callers that hash a stream themselves. */
struct evp_md_st;
const struct evp_md_st *aem_bank_md(enum aem_bank bank);
/* pcr := H(pcr || digest), both aem_bank_size(bank) bytes. */
int aem_pcr_extend(enum aem_bank bank, uint8_t *pcr, const uint8_t *digest);

/* Set of expected values for some PCRs of one bank. */
struct aem_pcr_values {
	enum aem_bank bank;
	aem_pcr_mask mask;
	uint8_t v[AEM_PCR_COUNT][AEM_MAX_DIGEST];
};

/* Lower-case hex of n bytes into out (2n+1 bytes). Returns out. */
char *aem_hex(const uint8_t *b, size_t n, char *out);
/* Parse exactly n bytes of hex (optionally "0x"-prefixed, either case); -1 if malformed. */
int aem_unhex(const char *s, uint8_t *out, size_t n);

/* True when all n bytes equal v (PCR sanity: all-00 or all-FF). */
bool aem_all_bytes(const uint8_t *b, size_t n, uint8_t v);

#endif

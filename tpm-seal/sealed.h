/* The sealed file, format v1 (byte layout in docs/sealed-format.md): what the
 * TPM object protects (a random AES key), the payload encrypted under it, and
 * enough description (family, bank, PCRs, expected values, policy digest) to
 * explain a failed unseal without asking the TPM. Pure: no TPM, no files. */
#ifndef AEM_TPM_SEALED_H
#define AEM_TPM_SEALED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "family.h"
#include "pcr.h"

#define AEM_SEALED_F_PIN 0x1u          /* the TPM object also needs a PIN (authValue) */
#define AEM_SEALED_VERSION 1
#define AEM_SEALED_MAGIC "\x89" "AEMSEAL"
#define AEM_SEALED_MAGIC_SIZE 8
#define AEM_SEALED_SALT_SIZE 16
#define AEM_SEALED_NONCE_SIZE 12
#define AEM_SEALED_TAG_SIZE 16
#define AEM_SEALED_MAX_PUB 1024
#define AEM_SEALED_MAX_PRIV 2048
#define AEM_SEALED_MAX_PAYLOAD (64u << 20)
/* Largest well-formed file: payload plus the largest header (a read limit). */
#define AEM_SEALED_MAX_FILE (AEM_SEALED_MAX_PAYLOAD + 8192u)

struct aem_sealed {
	enum aem_family family;
	uint32_t flags;                      /* AEM_SEALED_F_* */
	struct aem_pcr_values expect;        /* bank + mask + expected values the policy was built from */
	uint8_t policy[AEM_MAX_DIGEST];      /* TPM2: 32-byte policy digest; TPM1.2: digestAtRelease (20) */
	size_t policy_len;
	uint8_t pin_salt[AEM_SEALED_SALT_SIZE]; /* salt of aem_pin_stretch when F_PIN, else zero */
	uint8_t blob_pub[AEM_SEALED_MAX_PUB];   /* TPM2: marshalled TPM2B_PUBLIC; TPM1.2: unused (0) */
	size_t blob_pub_len;
	uint8_t blob_priv[AEM_SEALED_MAX_PRIV]; /* TPM2: marshalled TPM2B_PRIVATE; TPM1.2: the sealed blob */
	size_t blob_priv_len;
	uint8_t nonce[AEM_SEALED_NONCE_SIZE];
	uint8_t tag[AEM_SEALED_TAG_SIZE];
	uint8_t *ct;                         /* payload ciphertext, heap, owned; NULL when ct_len is 0 */
	size_t ct_len;
};

/* Parse a sealed file into out (fully overwritten; free with aem_sealed_free
 * on success; on error out holds nothing to free). AEM_E_NOT_AEM when the
 * magic is absent, AEM_E_VERSION for an unknown version, AEM_E_FORMAT
 * for anything malformed; never reads outside buf[0..len). */
int aem_sealed_parse(const uint8_t *buf, size_t len, struct aem_sealed *out);
/* Serialize s into a malloc'd *buf / *len. AEM_E_INVAL when s would not
 * parse back (bad family, bank, mask, lengths, flags). */
int aem_sealed_serialize(const struct aem_sealed *s, uint8_t **buf, size_t *len);
/* The bytes the GCM tag authenticates (malloc'd): the whole header, i.e.
 * everything except nonce, tag and ciphertext. Same validation as serialize. */
int aem_sealed_aad(const struct aem_sealed *s, uint8_t **buf, size_t *len);
/* Free s->ct and wipe the struct. Safe on a zeroed struct. */
void aem_sealed_free(struct aem_sealed *s);

#endif

/* A password box: a small secret encrypted under a key stretched from a
 * password (scrypt, kdf.h) with AES-256-GCM (aead.h). It holds the TOTP
 * recovery copy (the otpauth URI) and the multi-factor LUKS key file, so a
 * stolen file alone costs an offline scrypt search per guess. Format v1
 * (all integers big-endian; documented in docs/multifactor.md):
 *   magic "\x89AEMPBOX" (8) | version u8 = 1 | kdf u8 = 1 (scrypt)
 *   | log2N u8 | r u8 | p u8 | reserved u8 = 0 | salt (16)
 *   | nonce (12) | tag (16) | length u32 | ciphertext (length)
 * The GCM tag authenticates the header (magic .. salt) as AAD. */
#ifndef AEM_PWBOX_H
#define AEM_PWBOX_H

#include <stddef.h>
#include <stdint.h>

#define AEM_PWBOX_MAGIC "\x89" "AEMPBOX"
#define AEM_PWBOX_MAGIC_SIZE 8
#define AEM_PWBOX_VERSION 1
#define AEM_PWBOX_HEAD 30          /* bytes covered as AAD */
#define AEM_PWBOX_OVERHEAD 62      /* header + nonce + tag + length */
#define AEM_PWBOX_MAX_DATA 4096    /* largest secret a box holds */
/* Accepted scrypt parameters: room for stronger settings than the default,
 * bounded so a hostile file cannot ask for gigabytes (N * r <= 2^22, i.e. at
 * most 512 MiB of scrypt memory). */
#define AEM_PWBOX_LOG2N_MIN 10
#define AEM_PWBOX_LOG2N_MAX 20
#define AEM_PWBOX_R_MAX 16
#define AEM_PWBOX_P_MAX 4

/* A parsed box; ct points into the caller's buffer. */
struct aem_pwbox {
	uint8_t log2n, r, p;
	uint8_t salt[16];
	uint8_t nonce[12];
	uint8_t tag[16];
	const uint8_t *ct;
	size_t ct_len;
};

/* Parse buf (never read outside [0, len)). AEM_E_NOT_AEM without the
 * magic, AEM_E_VERSION for another version, AEM_E_FORMAT otherwise. */
int aem_pwbox_parse(const uint8_t *buf, size_t len, struct aem_pwbox *out);

/* Encrypt len (1..AEM_PWBOX_MAX_DATA) bytes of pt under pw with the default
 * scrypt parameters of kdf.h; *out is malloc'd (free with aem_buf_free). */
int aem_pwbox_seal(const char *pw, size_t pw_len, const uint8_t *pt, size_t len, uint8_t **out,
		   size_t *out_len);
/* The same with explicit scrypt parameters (tests; must be within the limits). */
int aem_pwbox_seal_kdf(const char *pw, size_t pw_len, unsigned log2n, unsigned r, unsigned p,
		       const uint8_t *pt, size_t len, uint8_t **out, size_t *out_len);

/* Decrypt the box in buf into pt (cap bytes of room); *pt_len gets the size.
 * AEM_TPM_E_AUTH when the password is wrong or the box was altered (GCM
 * cannot tell them apart); pt is wiped on every failure. */
int aem_pwbox_open(const uint8_t *buf, size_t len, const char *pw, size_t pw_len, uint8_t *pt,
		   size_t cap, size_t *pt_len);

/* Shared by pwbox.c and pwbox_seal.c: are the scrypt parameters within the
 * limits above; the AES key for box b from pw (AEM_E_INVAL for an empty
 * password). */
int aem_pwbox_kdf_ok(unsigned log2n, unsigned r, unsigned p);
int aem_pwbox_derive(const char *pw, size_t pw_len, const struct aem_pwbox *b,
		     uint8_t key[32]);

#endif

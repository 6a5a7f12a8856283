/* RFC 4648 base32 (the alphabet A-Z 2-7), as used for TOTP secrets. */
#ifndef AEM_DISP_BASE32_H
#define AEM_DISP_BASE32_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed to encode n bytes without padding (no NUL counted). */
size_t aem_disp_base32_enclen(size_t n);

/* Encode n bytes as upper-case base32 without '=' padding into out (NUL
 * terminated). outsz must be at least aem_disp_base32_enclen(n) + 1, else
 * AEM_DISP_E_SPACE and out is left empty. */
int aem_disp_base32_encode(const uint8_t *in, size_t n, char *out, size_t outsz);

/* Decode base32 text: case-insensitive, '=' padding tolerated at the end
 * (then the padded length must be a multiple of 8), no other characters.
 * Rejects impossible lengths and non-zero unused trailing bits, so every
 * accepted text is the canonical encoding of its bytes. On any error out is
 * wiped and *outlen is 0. */
int aem_disp_base32_decode(const uint8_t *buf, size_t len, uint8_t *out, size_t outsz,
			   size_t *outlen);

#endif

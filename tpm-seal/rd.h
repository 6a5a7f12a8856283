/* A bounds-checked reader over untrusted bytes, for every binary parser of the
 * project (sealed files, TPM blobs, TXT heaps and event logs, freshness
 * bundles). A read past the end fails (-1) and latches: every later read fails
 * too, so a parser may check once after a run of reads. Nothing is allocated;
 * views point into the caller's buffer. */
#ifndef AEM_TPM_RD_H
#define AEM_TPM_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aem_rd {
	const uint8_t *p;
	size_t len, off;
	bool err;
};

void aem_rd_init(struct aem_rd *r, const uint8_t *buf, size_t len);
size_t aem_rd_left(const struct aem_rd *r);
/* Point at the next n bytes without copying them; NULL when fewer remain. */
const uint8_t *aem_rd_view(struct aem_rd *r, size_t n);
int aem_rd_bytes(struct aem_rd *r, void *out, size_t n);     /* out may be NULL: skip */
int aem_rd_u8(struct aem_rd *r, uint8_t *v);
/* Little-endian (TXT heap, TCG event logs). */
int aem_rd_u16(struct aem_rd *r, uint16_t *v);
int aem_rd_u32(struct aem_rd *r, uint32_t *v);
int aem_rd_u64(struct aem_rd *r, uint64_t *v);
/* Big-endian (TPM structures, aem's own formats). */
int aem_rd_be16(struct aem_rd *r, uint16_t *v);
int aem_rd_be32(struct aem_rd *r, uint32_t *v);

#endif

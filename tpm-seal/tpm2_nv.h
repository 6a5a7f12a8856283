/* TPM 2.0 NV storage for the facade's nv_read / nv_write (tpm2_nv.c). */
#ifndef AEM_TPM_TPM2_NV_H
#define AEM_TPM_TPM2_NV_H

#include <stddef.h>
#include <stdint.h>

/* Read exactly len bytes of NV index from offset 0. AEM_E_INVAL when the
 * index is not defined or has another size. */
int aem_tpm2_nv_read(void *impl, uint32_t index, uint8_t *buf, size_t len);
/* Write len bytes at offset 0, defining the index on first use. */
int aem_tpm2_nv_write(void *impl, uint32_t index, const uint8_t *buf, size_t len);

#endif

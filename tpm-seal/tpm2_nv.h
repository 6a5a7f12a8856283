/* TPM 2.0 NV storage for the facade's NV operations (tpm2_nv.c; the kinds
 * and the checks are described at aem_tpm_nv_read in tpm.h). */
#ifndef AEM_TPM_TPM2_NV_H
#define AEM_TPM_TPM2_NV_H

#include <stddef.h>
#include <stdint.h>

int aem_tpm2_nv_read(void *impl, uint32_t index, const uint8_t *key, uint8_t *buf, size_t len);
int aem_tpm2_nv_write(void *impl, uint32_t index, const uint8_t *key, const uint8_t *buf,
		      size_t len);
int aem_tpm2_nv_define(void *impl, uint32_t index, const uint8_t *key, size_t len);
int aem_tpm2_nv_undefine(void *impl, uint32_t index);
int aem_tpm2_nv_kind(void *impl, uint32_t index, int *kind, size_t *size);

#endif

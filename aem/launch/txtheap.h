/* The Intel TXT heap (TXT.HEAP.BASE, TXT.HEAP.SIZE): find the element that points at
 * the event log SINIT and tboot wrote. Pure: the caller hands in a copy of the heap
 * (evlog_live.c reads it through the runtime layer).
 *
 * Layout (tboot include/txt/heap.h, checked in docs/measurement.md): four tables,
 * BiosData, OsMleData, OsSinitData, SinitMleData, each preceded by a u64 size that
 * counts the size field itself. OsSinitData version >= 6 carries extended data
 * elements {u32 type; u32 size (header included); data} after its 92-byte fixed part,
 * ended by a type-0 element. The log pointer is element type 5 (TPM 1.2 container
 * address), 7 (TPM 2.0 Intel legacy: per-bank descriptors) or 8 (TPM 2.0 TCG). */
#ifndef AEM_TXTHEAP_H
#define AEM_TXTHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcr.h"

#define AEM_TXT_ELT_END 0u
#define AEM_TXT_ELT_LOG_PTR 5u       /* TPM 1.2: u64 address of the event container */
#define AEM_TXT_ELT_LOG_PTR2 7u      /* TPM 2.0 Intel legacy: count + descriptors */
#define AEM_TXT_ELT_LOG_PTR2_1 8u    /* TPM 2.0 TCG: address, size, first/next offsets */
#define AEM_TXT_OS_SINIT_FIXED 92u   /* OsSinitData up to efi_rsdt_ptr (version 5) */
#define AEM_TXT_HEAP_MAX_LOGS 8u
/* TPM 1.2 event container header (signature ... next_event_offset). */
#define AEM_TXT_CONTAINER_HDR 48u

enum aem_txt_table { AEM_TXT_BIOS = 0, AEM_TXT_OS_MLE, AEM_TXT_OS_SINIT, AEM_TXT_SINIT_MLE };

/* One log in physical memory: its bytes are [base + first, base + next). */
struct aem_txt_log_desc {
	uint16_t alg;          /* TPM_ALG_* of a legacy per-bank log; 0 otherwise */
	enum aem_bank bank;    /* AEM_BANK_NONE when alg is not a bank aem knows */
	uint64_t base;
	uint32_t size;         /* allocated */
	uint32_t first, next;
};

struct aem_txt_heap {
	uint64_t off[4], size[4];     /* each table's data: offset in the heap, bytes (size field excluded) */
	bool have_sinit_mle;          /* SinitMleData present and in bounds (written by SINIT) */
	uint32_t os_sinit_version;
	unsigned log_type;            /* 0: no log element; else AEM_TXT_ELT_LOG_PTR* */
	unsigned nlogs;               /* type 5 and 8: 1; type 7: descriptors kept */
	struct aem_txt_log_desc logs[AEM_TXT_HEAP_MAX_LOGS];
};

/* Parse a copy of the heap. Returns 0 (also when there is no log element: log_type 0)
 * or AEM_E_FORMAT when a size or offset points outside buf or its table. For type 5
 * the descriptor has base = the container address and size = first = next = 0 until
 * aem_txt_container_span fills them from the container header. */
int aem_txtheap_parse(const uint8_t *buf, size_t len, struct aem_txt_heap *h);

/* From a TPM 1.2 event container header (at least AEM_TXT_CONTAINER_HDR bytes), set
 * d->size and the span to read: first = 0 (the TPM 1.2 parser wants the header too),
 * next = next_event_offset. *empty tells whether the container holds no event.
 * Returns 0 or AEM_E_FORMAT (bad signature, offsets out of order or past the
 * container). */
int aem_txt_container_span(const uint8_t *hdr, size_t len, struct aem_txt_log_desc *d,
			   bool *empty);

#endif

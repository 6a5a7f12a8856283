/* The live TXT event log: public space -> heap -> OsSinitData log pointer -> the log.
 * Every read goes through the runtime layer (read-only /dev/mem, or a recorded
 * machine's phys/ files), so the same code runs against fixtures in tests. */
#include "evlog_live.h"
#include "txtheap.h"
#include "txtregs.h"
#include "runtime.h"
#include "err.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tboot allocates 8 KiB (TCG) or 20 KiB (TPM 1.2); anything far above is corrupt. */
#define LIVE_LOG_MAX (4u << 20)

static int fail(struct aem_evlog_live *info, enum aem_live_why why, int rc)
{
	info->why = why;
	return rc;
}

static int read_failed(struct aem_evlog_live *info)
{
	info->err_no = errno;
	if (errno == EPERM || errno == EACCES)
		return fail(info, AEM_LIVE_DENIED, AEM_E_IO);
	return fail(info, AEM_LIVE_UNREADABLE, AEM_E_IO);
}

/* Bytes [addr, addr+len): from the heap copy when they lie inside it (the usual case:
 * tboot puts the log in OsMleData), else a read of their own. */
static int read_range(const uint8_t *heap, const struct aem_evlog_live *info, uint64_t addr,
		      size_t len, uint8_t *out)
{
	if (addr >= info->heap_base && addr - info->heap_base <= info->heap_size &&
	    len <= info->heap_size - (addr - info->heap_base)) {
		memcpy(out, heap + (addr - info->heap_base), len);
		return 0;
	}
	return aem_rt_read_phys(addr, len, out);
}

static int read_public(struct aem_evlog_live *info)
{
	uint8_t space[AEM_TXT_PUB_SNAPSHOT];
	struct aem_txt_regs regs;

	if (aem_rt_read_phys(AEM_TXT_PUB_BASE, sizeof(space), space) < 0) {
		/* a recording without the page: the recorded machine had no TXT */
		if (errno == ENOENT && aem_rt_replaying())
			return fail(info, AEM_LIVE_NO_TXT, AEM_E_UNSUPPORTED);
		return read_failed(info);
	}
	if (aem_txt_parse(space, sizeof(space), &regs) || regs.absent ||
	    !regs.heap_base || !regs.heap_size)
		return fail(info, AEM_LIVE_NO_TXT, AEM_E_UNSUPPORTED);
	info->heap_base = regs.heap_base;
	info->heap_size = regs.heap_size;
	info->senter_done = regs.sts & AEM_TXT_STS_SENTER_DONE;
	if (regs.heap_size > AEM_RT_MAX_PHYS || regs.heap_base > UINT64_MAX - regs.heap_size)
		return fail(info, AEM_LIVE_BAD_HEAP, AEM_E_FORMAT);
	return 0;
}

/* Copy one log's bytes into info->raw[]. */
static int fetch(const uint8_t *heap, struct aem_evlog_live *info,
		 const struct aem_txt_log_desc *d)
{
	size_t len = d->next - d->first;
	uint8_t *b;

	if (len > LIVE_LOG_MAX || info->nraw >= AEM_EVLOG_MAX_BANKS)
		return fail(info, AEM_LIVE_BAD_LOG, AEM_E_FORMAT);
	if (!(b = malloc(len)))
		return AEM_E_NOMEM;
	if (read_range(heap, info, d->base + d->first, len, b) < 0) {
		free(b);
		return read_failed(info);
	}
	if (!info->nraw) {
		info->log_addr = d->base + d->first;
		info->log_len = len;
	}
	info->raw_bank[info->nraw] = d->bank;
	info->raw_len[info->nraw] = len;
	info->raw[info->nraw++] = b;
	return 0;
}

static int fetch_tpm12(const uint8_t *heap, struct aem_evlog_live *info,
		       struct aem_txt_log_desc *d)
{
	uint8_t hdr[AEM_TXT_CONTAINER_HDR];
	bool empty;

	if (read_range(heap, info, d->base, sizeof(hdr), hdr) < 0)
		return read_failed(info);
	if (aem_txt_container_span(hdr, sizeof(hdr), d, &empty))
		return fail(info, AEM_LIVE_BAD_LOG, AEM_E_FORMAT);
	if (empty)
		return fail(info, AEM_LIVE_EMPTY, AEM_TPM_E_UNMEASURED);
	return fetch(heap, info, d);
}

static int fetch_all(const uint8_t *heap, struct aem_txt_heap *h, struct aem_evlog_live *info)
{
	int rc = 0;

	if (h->log_type == AEM_TXT_ELT_LOG_PTR)
		return fetch_tpm12(heap, info, &h->logs[0]);
	for (unsigned i = 0; i < h->nlogs && rc == 0; i++)
		if (h->logs[i].next > h->logs[i].first)
			rc = fetch(heap, info, &h->logs[i]);
	if (rc == 0 && !info->nraw)
		return fail(info, AEM_LIVE_EMPTY, AEM_TPM_E_UNMEASURED);
	return rc;
}

static int parse_all(struct aem_evlog *log, struct aem_evlog_live *info)
{
	int rc = 0;

	for (unsigned i = 0; i < info->nraw && rc == 0; i++) {
		struct aem_evlog more = { 0 };

		if (info->elt_type == AEM_TXT_ELT_LOG_PTR)
			rc = aem_evlog_parse_tpm12(info->raw[i], info->raw_len[i], log);
		else if (info->elt_type == AEM_TXT_ELT_LOG_PTR2_1)
			rc = aem_evlog_parse_tcg(info->raw[i], info->raw_len[i], log);
		else if (i == 0)
			rc = aem_evlog_parse_legacy(info->raw[i], info->raw_len[i], log);
		else if ((rc = aem_evlog_parse_legacy(info->raw[i], info->raw_len[i], &more)) == 0)
			rc = aem_evlog_merge_bank(log, &more);
		aem_evlog_free(&more);
	}
	if (rc == AEM_E_NOMEM)
		return rc;
	return rc ? fail(info, AEM_LIVE_BAD_LOG, AEM_E_FORMAT) : 0;
}

static int from_heap(const uint8_t *heap, struct aem_evlog_live *info)
{
	struct aem_txt_heap h;

	if (aem_txtheap_parse(heap, (size_t)info->heap_size, &h))
		return fail(info, AEM_LIVE_BAD_HEAP, AEM_E_FORMAT);
	info->os_sinit_version = h.os_sinit_version;
	info->elt_type = h.log_type;
	if (!h.log_type)
		return fail(info, AEM_LIVE_NO_LOG_ELT, AEM_TPM_E_UNMEASURED);
	return fetch_all(heap, &h, info);
}

int aem_evlog_read_live(struct aem_evlog *log, struct aem_evlog_live *info)
{
	uint8_t *heap;
	int rc;

	memset(info, 0, sizeof(*info));
	if (aem_live_cpu_is_amd())
		return aem_evlog_read_live_xen(log, info);
	if ((rc = read_public(info)) != 0)
		return rc;
	if (!(heap = malloc((size_t)info->heap_size)))
		return AEM_E_NOMEM;
	if (aem_rt_read_phys(info->heap_base, (size_t)info->heap_size, heap) < 0)
		rc = read_failed(info);
	else
		rc = from_heap(heap, info);
	free(heap);
	if (rc == 0)
		rc = parse_all(log, info);
	if (rc)
		aem_evlog_live_free(info);
	return rc;
}

void aem_evlog_live_free(struct aem_evlog_live *info)
{
	for (unsigned i = 0; i < info->nraw; i++)
		free(info->raw[i]);
	info->nraw = 0;
	memset(info->raw, 0, sizeof(info->raw));
}

char *aem_evlog_live_describe(const struct aem_evlog_live *info, char *buf, size_t size)
{
	if (info->amd)
		return aem_evlog_live_describe_xen(info, buf, size);
	switch (info->why) {
	case AEM_LIVE_OK:
		snprintf(buf, size, "TXT heap at 0x%" PRIx64 ": log element type %u, %zu bytes at 0x%"
			 PRIx64, info->heap_base, info->elt_type, info->log_len, info->log_addr);
		break;
	case AEM_LIVE_NO_TXT:
		snprintf(buf, size, "no Intel TXT on this machine (the TXT registers at 0xfed30000 "
			 "read as absent, or no TXT heap is set up): enable TXT in the firmware, or give "
			 "--event-log FILE");
		break;
	case AEM_LIVE_DENIED:
		snprintf(buf, size, "reading physical memory was refused (%s): run as root; a kernel "
			 "in lockdown mode or built with CONFIG_STRICT_DEVMEM/IO_STRICT_DEVMEM may "
			 "forbid /dev/mem: give --event-log FILE instead", strerror(info->err_no));
		break;
	case AEM_LIVE_UNREADABLE:
		snprintf(buf, size, "cannot read the TXT space through /dev/mem: %s (give "
			 "--event-log FILE instead)", strerror(info->err_no));
		break;
	case AEM_LIVE_BAD_HEAP:
		snprintf(buf, size, "the TXT heap at 0x%" PRIx64 " (0x%" PRIx64 " bytes) is malformed",
			 info->heap_base, info->heap_size);
		break;
	case AEM_LIVE_NO_LOG_ELT:
		snprintf(buf, size, "the TXT heap holds no event log pointer (OsSinitData version "
			 "%u): this boot was not launched by tboot with a measured launch%s",
			 info->os_sinit_version, info->senter_done ? "" : " (TXT.STS: no SENTER)");
		break;
	case AEM_LIVE_EMPTY:
		snprintf(buf, size, "the TXT event log (heap element type %u) is empty: no measured "
			 "launch happened this boot%s", info->elt_type,
			 info->senter_done ? "" : " (TXT.STS: no SENTER)");
		break;
	default:
		snprintf(buf, size, "the TXT event log the heap points at (element type %u) is "
			 "malformed", info->elt_type);
		break;
	}
	return buf;
}

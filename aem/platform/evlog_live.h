/* The live TXT event log of this boot, read through the runtime layer
 * (runtime.h): TXT public space -> heap -> OsSinitData log pointer -> the log,
 * parsed by the launch model (evlog.h, txtheap.h). */
#ifndef AEM_EVLOG_LIVE_H
#define AEM_EVLOG_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evlog.h"

/* The live log: read from the TXT heap of the running machine (or of a machine recorded
 * for replay, see runtime.h) through TXT.HEAP.BASE/SIZE and the OsSinitData log pointer
 * element (txtheap.h). The outcome says why there is no log, for a message. */
enum aem_live_why {
	AEM_LIVE_OK = 0,
	AEM_LIVE_NO_TXT,       /* the TXT registers read all-FF/zero, or no heap is set up */
	AEM_LIVE_DENIED,       /* /dev/mem refused: not root, lockdown, CONFIG_STRICT_DEVMEM */
	AEM_LIVE_UNREADABLE,   /* another read failure (errno in err_no) */
	AEM_LIVE_BAD_HEAP,     /* heap tables or elements out of bounds */
	AEM_LIVE_NO_LOG_ELT,   /* OsSinitData carries no log pointer element */
	AEM_LIVE_EMPTY,        /* the log holds no event: no measured launch this boot */
	AEM_LIVE_BAD_LOG,      /* the log the element (AMD: Xen's line) points at does not parse */
	/* AMD (TrenchBoot: the log Xen reserved, named on Xen's console) */
	AEM_LIVE_NO_XEN,       /* xl dmesg cannot be run: not Xen's dom0, or no xl */
	AEM_LIVE_NO_SLAUNCH,   /* Xen's console has no "SLAUNCH: reserving event log" line */
	AEM_LIVE_BAD_RANGE,    /* that line is malformed, or names an empty or huge range */
};

struct aem_evlog_live {
	enum aem_live_why why;
	int err_no;                 /* errno of a failed read */
	uint64_t heap_base, heap_size;
	bool senter_done;           /* TXT.STS: a measured launch happened since reset */
	bool amd;                   /* AMD CPU: the log came (or was sought) through Xen */
	uint64_t xen_base, xen_end; /* AMD: the range Xen's console line names */
	uint32_t os_sinit_version;
	unsigned elt_type;          /* 5, 7 or 8; 0 when none */
	uint64_t log_addr;          /* where the (first) log's bytes start */
	size_t log_len;
	unsigned nraw;              /* raw log bytes, one per legacy bank (else one) */
	uint8_t *raw[AEM_EVLOG_MAX_BANKS];
	size_t raw_len[AEM_EVLOG_MAX_BANKS];
	enum aem_bank raw_bank[AEM_EVLOG_MAX_BANKS];
};

/* Read and parse the live log into log. On an AMD CPU (/proc/cpuinfo) the log is the
 * range TrenchBoot's Xen reserved and printed on its console ("SLAUNCH: reserving event
 * log (<base> - <end>)", read with xl dmesg, see xenconsole.h), as a TCG2 log, a
 * TCG 1.2 header wrapping a TXT container, or a bare container; elsewhere the TXT heap
 * as below. Read and parse the live log into log (zero-initialised; free with aem_evlog_free,
 * also after a failure). info (required) gets the outcome and, on success, copies of
 * the raw log bytes: free them with aem_evlog_live_free. Returns 0, AEM_E_UNSUPPORTED
 * (no TXT), AEM_E_IO (read refused/failed), AEM_E_FORMAT (bad heap or log),
 * AEM_TPM_E_UNMEASURED (no log element, or an empty log). */
int aem_evlog_read_live(struct aem_evlog *log, struct aem_evlog_live *info);
void aem_evlog_live_free(struct aem_evlog_live *info);
/* The AMD path of aem_evlog_read_live (evlog_live_amd.c), info already cleared. */
int aem_evlog_read_live_xen(struct aem_evlog *log, struct aem_evlog_live *info);
/* True when /proc/cpuinfo (through the runtime layer) names an AMD CPU. */
bool aem_live_cpu_is_amd(void);
/* One sentence on the outcome, what to do next included. Returns buf. */
char *aem_evlog_live_describe(const struct aem_evlog_live *info, char *buf, size_t size);
/* The same for the AMD path (info->amd). */
char *aem_evlog_live_describe_xen(const struct aem_evlog_live *info, char *buf, size_t size);

#endif

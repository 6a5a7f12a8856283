/* TXT heap event logs: one event model for the three families tboot and SINIT write
 * (TPM 1.2 "TXT Event Container", TPM 2.0 Intel legacy per-bank log, TPM 2.0 TCG
 * crypto-agile log) and replay of the events into PCR values.
 *
 * Every parser takes (const uint8_t *buf, size_t len), reads through the bounds-checked
 * struct aem_rd below and copies what it keeps: the log does not point into buf.
 * Functions return 0 or a negative error code (err.h). */
#ifndef AEM_EVLOG_H
#define AEM_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "rd.h"

#define AEM_EVLOG_MAX_BANKS 4
/* Caps against hostile inputs (a real TXT log holds a few dozen events of < 4 KiB). */
#define AEM_EVLOG_MAX_EVENTS 4096
#define AEM_EVLOG_MAX_DATA (1u << 20)

/* Event types that matter to the model. */
#define AEM_EV_NO_ACTION 0x3u
#define AEM_EV_MLE_HASH 0x404u     /* SINIT: hash of the MLE (tboot) */
#define AEM_EV_TBOOT 0x501u        /* tboot: policy entry and modules */
#define AEM_EV_SLAUNCH 0x502u      /* TrenchBoot (SKL, Xen): DLE_EVTYPE_SLAUNCH, labelled */
#define AEM_EV_SLAUNCH_MBI 0x600u  /* TrenchBoot AEM before v0.3: Xen's MBI measurement */
#define AEM_EV_SLAUNCH_KERNEL 0x601u /* ... dom0 kernel, measured by Xen at dom0 build */
#define AEM_EV_SLAUNCH_INITRD 0x602u /* ... dom0 initrd */
#define AEM_PCR_NOT_EXTENDED 255u  /* SINIT's PCR-mapping events: logged, never extended */

enum aem_evlog_family {
	AEM_EVLOG_NONE = 0,
	AEM_EVLOG_TPM12,      /* TXT Event Container, sha1 */
	AEM_EVLOG_TPM2_LEGACY, /* Intel per-bank log (heap ext-data element type 7) */
	AEM_EVLOG_TPM2_TCG,   /* TCG crypto-agile (ext-data element type 8) */
};

struct aem_event {
	uint32_t pcr;
	uint32_t type;
	unsigned ndigests;     /* may be fewer than the log's banks (tboot extpol=sha256) */
	struct aem_digest digests[AEM_EVLOG_MAX_BANKS];
	uint8_t *data;         /* owned copy, NULL when data_len is 0 */
	uint32_t data_len;
};

struct aem_evlog {
	enum aem_evlog_family family;
	unsigned nbanks;       /* banks the log declares (TCG header) or carries */
	enum aem_bank banks[AEM_EVLOG_MAX_BANKS];
	size_t n, cap;
	struct aem_event *ev;
};


/* Detect the family and parse. A log must start empty (zero-initialised) and be freed
 * with aem_evlog_free, also after a failure. */
int aem_evlog_parse(const uint8_t *buf, size_t len, struct aem_evlog *log);
int aem_evlog_parse_tpm12(const uint8_t *buf, size_t len, struct aem_evlog *log);
/* TPM 1.2 log of AMD's Secure Kernel Loader: a TCG 1.2 header record (EV_NO_ACTION,
 * "Spec ID Event00") whose vendorInfo is a TXT Event Container header; the container's
 * events follow it and its offsets count from that vendorInfo. */
int aem_evlog_parse_tcg12(const uint8_t *buf, size_t len, struct aem_evlog *log);
/* One bank's legacy log (the bytes from the descriptor's pcr_events_offset to its
 * next_event_offset). Its bank comes from the leading log descriptor record that
 * non-sha1 logs carry; a log without one is sha1. */
int aem_evlog_parse_legacy(const uint8_t *buf, size_t len, struct aem_evlog *log);
int aem_evlog_parse_tcg(const uint8_t *buf, size_t len, struct aem_evlog *log);
/* Add the digests of another bank's legacy log (same events in the same order) to log. */
int aem_evlog_merge_bank(struct aem_evlog *log, const struct aem_evlog *other);
void aem_evlog_free(struct aem_evlog *log);

/* Append an event (digests and data are copied). Used by the parsers. */
int aem_evlog_append(struct aem_evlog *log, uint32_t pcr, uint32_t type,
		     const struct aem_digest *digests, unsigned ndigests,
		     const uint8_t *data, uint32_t data_len);
/* Note a bank the log carries (no-op when already known). */
int aem_evlog_add_bank(struct aem_evlog *log, enum aem_bank bank);

/* The event's digest for a bank, NULL when it carries none for that bank. */
const uint8_t *aem_event_digest(const struct aem_event *e, enum aem_bank bank);
/* True when replay extends this event (not EV_NO_ACTION, PCR index < 24). */
bool aem_event_extends(const struct aem_event *e);
/* Index of the first event of this type, or log->n when none. */
size_t aem_evlog_find(const struct aem_evlog *log, uint32_t type);

/* Replay events [0, upto) of one bank into out (all PCRs start at zero, as the DRTM PCRs
 * 17-22 do after SENTER); out->mask gets every PCR touched. Events without a digest
 * for the bank are skipped (as tpm2_eventlog does). */
int aem_evlog_replay(const struct aem_evlog *log, enum aem_bank bank, size_t upto,
		     struct aem_pcr_values *out);

/* "MLE_HASH", "TBOOT", "SLAUNCH", "EV_NO_ACTION"...; "UNKNOWN" otherwise. Never NULL. */
const char *aem_evlog_type_name(uint32_t type);
/* What event i is: for a TrenchBoot event (0x502) its label ("SKINIT", "DLME",
 * "Measured MB2 module", ..., copied into buf when it is not one of the known ones), or,
 * for the unlabelled records Xen writes into PCR 18, "multiboot2 information (MBI)" /
 * "SLRT platform info" by their order; the old releases' 0x600-0x602 by type; every
 * other event its type name. Never NULL. */
const char *aem_evlog_event_name(const struct aem_evlog *log, size_t i, char *buf,
				 size_t size);
/* Xen's console line "SLAUNCH: reserving event log (<base> - <end>)" in text[0, len)
 * (not NUL-terminated): the last such line (the current boot's), its hex numbers as Xen
 * prints them. Returns 0 with *found false when there is none, AEM_E_FORMAT when the
 * last one is malformed or its end is not above its base. */
int aem_xen_slaunch_log_range(const char *text, size_t len, bool *found, uint64_t *base,
			      uint64_t *end);
const char *aem_evlog_family_name(enum aem_evlog_family f);

#endif

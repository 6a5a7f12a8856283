/* Why does this boot differ from the sealed (or predicted) one? Both boots become the
 * same list of described measurements: one from the JSON document the secret was sealed
 * to (aem predict --format json, or the sidecar aem seal writes from a log), one from
 * this boot's TXT event log. Comparing them per PCR names the first component that
 * differs ("module 2 (initrd.img)", "the MLE hash", "SINIT's event ...").
 *
 * The sidecar convention: a sealed file SEALED may have SEALED.expect.json next to it,
 * the document of the boot it was sealed to (aem_diag_sidecar_path). */
#ifndef AEM_DIAGNOSE_H
#define AEM_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evlog.h"
#include "role.h"

struct aem_diag_event {
	unsigned pcr;
	uint32_t type;
	enum aem_role role;         /* SINIT (listed only in documents taken from a log), MLE,
				     * POLICY, MODULE (Xen, kernel, initramfs...) */
	int index;                  /* module number (tboot's count), -1 otherwise */
	char *file, *cmdline;       /* owned; NULL when unknown (events taken from a log) */
	size_t log_index;           /* position in the event log; SIZE_MAX from a document */
	uint8_t digest[AEM_MAX_DIGEST];
};

struct aem_diag_boot {
	enum aem_bank bank;
	char family[12];
	bool has_sinit;             /* SINIT's events are listed */
	struct aem_pcr_values pcrs; /* the document's "pcrs", or the log's replay */
	size_t n;
	struct aem_diag_event *ev;  /* extending events with a digest of bank, in order */
};

/* From a JSON document (predict's shape: bank, pcrs, events[{pcr, type, what, file,
 * cmdline, digest}]). b must start zeroed; free with aem_diag_free, also on failure.
 * Returns 0, AEM_E_FORMAT (not such a document, or no "events"), _NOMEM. */
int aem_diag_from_json(const char *text, size_t len, struct aem_diag_boot *b);
/* From an event log, for one bank: SINIT's events, the MLE hash, tboot's policy
 * entries (one, or two with the D/A mapping) and modules, in log order. */
int aem_diag_from_log(const struct aem_evlog *log, enum aem_bank bank, struct aem_diag_boot *b);
/* The document of b (the shape aem_diag_from_json reads) as a malloc'd string. */
int aem_diag_to_json(const struct aem_diag_boot *b, char **out);
/* One event of such a document (json-c object, the caller owns it), the one
 * writer of its fields in their order: pcr (omitted when < 0), type (omitted
 * when < 0), what (role.h's name, or a type's), file and cmdline (when not
 * NULL), digest (aem_bank_size(bank) bytes; omitted when NULL). */
struct json_object;
struct json_object *aem_diag_event_json(int pcr, long type, const char *what, const char *file,
					const char *cmdline, const uint8_t *digest,
					enum aem_bank bank);
void aem_diag_free(struct aem_diag_boot *b);

/* "SEALED.expect.json" into buf; returns buf, or NULL when it does not fit. */
char *aem_diag_sidecar_path(const char *sealed, char *buf, size_t size);

enum aem_diag_verdict {
	AEM_DIAG_SAME,          /* the PCR does not differ */
	AEM_DIAG_EVENT,         /* want and got differ (digest or PCR) */
	AEM_DIAG_MISSING,       /* the sealed boot measured want; this boot nothing */
	AEM_DIAG_EXTRA,         /* this boot measured got; the sealed boot nothing */
	AEM_DIAG_SINIT_CHANGED, /* tboot's events are as sealed: SINIT's part differs */
	AEM_DIAG_LOG_STALE,     /* the log does not replay to the TPM's value */
	AEM_DIAG_NOT_DRTM,      /* not a PCR of the TXT launch (e.g. 13: LUKS header) */
	AEM_DIAG_UNEXPLAINED,   /* every listed event is as sealed, yet the value differs */
};

struct aem_diag_finding {
	unsigned pcr;
	enum aem_diag_verdict verdict;
	const struct aem_diag_event *want, *got;  /* borrowed from the boots */
	uint8_t log_value[AEM_MAX_DIGEST], tpm_value[AEM_MAX_DIGEST]; /* LOG_STALE */
};

/* Compare one PCR that differs between the sealed boot and this one. tpm (NULL: not
 * checked) holds the TPM's current values: a log whose replay disagrees with them is
 * reported as stale instead of blaming a component. */
void aem_diag_pcr(const struct aem_diag_boot *sealed, const struct aem_diag_boot *now,
		  const struct aem_pcr_values *tpm, unsigned pcr, struct aem_diag_finding *f);
/* One sentence, e.g. "PCR 17: module 2 (initrd.img) differs from the sealed boot".
 * Returns buf. */
char *aem_diag_describe(const struct aem_diag_finding *f, enum aem_bank bank, char *buf,
			size_t size);
/* "module 2 (initrd.img)", "the MLE hash (tboot or its command line)"... Returns buf. */
char *aem_diag_event_name(const struct aem_diag_event *e, char *buf, size_t size);

/* TrenchBoot's part (diagnose_tb.c): its events (roles DCE..MB_MODULE) are paired by
 * their part (role and number), as a prediction does not list what it cannot compute;
 * the first pair touching pcr that differs goes to f. */
bool aem_diag_is_tb(const struct aem_diag_event *e);
bool aem_diag_tb_difference(const struct aem_diag_boot *sealed, const struct aem_diag_boot *now,
			    unsigned pcr, struct aem_diag_finding *f);
/* The words for a TrenchBoot event ("MB module 1 (vmlinuz-6.1)"); false for others. */
bool aem_diag_tb_event_name(const struct aem_diag_event *e, char *buf, size_t size);

#endif

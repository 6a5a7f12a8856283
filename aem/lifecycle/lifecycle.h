/* The lifecycle engine behind install / reseal / update / boot-unseal /
 * status (docs/lifecycle.md). The one rule: a sealed file that could still
 * unseal is never replaced before its successor is written, synced and
 * proven. Every change goes  secret.new.sealed (write-ahead) -> NV freshness
 * slot -> rename; a crash at any point leaves a file the next boot accepts.
 * Functions return 0 or a negative error code (err.h); `why` gets a sentence. */
#ifndef AEM_LIFECYCLE_H
#define AEM_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fresh.h"
#include "state.h"
#include "tpm.h"

#define AEM_LC_WHY 4096

struct json_object;

struct aem_lc {
	struct aem_config cfg;
	struct aem_tpm *t;
	enum aem_family family;
	uint8_t id[AEM_TPM_ID_LEN];
	char id_hex[2 * AEM_TPM_ID_LEN + 1];
	char why[AEM_LC_WHY];
	/* The authorization of the freshness slot the next slot read or write
	 * uses (from the sealed bundle at boot, the media record otherwise). */
	bool has_slot_key;
	uint8_t slot_key[AEM_FRESH_KEY_LEN];
	/* Set by aem_lc_values_next when the files do not determine every PCR of the
	 * seal set (a TrenchBoot launch): those PCRs, each with a sentence why. */
	aem_pcr_mask next_unknown;
	const char *next_unknown_why[AEM_PCR_COUNT];
};

/* Load the configuration (conf: NULL = AEM_CONF / default), open the TPM
 * (tcti: NULL = choose) and read its aem identity. need_id: fail with
 * AEM_TPM_E_NO_SRK ("run aem tpm-setup") when the identity is missing. */
int aem_lc_open(struct aem_lc *lc, const char *conf, const char *tcti, bool need_id);
void aem_lc_close(struct aem_lc *lc);

/* The identity (random, written once, never replaced): read in
 * lifecycle_boot.c, set up in lifecycle.c (by aem tpm-setup). */
int aem_lc_id_read(struct aem_tpm *t, uint8_t id[AEM_TPM_ID_LEN]);
int aem_lc_id_setup(struct aem_tpm *t, uint8_t id[AEM_TPM_ID_LEN], int *created);

/* The boot path's open: no configuration, t already open (the caller keeps
 * it: do not aem_lc_close), the identity read from NV. an error code with why
 * set when the TPM has no aem identity. */
int aem_lc_attach(struct aem_lc *lc, struct aem_tpm *t);

/* The freshness slot from NV; an undefined index reads as an empty slot.
 * Both use lc's slot key (aem_lc_slot_key): the index is of the keyed kind
 * (tpm.h), so only who holds the key can write it, and a read fails with
 * AEM_TPM_E_NV_FOREIGN when the index is not the one defined with that key. */
int aem_lc_slot_read(struct aem_lc *lc, unsigned slot, struct aem_fresh_slot *s, bool *defined);
int aem_lc_slot_write(struct aem_lc *lc, unsigned slot, const struct aem_fresh_slot *s);
/* Use key for the slot reads and writes that follow (NULL: none; they fail). */
void aem_lc_slot_key(struct aem_lc *lc, const uint8_t *key);
/* Define the slot's NV index anew with a new random key (into *key), holding
 * an empty slot (aem install; aem tpm-setup converting an older slot). */
int aem_lc_slot_define(struct aem_lc *lc, unsigned slot, uint8_t key[AEM_FRESH_KEY_LEN]);

/* Where the values come from (NULL/0 fields: from the configuration). */
struct aem_lc_src {
	const char *grub_cfg, *entry, *boot_dir, *evlog;
	/* PCR 13: the LUKS devices (or header images) to hash, in order. When
	 * none are given: the rd.luks.uuid= of the kernel command line of that
	 * boot, each found through the runtime (by-uuid link, else the scan). */
	const char *const *luks;
	size_t nluks;
};

/* The values of this boot: PCRs of the configured set read from the TPM,
 * with 17-19 replaced by the replay of the event log when there is one and
 * 13 computed from the LUKS headers (the boot path caps the live PCR 13).
 * Refuses values that show no measured launch (AEM_TPM_E_UNMEASURED).
 * expect (may be NULL): the sidecar document (JSON text, malloc'd). */
int aem_lc_values_now(struct aem_lc *lc, const struct aem_lc_src *src,
		      struct aem_pcr_values *v, char **expect);

/* The values of the next boot: the tboot entry GRUB will boot, predicted
 * from the current event log and the files it names (tboot included: its
 * command line is part of the MLE hash), PCR 13 from the LUKS headers that
 * entry's kernel command line names; other PCRs read from the TPM. */
int aem_lc_values_next(struct aem_lc *lc, const struct aem_lc_src *src,
		       struct aem_pcr_values *v, char **expect);

/* aem_lc_values_next returns AEM_E_UNSUPPORTED with lc->next_unknown set when
 * the next boot is a launch whose PCRs the files do not all determine
 * (TrenchBoot: BIOS PCR 18 holds GRUB's multiboot2 information, UEFI PCR 17 the
 * running xen.efi image); v then holds the PCRs that were predicted (its mask
 * lacks the unknown ones) and *expect the document of that partial prediction
 * (with "unknown": {pcr: why}, "launch", "variant", "entry"): the record
 * `aem update` keeps until the user reseals on the updated boot. */

/* The "reseal needed" record in the state directory (reseal-needed.json, 0600):
 * write (atomically), read (0; 1 when there is none; an error), clear. */
int aem_lc_reseal_needed_write(const char *doc);
int aem_lc_reseal_needed_read(char **doc);
int aem_lc_reseal_needed_clear(void);
/* This boot's document (aem_lc_values_now's expect) against the record: per
 * recorded PCR one line in report, "PCR 17: as predicted for the installed
 * update" or the first recorded component this boot measured differently
 * ("PCR 17: MB module 1 (vmlinuz-6.1) differs from the installed update").
 * 0 when every recorded PCR matches, AEM_TPM_E_PCR_MISMATCH, AEM_E_FORMAT. */
int aem_lc_reseal_needed_check(const char *record, const char *now_doc, char *report,
			       size_t len);

/* PCR 13 as the boot path leaves it before its cap: E(0, H(header)) for
 * each LUKS device of src (or of cmdline's rd.luks.uuid=, len bytes), in
 * order, with the bank's hash. events (a json-c array, may be NULL) gets
 * one sidecar event per device. */
int aem_lc_pcr13(struct aem_lc *lc, const struct aem_lc_src *src, const char *cmdline,
		 size_t len, enum aem_bank bank, uint8_t *out, struct json_object *events);

/* Seal every plaintext secret of the state to v as the media's pending
 * bundle (secret.next.sealed), leaving the current one alone; expect (NULL:
 * none) is written next to it as secret.next.sealed.expect.json. */
int aem_lc_seal_pending(struct aem_lc *lc, const struct aem_media_rec *m, const char *root,
			const struct aem_pcr_values *v, const char *expect);

/* What a boot-time unseal found and did. */
struct aem_lc_boot {
	enum aem_sealed_which used;   /* the file that unsealed */
	enum aem_fresh_match match;
	uint8_t *payload;             /* the bundle's bytes (aem_buf_free) */
	size_t payload_len;
	struct aem_bundle bundle;     /* items point into payload */
	bool rotated;                 /* freshness rotated and the files tidied */
	char rot_why[AEM_LC_WHY];     /* why not, when !rotated */
};
/* Unseal the media at root (pending, write-ahead, then current file), check
 * freshness against NV, then rotate the token and retire what the boot made
 * obsolete. A rotation failure leaves the result usable (rotated false). */
int aem_lc_boot_unseal(struct aem_lc *lc, const char *root, struct aem_lc_boot *b);
void aem_lc_boot_free(struct aem_lc_boot *b);

/* Is the sealed file at path sealed to exactly v (values, mask, bank) with a
 * policy that matches them? 0, AEM_TPM_E_PCR_MISMATCH, or a read error. */
int aem_lc_sealed_matches(const char *path, const struct aem_pcr_values *v);
/* The same for part of the values: the file is sealed to every PCR of v (and
 * maybe others) with v's values (a partial prediction, lc->next_unknown). */
int aem_lc_sealed_covers(const char *path, const struct aem_pcr_values *v);

#endif

/* The sidecar of a sealed file: SEALED.expect.json next to every sealed file
 * SEALED says what it was sealed to and why, for diagnosis when it does not
 * unseal (aem unseal, aem diagnose). Its shape is the document of
 * `aem predict --format json`:
 *   {"family", "bank", "pcr_map", "pcrs": {"13": hex, "17": hex, ...},
 *    "events": [{"pcr", "type", "what", "file", "cmdline", "digest"}...],
 *    "source": "predicted" (aem update) | "this boot" (aem reseal)}
 * "pcrs" holds every PCR of the seal set with the values written in the
 * sealed file itself: a reader must ignore a sidecar whose values differ
 * from its sealed file's (a crash between the two renames can leave one).
 * The sidecar is written, renamed and removed with its sealed file, always
 * atomically (temp file, fsync, rename, fsync dir). */
#ifndef AEM_LIFECYCLE_EXPECT_H
#define AEM_LIFECYCLE_EXPECT_H

#include <json-c/json.h>
#include <stdbool.h>

#include "evlog.h"
#include "diagnose.h"
#include "predict.h"
#include "family.h"

#define AEM_LC_EXPECT_EXT ".expect.json"

/* The predicted events of r into events (as aem predict lists them). */
void aem_lc_exp_predicted(json_object *events, const struct aem_predict_out *r,
			  enum aem_bank bank);
/* The events of log that extend PCRs of mask in bank into events. */
void aem_lc_exp_logged(json_object *events, const struct aem_evlog *log, enum aem_bank bank,
		       aem_pcr_mask mask);
/* The whole document as malloc'd text; events is consumed. NULL on no memory. */
char *aem_lc_exp_doc(enum aem_family f, const struct aem_pcr_values *v, const char *pcr_map,
		     const char *source, json_object *events);

/* SEALED + ".expect.json" into out. */
int aem_lc_exp_path(const char *sealed, char *out, size_t len);
/* Write doc as the sidecar of sealed (atomically); doc NULL removes it. */
int aem_lc_exp_write(const char *sealed, const char *doc);
/* The sidecar of from becomes the sidecar of to (rename, then fsync of the
 * directory); when from has none, to's is removed so it never describes
 * another file. */
int aem_lc_exp_rename(const char *from, const char *to);
/* Copy the sidecar of from to be the sidecar of to (atomically). */
int aem_lc_exp_copy(const char *from, const char *to);
int aem_lc_exp_remove(const char *sealed);

#endif

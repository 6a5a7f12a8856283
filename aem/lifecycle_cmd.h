/* Front-end helpers shared by the lifecycle verbs (install, secret, reseal,
 * update, revoke, status, boot-unseal): they print, the engine does not. */
#ifndef AEM_LIFECYCLE_CMD_H
#define AEM_LIFECYCLE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "lifecycle.h"

/* aem_lc_open with the error printed as "aem VERB: ..."; an exit status. */
int aem_cli_lc_open(struct aem_lc *lc, const char *verb, const char *conf, const char *tcti,
		    bool need_id);
/* Exit status for an engine error, after printing "aem VERB: why". */
int aem_cli_lc_fail(const char *verb, const struct aem_lc *lc, int err);
/* The media to act on: just suffix (when not NULL), else every enrolled one.
 * Prints and returns an exit status when there is none. */
int aem_cli_lc_media(const char *verb, const char *suffix, char ***list, size_t *n);
/* "aem<suffix>" for messages. */
const char *aem_cli_lc_label(const char *suffix, char *buf, size_t len);

#endif

/* The event-log loader of the measurement verbs (log, predict, verify, seal,
 * unseal): TXT event log files, or the live log through the platform room. */
#include "cli.h"

#include "err.h"
#include "fileio.h"
#include "evlog_live.h"
#include "hashfile.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX (16u << 20)

int aem_cli_load_evlog(char *const *paths, int n, struct aem_evlog *log)
{
	int rc = AEM_E_INVAL;

	memset(log, 0, sizeof(*log));
	for (int i = 0; i < n; i++) {
		struct aem_evlog more = { 0 };
		uint8_t *buf = NULL;
		size_t len = 0;

		rc = aem_readfile(paths[i], false, LOG_MAX, &buf, &len);
		if (rc) {
			fprintf(stderr, "aem: cannot read event log %s: %s\n", paths[i],
				aem_strerror(rc));
			break;
		}
		rc = aem_evlog_parse(buf, len, i ? &more : log);
		free(buf);
		/* further files: the other banks' Intel legacy logs of the same launch */
		if (rc == 0 && i)
			rc = log->family == AEM_EVLOG_TPM2_LEGACY && more.family == log->family ?
			     aem_evlog_merge_bank(log, &more) : AEM_E_FORMAT;
		aem_evlog_free(&more);
		if (rc) {
			fprintf(stderr, "aem: %s is not a DRTM event log aem can read%s\n", paths[i],
				i ? " (or not another bank of the same legacy log)" : "");
			break;
		}
	}
	if (rc)
		aem_evlog_free(log);
	return rc;
}

static int save_raw(const char *verb, const struct aem_evlog_live *info, const char *save)
{
	for (unsigned i = 0; i < info->nraw; i++) {
		char path[4096];

		/* one file per bank for the Intel legacy format, as --event-log takes them */
		if (info->nraw == 1)
			snprintf(path, sizeof(path), "%s", save);
		else
			snprintf(path, sizeof(path), "%s.%s", save, aem_bank_name(info->raw_bank[i]));
		if (aem_file_write_atomic(path, info->raw[i], info->raw_len[i], 0644)) {
			fprintf(stderr, "aem %s: cannot write %s\n", verb, path);
			return AEM_EXIT_IO;
		}
	}
	return AEM_EXIT_OK;
}

static int live_exit(const struct aem_evlog_live *info)
{
	switch (info->why) {
	case AEM_LIVE_NO_TXT: case AEM_LIVE_NO_XEN: return AEM_EXIT_UNSUPPORTED;
	case AEM_LIVE_NO_LOG_ELT: case AEM_LIVE_EMPTY: case AEM_LIVE_NO_SLAUNCH:
		return AEM_EXIT_UNMEASURED;
	default: return AEM_EXIT_INPUT;
	}
}

int aem_cli_load_evlog_src(const char *verb, char *const *paths, int n, int live,
			   const char *save, struct aem_evlog *log)
{
	struct aem_evlog_live info;
	char why[512];
	int rc;

	if (!live)
		return aem_cli_load_evlog(paths, n, log) ? AEM_EXIT_INPUT : AEM_EXIT_OK;
	memset(log, 0, sizeof(*log));
	rc = aem_evlog_read_live(log, &info);
	if (rc == AEM_E_NOMEM) {
		fprintf(stderr, "aem %s: out of memory\n", verb);
		return AEM_EXIT_FAIL;
	}
	if (rc) {
		fprintf(stderr, "aem %s: %s\n", verb, aem_evlog_live_describe(&info, why, sizeof(why)));
		aem_evlog_free(log);
		return live_exit(&info);
	}
	rc = save ? save_raw(verb, &info, save) : AEM_EXIT_OK;
	aem_evlog_live_free(&info);
	if (rc)
		aem_evlog_free(log);
	return rc;
}

/* aem verify: compare a TXT event log with a prediction (aem predict --format json) and
 * name, per PCR, the first component that differs (diagnose.h). */
#include "cli.h"
#include "evlog.h"
#include "diagnose.h"
#include "runtime.h"
#include "fileio.h"
#include "err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char verify_usage[] =
	"usage: aem verify (--event-log FILE [--event-log FILE2...] | --live [--root DIR])\n"
	"                  [--expect JSON]\n"
	"  Without --expect: parse the log and print its replayed DRTM PCRs.\n"
	"  With --expect (from aem predict --format json, or a sealed file's .expect.json):\n"
	"  compare the log's events with the expected ones and name, for each DRTM PCR\n"
	"  that differs, the first component that differs; exit 5 then.\n";

static void print_event(const char *label, const struct aem_diag_event *e, enum aem_bank bank)
{
	char hex[2 * AEM_MAX_DIGEST + 1], name[160];

	if (!e)
		return;
	aem_role_name(e->role, e->index, e->type, name, sizeof(name));
	printf("  %s: %s%s%s%s%s%s, PCR %u, %s", label, name, e->file ? " " : "",
	       e->file ? e->file : "", e->cmdline ? " (cmdline \"" : "",
	       e->cmdline ? e->cmdline : "", e->cmdline ? "\")" : "", e->pcr,
	       aem_hex(e->digest, aem_bank_size(bank), hex));
	if (e->log_index != SIZE_MAX)
		printf(" (log event %zu)", e->log_index);
	printf("\n");
}

static int verify_expect(const struct aem_evlog *log, const char *path)
{
	struct aem_diag_boot want = { 0 }, got = { 0 };
	char msg[512], a[2 * AEM_MAX_DIGEST + 1], b[2 * AEM_MAX_DIGEST + 1];
	uint8_t *text = NULL;
	size_t len = 0, dl;
	int bad = 0;

	if (aem_file_read(path, 16u << 20, &text, &len) ||
	    aem_diag_from_json((const char *)text, len, &want) || !want.pcrs.mask) {
		fprintf(stderr, "aem verify: %s is not a prediction (aem predict --format json)\n", path);
		free(text);
		aem_diag_free(&want);
		return AEM_EXIT_INPUT;
	}
	free(text);
	if (aem_diag_from_log(log, want.bank, &got)) {
		fprintf(stderr, "aem verify: cannot replay the log's %s bank\n", aem_bank_name(want.bank));
		aem_diag_free(&want);
		return AEM_EXIT_INPUT;
	}
	dl = aem_bank_size(want.bank);
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		struct aem_diag_finding f;

		if (!aem_pcr_mask_has(want.pcrs.mask, p) || !memcmp(want.pcrs.v[p], got.pcrs.v[p], dl))
			continue;
		bad = 1;
		aem_diag_pcr(&want, &got, NULL, p, &f);
		printf("differs: %s\n", aem_diag_describe(&f, want.bank, msg, sizeof(msg)));
		printf("  PCR %u: predicted %s, log replays to %s\n", p, aem_hex(want.pcrs.v[p], dl, a),
		       aem_hex(got.pcrs.v[p], dl, b));
		print_event("predicted", f.want, want.bank);
		print_event("logged", f.got, want.bank);
	}
	if (!bad)
		printf("ok: the log matches the prediction (%s)\n", aem_bank_name(want.bank));
	aem_diag_free(&want);
	aem_diag_free(&got);
	return bad ? AEM_EXIT_MISMATCH : AEM_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "event-log", required_argument, NULL, 'l' },
		{ "expect", required_argument, NULL, 'e' },
		{ "live", no_argument, NULL, 'L' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *expect = NULL;
	struct aem_evlog log;
	char *files[16];
	int nfiles = 0, c, rc, live = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (nfiles < 16)
				files[nfiles++] = optarg;
			break;
		case 'e': expect = optarg; break;
		case 'L': live = 1; break;
		case 'r':
			if (aem_rt_set_root(optarg) < 0) {
				fprintf(stderr, "aem verify: --root path too long\n");
				return AEM_EXIT_USAGE;
			}
			break;
		case 'h': fputs(verify_usage, stdout); return AEM_EXIT_OK;
		default: fputs(verify_usage, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (!nfiles == !live || optind != argc) {
		fputs(verify_usage, stderr);
		return AEM_EXIT_USAGE;
	}
	if ((rc = aem_cli_load_evlog_src("verify", files, nfiles, live, NULL, &log)) != 0)
		return rc;
	if (expect) {
		rc = verify_expect(&log, expect);
	} else {
		char hex[2 * AEM_MAX_DIGEST + 1];

		for (unsigned b = 0; b < log.nbanks; b++) {
			struct aem_pcr_values v;

			aem_evlog_replay(&log, log.banks[b], log.n, &v);
			for (unsigned p = 17; p <= 19; p++)
				printf("%s PCR %u: %s\n", aem_bank_name(v.bank), p,
				       aem_hex(v.v[p], aem_bank_size(v.bank), hex));
		}
		rc = AEM_EXIT_OK;
	}
	aem_evlog_free(&log);
	return rc;
}

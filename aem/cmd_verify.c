/* aem verify: compare a TXT event log with a prediction (aem predict --format json) and
 * name the first event, file or PCR that differs. */
#include "cmd.h"
#include "exitcode.h"
#include "evlog.h"
#include "err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

static const char verify_usage[] =
	"usage: aem verify --event-log FILE [--event-log FILE2...] [--expect JSON]\n"
	"  Without --expect: parse the log and print its replayed DRTM PCRs.\n"
	"  With --expect (from aem predict --format json): compare the log's MLE hash and\n"
	"  tboot events with the predicted ones and name the first that differs; exit 5 then.\n";

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void describe(json_object *ev, char *buf, size_t len)
{
	const char *what = jstr(ev, "what"), *file = jstr(ev, "file"), *cmd = jstr(ev, "cmdline");

	snprintf(buf, len, "%s%s%s%s%s%s", what ? what : "event", file ? " " : "", file ? file : "",
		 cmd ? " (cmdline \"" : "", cmd ? cmd : "", cmd ? "\")" : "");
}

/* The log event an expected event must match: the MLE hash one, else tboot's next. */
static const struct aem_event *log_event(const struct aem_evlog *log, json_object *ev,
					 size_t *next)
{
	const char *what = jstr(ev, "what");

	if (what && !strcmp(what, "MLE hash")) {
		size_t i = aem_evlog_find(log, AEM_EV_MLE_HASH);

		return i < log->n ? &log->ev[i] : NULL;
	}
	while (*next < log->n && log->ev[*next].type != AEM_EV_TBOOT)
		(*next)++;
	return *next < log->n ? &log->ev[(*next)++] : NULL;
}

static int compare_event(const struct aem_evlog *log, enum aem_bank bank, json_object *ev,
			 size_t *next)
{
	const struct aem_event *e;
	const uint8_t *d;
	const char *want = jstr(ev, "digest");
	char desc[512], hex[2 * AEM_MAX_DIGEST + 1];
	json_object *pcr;

	if (!want)
		return 0; /* a module tboot skips: nothing logged */
	describe(ev, desc, sizeof(desc));
	e = log_event(log, ev, next);
	if (!e) {
		printf("differs: %s: predicted, but the log has no such event\n", desc);
		return 1;
	}
	d = aem_event_digest(e, bank);
	json_object_object_get_ex(ev, "pcr", &pcr);
	if (!d || strcmp(aem_hex(d, aem_bank_size(bank), hex), want) ||
	    (pcr && (uint32_t)json_object_get_int64(pcr) != e->pcr)) {
		printf("differs: event %zu (PCR %u, %s): predicted %s %s into PCR %d, log has %s\n",
		       (size_t)(e - log->ev), e->pcr, aem_evlog_type_name(e->type), desc, want,
		       pcr ? (int)json_object_get_int64(pcr) : -1, d ? hex : "no digest of this bank");
		return 1;
	}
	return 0;
}

static int compare_pcrs(const struct aem_pcr_values *v, json_object *pcrs)
{
	char hex[2 * AEM_MAX_DIGEST + 1];
	int bad = 0;

	json_object_object_foreach(pcrs, key, val) {
		unsigned p = (unsigned)atoi(key);

		if (p >= AEM_PCR_COUNT)
			continue;
		aem_hex(v->v[p], aem_bank_size(v->bank), hex);
		if (strcmp(hex, json_object_get_string(val))) {
			printf("differs: PCR %u: predicted %s, log replays to %s\n", p,
			       json_object_get_string(val), hex);
			bad = 1;
		}
	}
	return bad;
}

static int verify_expect(const struct aem_evlog *log, const char *path)
{
	json_object *root = json_object_from_file(path), *evs, *pcrs;
	struct aem_pcr_values v;
	enum aem_bank bank;
	size_t next = 0;
	int bad = 0;

	if (!root || !json_object_object_get_ex(root, "events", &evs) ||
	    !json_object_object_get_ex(root, "pcrs", &pcrs) ||
	    !(bank = aem_bank_from_name(jstr(root, "bank")))) {
		fprintf(stderr, "aem verify: %s is not a prediction (aem predict --format json)\n", path);
		json_object_put(root);
		return AEM_EXIT_INPUT;
	}
	for (size_t i = 0; !bad && i < json_object_array_length(evs); i++)
		bad = compare_event(log, bank, json_object_array_get_idx(evs, i), &next);
	aem_evlog_replay(log, bank, log->n, &v);
	if (!bad)
		bad = compare_pcrs(&v, pcrs);
	if (!bad)
		printf("ok: the log matches the prediction (%s)\n", aem_bank_name(bank));
	json_object_put(root);
	return bad ? AEM_EXIT_MISMATCH : AEM_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "event-log", required_argument, NULL, 'l' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *expect = NULL;
	struct aem_evlog log;
	char *files[16];
	int nfiles = 0, c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (nfiles < 16)
				files[nfiles++] = optarg;
			break;
		case 'e': expect = optarg; break;
		case 'h': fputs(verify_usage, stdout); return AEM_EXIT_OK;
		default: fputs(verify_usage, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (!nfiles || optind != argc) {
		fputs(verify_usage, stderr);
		return AEM_EXIT_USAGE;
	}
	if (aem_cmd_load_evlog(files, nfiles, &log))
		return AEM_EXIT_INPUT;
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

/* aem log: print a TXT event log (each event, its digests and data) and the PCR values
 * its replay gives. */
#include "cli.h"
#include "evlog.h"
#include "hashfile.h"
#include "runtime.h"
#include "err.h"
#include "family.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>


static void print_data(const struct aem_event *e)
{
	char hex[2 * 64 + 1];
	uint32_t n = e->data_len > 64 ? 64 : e->data_len;

	if (!e->data_len)
		return;
	printf("    data (%u bytes): %s%s\n", e->data_len, aem_hex(e->data, n, hex),
	       n < e->data_len ? "..." : "");
}

static void print_text(const struct aem_evlog *log, const struct aem_pcr_values *v, unsigned nv)
{
	char hex[2 * AEM_MAX_DIGEST + 1], name[80];

	printf("event log: TPM %s, %zu events\n", aem_evlog_family_name(log->family), log->n);
	for (size_t i = 0; i < log->n; i++) {
		const struct aem_event *e = &log->ev[i];

		printf("%3zu PCR %-3u 0x%03x %-22s%s\n", i, e->pcr, e->type,
		       aem_evlog_event_name(log, i, name, sizeof(name)),
		       aem_event_extends(e) ? "" : " (not extended)");
		for (unsigned d = 0; d < e->ndigests; d++)
			printf("    %-7s %s\n", aem_bank_name(e->digests[d].bank),
			       aem_hex(e->digests[d].d, aem_bank_size(e->digests[d].bank), hex));
		print_data(e);
	}
	for (unsigned b = 0; b < nv; b++)
		for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
			if (aem_pcr_mask_has(v[b].mask, p))
				printf("replay %s PCR %u: %s\n", aem_bank_name(v[b].bank), p,
				       aem_hex(v[b].v[p], aem_bank_size(v[b].bank), hex));
}

static json_object *event_json(const struct aem_evlog *log, size_t at)
{
	const struct aem_event *e = &log->ev[at];
	char hex[2 * AEM_MAX_DIGEST + 1], type[16], name[80];
	json_object *o = json_object_new_object(), *d = json_object_new_object();
	char *data = malloc(2 * (size_t)e->data_len + 1);

	snprintf(type, sizeof(type), "0x%x", e->type);
	json_object_object_add(o, "pcr", json_object_new_int64(e->pcr));
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "name", json_object_new_string(
		aem_evlog_event_name(log, at, name, sizeof(name))));
	json_object_object_add(o, "extended", json_object_new_boolean(aem_event_extends(e)));
	for (unsigned i = 0; i < e->ndigests; i++)
		json_object_object_add(d, aem_bank_name(e->digests[i].bank),
			json_object_new_string(aem_hex(e->digests[i].d,
						       aem_bank_size(e->digests[i].bank), hex)));
	json_object_object_add(o, "digests", d);
	if (data)
		json_object_object_add(o, "data", json_object_new_string(
			e->data_len ? aem_hex(e->data, e->data_len, data) : ""));
	free(data);
	return o;
}

static void print_json(const struct aem_evlog *log, const struct aem_pcr_values *v, unsigned nv)
{
	json_object *root = json_object_new_object(), *evs = json_object_new_array();
	json_object *pcrs = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], num[8];

	json_object_object_add(root, "family",
			       json_object_new_string(aem_evlog_family_name(log->family)));
	for (size_t i = 0; i < log->n; i++)
		json_object_array_add(evs, event_json(log, i));
	json_object_object_add(root, "events", evs);
	for (unsigned b = 0; b < nv; b++) {
		json_object *bank = json_object_new_object();

		for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
			if (!aem_pcr_mask_has(v[b].mask, p))
				continue;
			snprintf(num, sizeof(num), "%u", p);
			json_object_object_add(bank, num, json_object_new_string(
				aem_hex(v[b].v[p], aem_bank_size(v[b].bank), hex)));
		}
		json_object_object_add(pcrs, aem_bank_name(v[b].bank), bank);
	}
	json_object_object_add(root, "pcrs", pcrs);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static const char log_usage[] =
	"usage: aem log (--event-log FILE [--event-log FILE2...] | --live [--save FILE])\n"
	"               [--root DIR] [--json]\n"
	"  Print every event of a DRTM event log (tboot/SINIT or TrenchBoot: TPM 1.2 TXT\n"
	"  container, alone or behind AMD SKL's TCG 1.2 header; TPM 2.0 TCG; Intel legacy\n"
	"  per-bank log: give each bank's) and the replayed PCR values (from zero).\n"
	"  --live reads the log of this boot (root; /dev/mem, read-only): on Intel from the\n"
	"  TXT heap, on AMD from the range Xen's console (xl dmesg) names;\n"
	"  --save FILE copies its raw bytes (legacy logs: FILE.<bank> each); --root DIR\n"
	"  replays a machine recorded by aem doctor --record.\n";

int cmd_log(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "event-log", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "live", no_argument, NULL, 'L' },
		{ "save", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct aem_pcr_values v[AEM_EVLOG_MAX_BANKS];
	struct aem_evlog log;
	const char *save = NULL;
	char *files[16];
	int nfiles = 0, c, live = 0, rc;
	bool json = false;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (nfiles >= 16) {
				fprintf(stderr, "aem log: too many --event-log\n");
				return AEM_EXIT_USAGE;
			}
			files[nfiles++] = optarg;
			break;
		case 'j': json = true; break;
		case 'L': live = 1; break;
		case 's': save = optarg; break;
		case 'r':
			if (aem_rt_set_root(optarg) < 0) {
				fprintf(stderr, "aem log: --root path too long\n");
				return AEM_EXIT_USAGE;
			}
			break;
		case 'h': fputs(log_usage, stdout); return AEM_EXIT_OK;
		default: fputs(log_usage, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (!nfiles == !live || (save && !live) || optind != argc) {
		fputs(log_usage, stderr);
		return AEM_EXIT_USAGE;
	}
	if ((rc = aem_cli_load_evlog_src("log", files, nfiles, live, save, &log)) != 0)
		return rc;
	for (unsigned b = 0; b < log.nbanks; b++)
		aem_evlog_replay(&log, log.banks[b], log.n, &v[b]);
	if (json)
		print_json(&log, v, log.nbanks);
	else
		print_text(&log, v, log.nbanks);
	aem_evlog_free(&log);
	return AEM_EXIT_OK;
}

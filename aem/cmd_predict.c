/* aem predict: the DRTM PCR values the next boot will have, from the current TXT event
 * log plus the (new) files and command lines of a tboot menu entry. */
#include "cli.h"
#include "cmd_predict.h"
#include "diagnose.h"
#include "predict.h"
#include "grubcfg.h"
#include "hashfile.h"
#include "runtime.h"
#include "err.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#define CFG_MAX (4u << 20)

static const char predict_usage[] =
	"usage: aem predict (--event-log FILE | --live [--root DIR])\n"
	"         [--grub-cfg FILE [--entry TITLE|INDEX] [--boot-dir DIR]\n"
	"          | --module PATH [--cmdline STRING] [--nounzip]...]\n"
	"         [--tboot FILE [--tboot-cmdline STRING]] [--tpm 1.2|2.0] [--pcr-map legacy|da]\n"
	"         [--extpol sha256|sha1|agile|embedded] [--bank B] [--pcrs 17,18,19]\n"
	"         [--format text|json|tpm2-tools] [--output FILE]\n"
	"         [--launch tboot|trenchboot] [--variant intel-mb2|amd-mb2|intel-efi|amd-efi]\n"
	"         [--xen FILE] [--xen-cfg FILE [--section NAME]] [--efi-load-options S]\n"
	"         [--dce FILE] [--tb-release staging|v0.5.0]\n"
	"  Replays SINIT's events from the log (before tboot's first event), recomputes the\n"
	"  MLE hash when --tboot is given, then adds tboot's events for the modules.\n"
	"  --format tpm2-tools writes the digests of --pcrs concatenated (tpm2_pcrread -o).\n"
	"  Grub paths resolve under --boot-dir (default: as written if the file exists,\n"
	"  else under /boot). --live reads this boot's log from the TXT heap (root).\n"
	"  TrenchBoot (a grub.cfg slaunch entry, a log of TrenchBoot's events, or\n"
	"  --launch trenchboot): PCRs that depend on boot-time memory are named on\n"
	"  stderr, one line each, and the exit status is 10.\n";

static int usage_err(const char *msg)
{
	if (msg)
		fprintf(stderr, "aem predict: %s\n", msg);
	fputs(predict_usage, stderr);
	return AEM_EXIT_USAGE;
}

static int add_module(struct popts *o, const char *path)
{
	if (o->nmod >= AEM_PREDICT_MAX_MODULES)
		return usage_err("too many modules");
	o->mod[o->nmod++] = (struct aem_predict_module){ .path = path, .cmdline = "" };
	return 0;
}

static int parse_opts(int argc, char **argv, struct popts *o)
{
	static const struct option opts[] = {
		{ "event-log", required_argument, NULL, 'l' }, { "grub-cfg", required_argument, NULL, 'g' },
		{ "entry", required_argument, NULL, 'e' }, { "boot-dir", required_argument, NULL, 'B' },
		{ "module", required_argument, NULL, 'm' }, { "cmdline", required_argument, NULL, 'c' },
		{ "nounzip", no_argument, NULL, 'n' }, { "tboot", required_argument, NULL, 't' },
		{ "tboot-cmdline", required_argument, NULL, 'T' }, { "tpm", required_argument, NULL, 'v' },
		{ "pcr-map", required_argument, NULL, 'M' }, { "extpol", required_argument, NULL, 'x' },
		{ "bank", required_argument, NULL, 'b' }, { "pcrs", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' },
		{ "live", no_argument, NULL, 'L' }, { "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' }, { "launch", required_argument, NULL, 'K' },
		{ "variant", required_argument, NULL, 'V' }, { "tb-release", required_argument, NULL, 'R' },
		{ "xen", required_argument, NULL, 'X' }, { "xen-cfg", required_argument, NULL, 'C' },
		{ "section", required_argument, NULL, 'S' }, { "dce", required_argument, NULL, 'D' },
		{ "efi-load-options", required_argument, NULL, 'O' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (o->nlogs >= 16)
				return usage_err("too many --event-log");
			o->logs[o->nlogs++] = optarg;
			break;
		case 'g': o->grub = optarg; break;
		case 'e': o->entry = optarg; break;
		case 'B': o->boot_dir = optarg; break;
		case 'm': if ((rc = add_module(o, optarg)) != 0) return rc; break;
		case 'c':
			if (!o->nmod)
				return usage_err("--cmdline must follow a --module");
			o->mod[o->nmod - 1].cmdline = optarg;
			break;
		case 'n':
			if (!o->nmod)
				return usage_err("--nounzip must follow a --module");
			o->mod[o->nmod - 1].nounzip = true;
			break;
		case 't': o->tboot = optarg; break;
		case 'T': o->tboot_cmdline = optarg; break;
		case 'v': o->tpm = optarg; break;
		case 'M': o->map = optarg; break;
		case 'x': o->extpol = optarg; break;
		case 'b': o->bank = optarg; break;
		case 'p': o->pcrs = optarg; break;
		case 'f':
			if (!strcmp(optarg, "text")) o->fmt = FMT_TEXT;
			else if (!strcmp(optarg, "json")) o->fmt = FMT_JSON;
			else if (!strcmp(optarg, "tpm2-tools")) o->fmt = FMT_TPM2;
			else return usage_err("--format is text, json or tpm2-tools");
			break;
		case 'o': o->out = optarg; break;
		case 'L': o->live = 1; break;
		case 'r':
			if (aem_rt_set_root(optarg) < 0)
				return usage_err("--root path too long");
			break;
		case 'K':
			if (strcmp(optarg, "tboot") && strcmp(optarg, "trenchboot"))
				return usage_err("--launch is tboot or trenchboot");
			o->launch = optarg;
			break;
		case 'V': o->variant = optarg; break;
		case 'R': o->release = optarg; break;
		case 'X': o->xen = optarg; break;
		case 'C': o->xen_cfg = optarg; break;
		case 'S': o->section = optarg; break;
		case 'D': o->dce = optarg; break;
		case 'O': o->load_options = optarg; break;
		case 'h': fputs(predict_usage, stdout); return -1;
		default: return usage_err(NULL);
		}
	}
	if (optind != argc)
		return usage_err("unexpected argument");
	if (!o->nlogs == !o->live)
		return usage_err("give --event-log FILE or --live (SINIT's events come from the log)");
	if (o->grub && o->nmod)
		return usage_err("give either --grub-cfg or --module, not both");
	return 0;
}

/* tboot's own options that change the measurement, read from its command line. */
static const char *tboot_opt(const char *cmdline, const char *key, char *buf, size_t len)
{
	const char *p = cmdline;
	size_t k = strlen(key);

	for (; p && *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, k) && p[k] == '=') {
			size_t n = strcspn(p + k + 1, " ");

			if (n >= len)
				n = len - 1;
			memcpy(buf, p + k + 1, n);
			buf[n] = 0;
			return buf;
		}
	}
	return NULL;
}

static int from_grub(struct popts *o, struct aem_grub_cfg *cfg, char *mapbuf, char *extbuf)
{
	const struct aem_grub_entry *e;
	char err[256];
	uint8_t *text = NULL;
	size_t len;
	int rc = aem_readfile(o->grub, false, CFG_MAX, &text, &len);

	if (rc) {
		fprintf(stderr, "aem predict: cannot read %s: %s\n", o->grub, aem_strerror(rc));
		return AEM_EXIT_INPUT;
	}
	rc = aem_grubcfg_parse((const char *)text, len, cfg, err, sizeof(err));
	free(text);
	if (rc) {
		fprintf(stderr, "aem predict: %s: %s\n", o->grub, err);
		return AEM_EXIT_INPUT;
	}
	e = aem_grubcfg_find(cfg, o->entry);
	if (e && e->slaunch && e->error) {
		fprintf(stderr, "aem predict: %s: entry '%s': %s\n", o->grub, e->title, e->error);
		return AEM_EXIT_INPUT;
	}
	if (e && e->slaunch)
		return aem_predict_tb_from_grub(o, e);
	if (!e || !e->kernel) {
		fprintf(stderr, "aem predict: %s: no tboot entry %s%s\n", o->grub,
			o->entry ? "named " : "", o->entry ? o->entry : "");
		return AEM_EXIT_INPUT;
	}
	if (e->error) {
		fprintf(stderr, "aem predict: %s: entry '%s': %s\n", o->grub, e->title, e->error);
		return AEM_EXIT_INPUT;
	}
	for (size_t i = 0; i < e->nmod; i++) {
		if (e->mod[i].sinit)
			continue; /* tboot drops SINIT: never measured */
		if (o->nmod >= AEM_PREDICT_MAX_MODULES)
			return usage_err("too many modules");
		o->paths[o->nmod] = aem_predict_resolve(o->boot_dir, e->mod[i].path);
		if (!o->paths[o->nmod])
			return AEM_EXIT_FAIL;
		o->mod[o->nmod] = (struct aem_predict_module){ o->paths[o->nmod], e->mod[i].cmdline,
							       e->mod[i].nounzip };
		o->nmod++;
	}
	if (!o->tboot_cmdline)
		o->tboot_cmdline = e->kernel_cmdline;
	if (!o->map)
		o->map = tboot_opt(e->kernel_cmdline, "pcr_map", mapbuf, 16);
	if (!o->extpol)
		o->extpol = tboot_opt(e->kernel_cmdline, "extpol", extbuf, 16);
	return 0;
}

static int setup(const struct popts *o, const struct aem_evlog *log, struct aem_predict_in *in)
{
	in->tb.family = log->family == AEM_EVLOG_TPM12 ? AEM_FAMILY_TPM12 : AEM_FAMILY_TPM20;
	if (o->tpm && !strcmp(o->tpm, "1.2"))
		in->tb.family = AEM_FAMILY_TPM12;
	else if (o->tpm && !strcmp(o->tpm, "2.0"))
		in->tb.family = AEM_FAMILY_TPM20;
	else if (o->tpm)
		return usage_err("--tpm is 1.2 or 2.0");
	if (!o->map || !strcmp(o->map, "legacy"))
		in->tb.map = AEM_PCR_MAP_LEGACY;
	else if (!strcmp(o->map, "da"))
		in->tb.map = AEM_PCR_MAP_DA;
	else
		return usage_err("--pcr-map is legacy or da");
	if (!o->extpol || !strcmp(o->extpol, "sha256")) in->tb.extpol = AEM_EXTPOL_SHA256;
	else if (!strcmp(o->extpol, "sha1")) in->tb.extpol = AEM_EXTPOL_SHA1;
	else if (!strcmp(o->extpol, "agile")) in->tb.extpol = AEM_EXTPOL_AGILE;
	else if (!strcmp(o->extpol, "embedded")) in->tb.extpol = AEM_EXTPOL_EMBEDDED;
	else return usage_err("--extpol is sha256, sha1, agile or embedded");
	in->bank = o->bank ? aem_bank_from_name(o->bank) : aem_tboot_cur_bank(&in->tb);
	if (!in->bank)
		return usage_err("unknown --bank");
	in->log = log;
	in->tboot_cmdline = o->tboot_cmdline;
	in->nmod = o->nmod;
	in->mod = o->mod;
	in->io = &aem_hashfile_io;
	return 0;
}

/* The new tboot's image for its MLE hash (--tboot), read and inflated here. */
static int read_tboot(const struct popts *o, struct aem_predict_in *in, uint8_t **elf)
{
	size_t len = 0;
	int rc;

	*elf = NULL;
	if (!o->tboot)
		return AEM_EXIT_OK;
	rc = aem_readfile(o->tboot, true, AEM_HASHFILE_TBOOT_MAX, elf, &len);
	if (rc) {
		fprintf(stderr, "aem predict: tboot %s: %s\n", o->tboot,
			rc == AEM_E_IO ? "cannot read it" : aem_strerror(rc));
		return AEM_EXIT_INPUT;
	}
	in->tboot_path = o->tboot;
	in->tboot_elf = *elf;
	in->tboot_len = len;
	return AEM_EXIT_OK;
}

static json_object *events_json(const struct aem_predict_in *in, const struct aem_predict_out *r)
{
	json_object *a = json_object_new_array();
	char buf[32];

	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];
		bool skipped = e->role == AEM_ROLE_SKIPPED; /* never extended: no pcr/type/digest */

		aem_role_name(e->role, e->index, e->type, buf, sizeof(buf));
		json_object_array_add(a, aem_diag_event_json(skipped ? -1 : (int)e->pcr,
							     skipped ? -1 : (long)e->type, buf, e->file,
							     e->cmdline, skipped ? NULL : e->digest,
							     in->bank));
	}
	return a;
}

static void print_json(FILE *f, const struct aem_predict_in *in,
		       const struct aem_predict_out *r, aem_pcr_mask mask)
{
	json_object *root = json_object_new_object(), *pcrs = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], num[8];

	json_object_object_add(root, "family", json_object_new_string(
		in->tb.family == AEM_FAMILY_TPM12 ? "1.2" : "2.0"));
	json_object_object_add(root, "bank", json_object_new_string(aem_bank_name(in->bank)));
	json_object_object_add(root, "pcr_map", json_object_new_string(
		aem_tboot_effective_map(&in->tb) == AEM_PCR_MAP_DA ? "da" : "legacy"));
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		if (!aem_pcr_mask_has(mask, p))
			continue;
		snprintf(num, sizeof(num), "%u", p);
		json_object_object_add(pcrs, num, json_object_new_string(
			aem_hex(r->pcrs.v[p], aem_bank_size(in->bank), hex)));
	}
	json_object_object_add(root, "pcrs", pcrs);
	json_object_object_add(root, "events", events_json(in, r));
	fprintf(f, "%s\n", json_object_to_json_string_ext(root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static void print_text(FILE *f, const struct aem_predict_in *in,
		       const struct aem_predict_out *r, aem_pcr_mask mask)
{
	char hex[2 * AEM_MAX_DIGEST + 1], what[32];

	fprintf(f, "TPM %s, bank %s, pcr_map %s; %zu SINIT events replayed from the log\n",
		in->tb.family == AEM_FAMILY_TPM12 ? "1.2" : "2.0", aem_bank_name(in->bank),
		aem_tboot_effective_map(&in->tb) == AEM_PCR_MAP_DA ? "da" : "legacy", r->prefix);
	if (!r->tboot_extends)
		fprintf(f, "tboot does not extend the %s bank (extpol)\n", aem_bank_name(in->bank));
	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];

		aem_role_name(e->role, e->index, e->type, what, sizeof(what));
		if (e->role == AEM_ROLE_SKIPPED) {
			fprintf(f, "  -- %s: %s\n", what, e->file);
			continue;
		}
		fprintf(f, "  PCR %u <- %s %s%s%s%s%s\n", e->pcr,
			aem_hex(e->digest, aem_bank_size(in->bank), hex), what,
			e->file ? " " : "", e->file ? e->file : "",
			e->cmdline ? " cmdline: " : "", e->cmdline ? e->cmdline : "");
	}
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
		if (aem_pcr_mask_has(mask, p))
			fprintf(f, "PCR %u: %s\n", p,
				aem_hex(r->pcrs.v[p], aem_bank_size(in->bank), hex));
}

static int write_out(const struct popts *o, const struct aem_predict_in *in,
		     const struct aem_predict_out *r, aem_pcr_mask mask)
{
	FILE *f = o->out ? fopen(o->out, o->fmt == FMT_TPM2 ? "wb" : "w") : stdout;
	int bad;

	if (!f) {
		perror(o->out);
		return AEM_EXIT_IO;
	}
	if (o->fmt == FMT_JSON)
		print_json(f, in, r, mask);
	else if (o->fmt == FMT_TEXT)
		print_text(f, in, r, mask);
	else
		for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
			if (aem_pcr_mask_has(mask, p))
				fwrite(r->pcrs.v[p], 1, aem_bank_size(in->bank), f);
	bad = ferror(f);
	if (o->out)
		bad |= fclose(f);
	else
		bad |= fflush(f);
	return bad ? AEM_EXIT_IO : AEM_EXIT_OK;
}

static int report_failure(const struct aem_predict_in *in, const struct aem_predict_out *r, int rc)
{
	if (r->failed_module >= 0)
		fprintf(stderr, "aem predict: module %s: %s\n", in->mod[r->failed_module].path,
			rc == AEM_E_IO ? "cannot read it" :
			rc == AEM_E_FORMAT ? "corrupt compressed data" :
			rc == AEM_E_UNSUPPORTED ? "lzop, or data after the compressed stream: "
						      "cannot tell what GRUB would load" :
			aem_strerror(rc));
	else if (rc == AEM_E_FORMAT)
		fprintf(stderr, "aem predict: the event log lacks %s digests of SINIT's events%s\n",
			aem_bank_name(in->bank), in->tboot_path ? " or an MLE hash event" : "");
	else
		fprintf(stderr, "aem predict: %s%s%s\n", in->tboot_path ? in->tboot_path : "",
			in->tboot_path ? ": " : "", aem_strerror(rc));
	return rc == AEM_E_INVAL ? AEM_EXIT_USAGE : AEM_EXIT_INPUT;
}

/* Which model: --launch, else a slaunch entry or a log with TrenchBoot's events. */
static bool is_trenchboot(const struct popts *o, const struct aem_evlog *log)
{
	enum aem_tb_variant v;
	enum aem_tb_release r;

	if (o->launch)
		return !strcmp(o->launch, "trenchboot");
	return o->slaunch_entry || aem_tb_log_variant(log, &v, &r) == 0;
}

int cmd_predict(int argc, char **argv)
{
	struct popts o = { .pcrs = "17,18,19" };
	struct aem_grub_cfg cfg = { 0 };
	struct aem_evlog log = { 0 };
	struct aem_predict_in in = { 0 };
	struct aem_predict_out *r = calloc(1, sizeof(*r));
	uint8_t *elf = NULL;
	char mapbuf[16], extbuf[16];
	aem_pcr_mask mask;
	int rc;

	if (!r)
		return AEM_EXIT_FAIL;
	rc = parse_opts(argc, argv, &o);
	if (rc == 0 && aem_pcr_mask_parse(o.pcrs, &mask))
		rc = usage_err("bad --pcrs list");
	if (rc == 0 && o.grub)
		rc = from_grub(&o, &cfg, mapbuf, extbuf);
	if (rc == 0)
		rc = aem_cli_load_evlog_src("predict", o.logs, o.nlogs, o.live, NULL, &log);
	if (rc == 0 && is_trenchboot(&o, &log))
		rc = aem_predict_tb_run(&o, &log, mask);
	else if (rc == 0 && (rc = setup(&o, &log, &in)) == 0 &&
		 (rc = read_tboot(&o, &in, &elf)) == 0) {
		int prc = aem_predict(&in, r);

		rc = prc ? report_failure(&in, r, prc) : write_out(&o, &in, r, mask);
	}
	for (size_t i = 0; i < AEM_PREDICT_MAX_MODULES; i++)
		free(o.paths[i]);
	for (size_t i = 0; i < sizeof(o.owned) / sizeof(o.owned[0]); i++)
		free(o.owned[i]);
	aem_grubcfg_free(&cfg);
	aem_evlog_free(&log);
	free(elf);
	free(r);
	return rc < 0 ? AEM_EXIT_OK : rc;
}

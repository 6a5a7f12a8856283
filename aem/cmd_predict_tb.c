/* aem predict for a TrenchBoot launch (GRUB slaunch, Xen as the launched image): the
 * files are read here, the rules and per-machine records are the launch room's
 * (aem_predict_trenchboot); PCRs that depend on boot-time memory are named. */
#include "cli.h"
#include "cmd_predict.h"
#include "diagnose.h"
#include "hashfile.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>

#define XEN_MAX (64u << 20)
#define DCE_MAX (1u << 20)
#define CFG_MAX (1u << 20)

char *aem_predict_resolve(const char *boot_dir, const char *path)
{
	char *out = NULL;

	if (path[0] == '(' && strchr(path, ')'))
		path = strchr(path, ')') + 1;   /* GRUB's device: the path is on /boot */
	if (!boot_dir && access(path, F_OK) == 0)
		return strdup(path);
	if (asprintf(&out, "%s%s", boot_dir ? boot_dir : "/boot", path) < 0)
		return NULL;
	return out;
}

__attribute__((format(printf, 2, 3)))
static int fail(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "aem predict: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int aem_predict_tb_from_grub(struct popts *o, const struct aem_grub_entry *e)
{
	o->slaunch_entry = true;
	if (!e->chainloader == !e->kernel)
		return fail(AEM_EXIT_INPUT, "slaunch entry '%s' needs one multiboot2 Xen or one "
			    "chainloader xen.efi", e->title);
	if (!o->xen) {
		o->owned[0] = aem_predict_resolve(o->boot_dir, e->kernel ? e->kernel : e->chainloader);
		if (!(o->xen = o->owned[0]))
			return AEM_EXIT_FAIL;
	}
	if (e->chainloader && !o->load_options)
		o->load_options = e->chainloader_args;
	if (!o->dce && e->ndce) {
		o->owned[2] = aem_predict_resolve(o->boot_dir, e->dce[e->ndce - 1]);
		if (!(o->dce = o->owned[2]))
			return AEM_EXIT_FAIL;
	}
	if (!o->variant)
		o->variant = e->chainloader ? "efi" : "mb2";  /* the vendor comes from the log */
	for (size_t i = 0; i < e->nmod; i++) {
		if (o->nmod >= AEM_PREDICT_MAX_MODULES)
			return fail(AEM_EXIT_USAGE, "too many modules");
		if (!(o->paths[o->nmod] = aem_predict_resolve(o->boot_dir, e->mod[i].path)))
			return AEM_EXIT_FAIL;
		o->mod[o->nmod] = (struct aem_predict_module){ o->paths[o->nmod], e->mod[i].cmdline,
							       e->mod[i].nounzip };
		o->nmod++;
	}
	return 0;
}

/* The variant: the log's, checked against --variant (or the entry's kind). */
static int pick_variant(const struct popts *o, const struct aem_evlog *log,
			enum aem_tb_variant *v, enum aem_tb_release *rel)
{
	enum aem_tb_variant want;

	if (aem_tb_log_variant(log, v, rel) != 0)
		return fail(AEM_EXIT_INPUT, "the event log has no TrenchBoot events: the per-machine "
			    "records come from the log of a TrenchBoot boot of this machine");
	if (o->release && aem_tb_release_parse(o->release, rel) != 0)
		return fail(AEM_EXIT_USAGE, "--tb-release is staging or v0.5.0");
	if (!o->variant)
		return 0;
	if (!strcmp(o->variant, "efi") || !strcmp(o->variant, "mb2"))
		want = aem_tb_variant_is_amd(*v) ? (o->variant[0] == 'e' ? AEM_TB_AMD_EFI : AEM_TB_AMD_MB2)
						 : (o->variant[0] == 'e' ? AEM_TB_INTEL_EFI
									 : AEM_TB_INTEL_MB2);
	else if (aem_tb_variant_parse(o->variant, &want) != 0)
		return fail(AEM_EXIT_USAGE, "--variant is intel-mb2, amd-mb2, intel-efi or amd-efi");
	if (want != *v)
		return fail(AEM_EXIT_INPUT, "the event log is of a %s launch, the next one is %s: "
			    "their per-machine records differ; boot it once and seal to that boot",
			    aem_tb_variant_name(*v), aem_tb_variant_name(want));
	return 0;
}

/* UEFI: xen.cfg beside xen.efi (or --xen-cfg), its section, the modules and strings. */
static int efi_setup(struct popts *o, enum aem_tb_release rel, struct aem_tb_xencfg *cfg,
		     struct aem_tb_predict_in *in, char *cmdline, size_t size)
{
	const char *lo = o->load_options ? o->load_options : "";
	char err[256], first[128] = "", *dir, *slash;
	uint8_t *text = NULL;
	size_t len = 0, n = strcspn(lo + strspn(lo, " "), " ");
	int rc;

	if (o->nmod)
		return fail(AEM_EXIT_USAGE, "a UEFI launch's modules come from xen.cfg, not "
			    "--module");
	if (!o->xen_cfg) {
		size_t xl = strlen(o->xen);

		if (xl < 4 || strcmp(o->xen + xl - 4, ".efi") ||
		    asprintf(&o->owned[1], "%.*s.cfg", (int)(xl - 4), o->xen) < 0)
			return fail(AEM_EXIT_USAGE, "give --xen-cfg (xen.efi's configuration)");
		o->xen_cfg = o->owned[1];
	}
	if ((rc = aem_readfile(o->xen_cfg, false, CFG_MAX, &text, &len)) != 0)
		return fail(AEM_EXIT_INPUT, "cannot read %s: %s", o->xen_cfg, aem_strerror(rc));
	if (!o->section && n && n < sizeof(first)) {
		/* xen.efi's first load option, when xen.cfg has such a section (TrenchBoot's
		 * generator writes [vmlinuz-<kver>] and passes that name) */
		memcpy(first, lo + strspn(lo, " "), n);
		first[n] = 0;
		if (aem_tb_xencfg_parse((const char *)text, len, first, cfg, NULL, 0) == 0)
			fprintf(stderr, "aem predict: xen.cfg section [%s], named by the load "
				"options (--section chooses another)\n", first);
	}
	if (!cfg->section &&
	    aem_tb_xencfg_parse((const char *)text, len, o->section, cfg, err, sizeof(err)) != 0) {
		free(text);
		return fail(AEM_EXIT_INPUT, "%s: %s", o->xen_cfg, err);
	}
	free(text);
	if ((rc = aem_tb_efi_cmdline(rel, cfg->options, lo, cmdline, size)) != 0)
		return fail(AEM_EXIT_INPUT, "%s: Xen's command line is too long", o->xen_cfg);
	in->xen_cmdline = cmdline;
	if (!(dir = strdup(o->xen_cfg)))
		return AEM_EXIT_FAIL;
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = 0;   /* Xen reads the modules from xen.cfg's directory */
	for (size_t i = 0; i < cfg->nmod; i++) {
		if (asprintf(&o->paths[i], "%s%s%s", slash ? dir : "", slash ? "/" : "",
			     cfg->mod[i].file) < 0) {
			free(dir);
			return AEM_EXIT_FAIL;
		}
		o->mod[i] = (struct aem_predict_module){ o->paths[i], cfg->mod[i].string, true };
	}
	free(dir);
	o->nmod = cfg->nmod;
	return 0;
}

static json_object *events_json(const struct aem_predict_out *r, enum aem_bank bank)
{
	json_object *a = json_object_new_array();
	char what[32];

	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];
		json_object *o;

		aem_role_name(e->role, e->index, e->type, what, sizeof(what));
		o = aem_diag_event_json((int)e->pcr, (long)e->type, what, e->file, e->cmdline,
					e->unknown ? NULL : e->digest, bank);
		if (e->unknown)
			json_object_object_add(o, "unknown", json_object_new_boolean(1));
		json_object_array_add(a, o);
	}
	return a;
}

static void print_json(FILE *f, const struct aem_tb_predict_in *in, const char *family,
		       const struct aem_predict_out *r, aem_pcr_mask mask)
{
	json_object *root = json_object_new_object(), *pcrs = json_object_new_object();
	json_object *unknown = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], num[8];

	json_object_object_add(root, "launch", json_object_new_string("trenchboot"));
	json_object_object_add(root, "variant", json_object_new_string(aem_tb_variant_name(in->variant)));
	json_object_object_add(root, "release", json_object_new_string(aem_tb_release_name(in->release)));
	json_object_object_add(root, "family", json_object_new_string(family));
	json_object_object_add(root, "bank", json_object_new_string(aem_bank_name(in->bank)));
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		if (!aem_pcr_mask_has(mask, p))
			continue;
		snprintf(num, sizeof(num), "%u", p);
		if (r->unknown_mask & 1u << p)
			json_object_object_add(unknown, num, json_object_new_string(r->unknown_why[p]));
		else
			json_object_object_add(pcrs, num, json_object_new_string(
				aem_hex(r->pcrs.v[p], aem_bank_size(in->bank), hex)));
	}
	json_object_object_add(root, "pcrs", pcrs);
	json_object_object_add(root, "unknown", unknown);
	json_object_object_add(root, "events", events_json(r, in->bank));
	fprintf(f, "%s\n", json_object_to_json_string_ext(root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static void print_text(FILE *f, const struct aem_tb_predict_in *in, const char *family,
		       const struct aem_predict_out *r, aem_pcr_mask mask)
{
	char hex[2 * AEM_MAX_DIGEST + 1], what[32];

	fprintf(f, "TrenchBoot %s (release %s), TPM %s, bank %s; %zu SINIT events replayed "
		"from the log\n", aem_tb_variant_name(in->variant), aem_tb_release_name(in->release),
		family, aem_bank_name(in->bank), r->prefix);
	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];

		aem_role_name(e->role, e->index, e->type, what, sizeof(what));
		fprintf(f, "  PCR %u <- %s %s%s%s%s%s\n", e->pcr,
			e->unknown ? "(not computable from files)" :
				     aem_hex(e->digest, aem_bank_size(in->bank), hex),
			what, e->file ? " " : "", e->file ? e->file : "",
			e->cmdline ? " string: " : "", e->cmdline ? e->cmdline : "");
	}
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
		if (aem_pcr_mask_has(mask, p))
			fprintf(f, "PCR %u: %s\n", p, r->unknown_mask & 1u << p ? "unknown" :
				aem_hex(r->pcrs.v[p], aem_bank_size(in->bank), hex));
}

static int write_out(const struct popts *o, const struct aem_tb_predict_in *in, const char *family,
		     const struct aem_predict_out *r, aem_pcr_mask mask)
{
	FILE *f;
	int bad;

	if (o->fmt == FMT_TPM2 && (r->unknown_mask & mask))
		return AEM_EXIT_PARTIAL; /* no file of concatenated digests with holes */
	f = o->out ? fopen(o->out, o->fmt == FMT_TPM2 ? "wb" : "w") : stdout;
	if (!f) {
		perror(o->out);
		return AEM_EXIT_IO;
	}
	if (o->fmt == FMT_JSON)
		print_json(f, in, family, r, mask);
	else if (o->fmt == FMT_TEXT)
		print_text(f, in, family, r, mask);
	else
		for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
			if (aem_pcr_mask_has(mask, p))
				fwrite(r->pcrs.v[p], 1, aem_bank_size(in->bank), f);
	bad = ferror(f);
	bad |= o->out ? fclose(f) : fflush(f);
	return bad ? AEM_EXIT_IO : AEM_EXIT_OK;
}

static int report(const struct popts *o, const struct aem_tb_predict_in *in,
		  const struct aem_predict_out *r, int rc)
{
	if (r->failed_module >= 0)
		return fail(AEM_EXIT_INPUT, "module %s: %s", in->mod[r->failed_module].path,
			    rc == AEM_E_IO ? "cannot read it" : aem_strerror(rc));
	if (rc == AEM_E_UNSUPPORTED)
		return fail(AEM_EXIT_UNSUPPORTED, "%s", aem_tb_release_refusal(in->release));
	if (rc == AEM_E_FORMAT)
		return fail(AEM_EXIT_INPUT, "the event log lacks %s digests or records of a %s "
			    "TrenchBoot launch (SINIT's events, SKINIT, the SLRT info record, the "
			    "OS-MLE data)", aem_bank_name(in->bank), aem_tb_variant_name(in->variant));
	(void)o;
	return fail(rc == AEM_E_INVAL ? AEM_EXIT_USAGE : AEM_EXIT_FAIL, "%s", aem_strerror(rc));
}

/* Xen must carry a TrenchBoot MLE header where GRUB looks for it. */
static int check_xen(const struct aem_tb_predict_in *in)
{
	struct aem_tb_mle mle;
	uint8_t *img = NULL;
	const uint8_t *d;
	size_t il, dl;
	int rc = aem_tb_variant_is_efi(in->variant) ? aem_tb_mle_parse(in->xen, in->xen_len, &mle)
		: aem_tb_dlme_elf(in->xen, in->xen_len, &img, &il, &mle, &d, &dl);

	free(img);
	if (rc)
		return fail(AEM_EXIT_INPUT, "%s: %s", in->xen_path, aem_tb_variant_is_efi(in->variant) ?
			    "no TrenchBoot MLE header in the first 8 KiB of this xen.efi" :
			    "not a Xen ELF image with a TrenchBoot MLE header (in the first 8 KiB "
			    "as GRUB lays it out, the MLE within the image)");
	return 0;
}

int aem_predict_tb_run(struct popts *o, const struct aem_evlog *log, aem_pcr_mask mask)
{
	struct aem_tb_predict_in in = { 0 };
	struct aem_predict_out *r = calloc(1, sizeof(*r));
	struct aem_tb_xencfg cfg = { 0 };
	const char *family = log->family == AEM_EVLOG_TPM12 ? "1.2" : "2.0";
	uint8_t *xen = NULL, *dce = NULL;
	char *cmdline = malloc(8192);
	size_t len = 0;
	int rc;

	if (!r || !cmdline) {
		free(r);
		free(cmdline);
		return AEM_EXIT_FAIL;
	}
	rc = pick_variant(o, log, &in.variant, &in.release);
	if (rc == 0 && aem_tb_release_refusal(in.release))
		rc = fail(AEM_EXIT_UNSUPPORTED, "%s", aem_tb_release_refusal(in.release));
	in.bank = o->bank ? aem_bank_from_name(o->bank)
			  : log->family == AEM_EVLOG_TPM12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	if (rc == 0 && !in.bank)
		rc = fail(AEM_EXIT_USAGE, "unknown --bank");
	if (rc == 0 && !o->xen)
		rc = fail(AEM_EXIT_USAGE, "give --xen FILE (the Xen the next boot launches) or a "
			  "grub.cfg slaunch entry");
	if (rc == 0 && (rc = aem_readfile(o->xen, !aem_tb_variant_is_efi(in.variant), XEN_MAX,
					  &xen, &len)) != 0)
		rc = fail(AEM_EXIT_INPUT, "Xen %s: %s", o->xen, aem_strerror(rc));
	in.xen_path = o->xen;
	in.xen = xen;
	in.xen_len = len;
	if (rc == 0)
		rc = check_xen(&in);
	if (rc == 0 && aem_tb_variant_is_efi(in.variant))
		rc = efi_setup(o, in.release, &cfg, &in, cmdline, 8192);
	if (rc == 0 && o->dce && aem_tb_variant_is_amd(in.variant)) {
		if ((rc = aem_readfile(o->dce, false, DCE_MAX, &dce, &len)) != 0)
			rc = fail(AEM_EXIT_INPUT, "SKL %s: %s", o->dce, aem_strerror(rc));
		else if (aem_tb_skinit_digest(dce, len, AEM_BANK_SHA1, (uint8_t[20]){ 0 }) != 0)
			rc = fail(AEM_EXIT_INPUT, "%s: not an SKL image (its header's measured "
				  "length does not fit)", o->dce);
		in.dce_path = o->dce;
		in.dce = dce;
		in.dce_len = len;
	}
	in.log = log;
	in.nmod = o->nmod;
	in.mod = o->mod;
	in.io = &aem_hashfile_io;
	if (rc == 0 && (rc = aem_predict_trenchboot(&in, r)) != 0)
		rc = report(o, &in, r, rc);
	else if (rc == 0 && (rc = write_out(o, &in, family, r, mask)) == 0) {
		for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
			if (aem_pcr_mask_has(mask, p) && (r->unknown_mask & 1u << p)) {
				fprintf(stderr, "PCR %u: %s\n", p, r->unknown_why[p]);
				rc = AEM_EXIT_PARTIAL;
			}
	}
	aem_tb_xencfg_free(&cfg);
	free(xen);
	free(dce);
	free(cmdline);
	free(r);
	return rc;
}

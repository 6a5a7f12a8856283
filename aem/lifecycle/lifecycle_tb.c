/* TrenchBoot inputs of the next boot's prediction (lifecycle_tb.h) and the
 * "reseal needed" record (lifecycle.h). */
#include "lifecycle_tb.h"
#include "err.h"
#include "fileio.h"
#include "hashfile.h"
#include "state.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define XEN_MAX (64u << 20)
#define DCE_MAX (1u << 20)
#define XCFG_MAX (1u << 20)
#define RECORD_MAX (1u << 20)

/* A GRUB path ("(hd0,1)/x" or "/x") as a file: under each of the roots in turn. */
static char *resolve(const char *const *roots, size_t n, const char *path)
{
	char *out = NULL;

	if (path[0] == '(' && strchr(path, ')'))
		path = strchr(path, ')') + 1;
	for (size_t i = 0; i < n; i++) {
		if (asprintf(&out, "%s%s", roots[i], path) < 0)
			return NULL;
		if (!access(out, R_OK) || i + 1 == n)
			return out;
		free(out);
	}
	return NULL;
}

static bool is_skl(const char *path)
{
	const char *b = strrchr(path, '/');

	return !strcasecmp(b ? b + 1 : path, "skl.bin");
}

/* BIOS: the module2 lines in GRUB's order; the kernel is the one naming rd.luks.uuid=. */
static int mb2_modules(struct aem_lc *lc, const struct aem_grub_entry *e, const char *boot,
		       struct aem_lc_tb *tb)
{
	const char *roots[] = { boot };

	if (e->nmod > AEM_PREDICT_MAX_MODULES) {
		snprintf(lc->why, sizeof(lc->why), "entry '%s' has too many modules", e->title);
		return AEM_E_INVAL;
	}
	for (size_t i = 0; i < e->nmod; i++) {
		if (!(tb->paths[i] = resolve(roots, 1, e->mod[i].path)))
			return AEM_E_NOMEM;
		tb->mod[i] = (struct aem_predict_module){ tb->paths[i], e->mod[i].cmdline,
							  e->mod[i].nounzip };
		if (!*tb->kernel_cmdline && e->mod[i].cmdline &&
		    strstr(e->mod[i].cmdline, "rd.luks.uuid="))
			tb->kernel_cmdline = e->mod[i].cmdline;
	}
	tb->in.nmod = e->nmod;
	return 0;
}

/* UEFI: xen.cfg beside xen.efi; the section chainloader's first argument names when
 * xen.cfg has it (aem grub-config writes [vmlinuz-<kver>] and passes that name), else
 * [global]'s default=. The modules are read by Xen from xen.cfg's directory, raw. */
static int efi_modules(struct aem_lc *lc, const struct aem_grub_entry *e, struct aem_lc_tb *tb)
{
	const char *lo = e->chainloader_args ? e->chainloader_args : "";
	const char *xen = tb->paths[AEM_PREDICT_MAX_MODULES];
	size_t xl = strlen(xen), n = strcspn(lo + strspn(lo, " "), " ");
	char err[256] = "", first[128] = "", *dir, *slash, *cfg;
	uint8_t *text = NULL;
	size_t len = 0;
	int rc;

	if (xl < 4 || strcasecmp(xen + xl - 4, ".efi") ||
	    asprintf(&tb->paths[AEM_PREDICT_MAX_MODULES + 2], "%.*s.cfg", (int)(xl - 4), xen) < 0) {
		snprintf(lc->why, sizeof(lc->why), "%s: not a xen*.efi, so no xen.cfg beside it", xen);
		return AEM_E_INVAL;
	}
	cfg = tb->paths[AEM_PREDICT_MAX_MODULES + 2];
	if ((rc = aem_file_read(cfg, XCFG_MAX, &text, &len)) != 0) {
		snprintf(lc->why, sizeof(lc->why), "cannot read %s: %s", cfg, aem_strerror(rc));
		return rc;
	}
	if (n && n < sizeof(first)) {
		memcpy(first, lo + strspn(lo, " "), n);
		if (aem_tb_xencfg_parse((const char *)text, len, first, &tb->xcfg, NULL, 0))
			aem_tb_xencfg_free(&tb->xcfg), memset(&tb->xcfg, 0, sizeof(tb->xcfg));
	}
	if (!tb->xcfg.section &&
	    (rc = aem_tb_xencfg_parse((const char *)text, len, NULL, &tb->xcfg, err, sizeof(err)))) {
		free(text);
		snprintf(lc->why, sizeof(lc->why), "%s: %s", cfg, err);
		return rc;
	}
	free(text);
	if (aem_tb_efi_cmdline(tb->in.release, tb->xcfg.options, lo, tb->cmdline, sizeof(tb->cmdline))) {
		snprintf(lc->why, sizeof(lc->why), "%s: Xen's command line is too long", cfg);
		return AEM_E_INVAL;
	}
	tb->in.xen_cmdline = tb->cmdline;
	if (!(dir = strdup(cfg)))
		return AEM_E_NOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	for (size_t i = 0; i < tb->xcfg.nmod; i++) {
		if (asprintf(&tb->paths[i], "%s%s%s", slash ? dir : "", slash ? "/" : "",
			     tb->xcfg.mod[i].file) < 0) {
			free(dir);
			return AEM_E_NOMEM;
		}
		tb->mod[i] = (struct aem_predict_module){ tb->paths[i], tb->xcfg.mod[i].string, true };
		if (!strcmp(tb->xcfg.mod[i].key, "kernel"))
			tb->kernel_cmdline = tb->xcfg.mod[i].string;
	}
	free(dir);
	tb->in.nmod = tb->xcfg.nmod;
	return 0;
}

int aem_lc_tb_setup(struct aem_lc *lc, const struct aem_grub_entry *e, const char *boot,
		    const struct aem_evlog *log, enum aem_bank bank, struct aem_lc_tb *tb)
{
	char esp[AEM_STATE_PATH_MAX];
	const char *roots[] = { esp, boot };
	bool efi = e->chainloader != NULL;
	const char *dce = NULL, *refusal;
	size_t len = 0;
	int rc;

	memset(tb, 0, sizeof(*tb));
	tb->kernel_cmdline = "";
	snprintf(esp, sizeof(esp), "%s/efi", boot);
	if (!e->chainloader == !e->kernel) {
		snprintf(lc->why, sizeof(lc->why), "slaunch entry '%s' needs one multiboot2 Xen or "
			 "one chainloader xen.efi", e->title);
		return AEM_E_FORMAT;
	}
	if (aem_tb_log_variant(log, &tb->in.variant, &tb->in.release)) {
		snprintf(lc->why, sizeof(lc->why), "the event log is not a TrenchBoot launch's: the "
			 "per-machine records of the next boot come from the log of a TrenchBoot boot "
			 "of this machine");
		return AEM_E_FORMAT;
	}
	if ((refusal = aem_tb_release_refusal(tb->in.release)) != NULL) {
		snprintf(lc->why, sizeof(lc->why), "%s", refusal);
		return AEM_E_UNSUPPORTED;
	}
	if (aem_tb_variant_is_efi(tb->in.variant) != efi) {
		snprintf(lc->why, sizeof(lc->why), "this boot was a %s launch, the entry '%s' is a %s "
			 "one: their per-machine records differ", aem_tb_variant_name(tb->in.variant),
			 e->title, efi ? "UEFI (chainloader)" : "BIOS (multiboot2)");
		return AEM_E_FORMAT;
	}
	tb->paths[AEM_PREDICT_MAX_MODULES] = resolve(efi ? roots : roots + 1, efi ? 2 : 1,
						     efi ? e->chainloader : e->kernel);
	if (!tb->paths[AEM_PREDICT_MAX_MODULES])
		return AEM_E_NOMEM;
	tb->in.xen_path = tb->paths[AEM_PREDICT_MAX_MODULES];
	rc = aem_readfile(tb->in.xen_path, !efi, XEN_MAX, &tb->xen, &len);
	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "Xen %s: %s", tb->in.xen_path,
			 rc == AEM_E_IO ? "cannot read it" : aem_strerror(rc));
		return rc;
	}
	tb->in.xen = tb->xen;
	tb->in.xen_len = len;
	/* GRUB keeps the last slaunch_module that fits: on AMD, the last SKL. */
	for (size_t i = 0; aem_tb_variant_is_amd(tb->in.variant) && i < e->ndce; i++)
		if (is_skl(e->dce[i]))
			dce = e->dce[i];
	if (dce) {
		if (!(tb->paths[AEM_PREDICT_MAX_MODULES + 1] = resolve(roots + 1, 1, dce)))
			return AEM_E_NOMEM;
		tb->in.dce_path = tb->paths[AEM_PREDICT_MAX_MODULES + 1];
		rc = aem_readfile(tb->in.dce_path, false, DCE_MAX, &tb->dce, &len);
		if (rc) {
			snprintf(lc->why, sizeof(lc->why), "SKL %s: %s", tb->in.dce_path,
				 rc == AEM_E_IO ? "cannot read it" : aem_strerror(rc));
			return rc;
		}
		tb->in.dce = tb->dce;
		tb->in.dce_len = len;
	}
	rc = efi ? efi_modules(lc, e, tb) : mb2_modules(lc, e, boot, tb);
	tb->in.bank = bank;
	tb->in.log = log;
	tb->in.mod = tb->mod;
	tb->in.io = &aem_hashfile_io;
	return rc;
}

void aem_lc_tb_free(struct aem_lc_tb *tb)
{
	for (size_t i = 0; i < sizeof(tb->paths) / sizeof(tb->paths[0]); i++)
		free(tb->paths[i]);
	aem_tb_xencfg_free(&tb->xcfg);
	free(tb->xen);
	free(tb->dce);
	memset(tb, 0, sizeof(*tb));
}

/* ---- the "reseal needed" record ----------------------------------------------- */

int aem_lc_tb_record_path(char *out, size_t len)
{
	return aem_state_path(out, len, "reseal-needed.json");
}

int aem_lc_reseal_needed_write(const char *doc)
{
	char p[AEM_STATE_PATH_MAX];
	int rc = aem_lc_tb_record_path(p, sizeof(p));

	return rc ? rc : aem_file_write_atomic(p, (const uint8_t *)doc, strlen(doc), 0600);
}

int aem_lc_reseal_needed_read(char **doc)
{
	char p[AEM_STATE_PATH_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = aem_lc_tb_record_path(p, sizeof(p));

	*doc = NULL;
	if (rc)
		return rc;
	if (access(p, F_OK))
		return errno == ENOENT ? 1 : AEM_E_IO;
	rc = aem_file_read(p, RECORD_MAX, &buf, &len);
	if (rc)
		return rc;
	*doc = calloc(1, len + 1);
	if (*doc)
		memcpy(*doc, buf, len);
	free(buf);
	return *doc ? 0 : AEM_E_NOMEM;
}

int aem_lc_reseal_needed_clear(void)
{
	char p[AEM_STATE_PATH_MAX];
	int rc = aem_lc_tb_record_path(p, sizeof(p));

	if (rc)
		return rc;
	if (unlink(p))
		return errno == ENOENT ? 0 : AEM_E_IO;
	return aem_file_sync_dir(p);
}

/* ---- this boot against the record ------------------------------------------------ */

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : NULL;
}

static int jint(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_int)
		       ? json_object_get_int(v) : -1;
}

/* The k-th event of PCR p (with a digest) in a document's "events". */
static json_object *nth_event(json_object *doc, int p, size_t k)
{
	json_object *evs, *e;

	if (!json_object_object_get_ex(doc, "events", &evs) || !json_object_is_type(evs, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(evs); i++) {
		e = json_object_array_get_idx(evs, i);
		if (jint(e, "pcr") != p || !jstr(e, "digest"))
			continue;
		if (k-- == 0)
			return e;
	}
	return NULL;
}

static void name_event(json_object *e, char *buf, size_t len)
{
	const char *what = jstr(e, "what"), *file = jstr(e, "file"), *base;

	base = file && strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	snprintf(buf, len, "%s%s%s%s", what ? what : "an event", base ? " (" : "", base ? base : "",
		 base ? ")" : "");
}

/* Why PCR p of this boot differs from the recorded prediction: the first recorded
 * event of p whose digest this boot's log does not have, in order, after the events
 * found before it (the record leaves out the SINIT events it replayed from the log). */
static void explain(json_object *rec, json_object *now, int p, char *buf, size_t len)
{
	char name[256];
	size_t j = 0;
	json_object *w, *g;

	for (size_t k = 0; (w = nth_event(rec, p, k)) != NULL; k++) {
		size_t at = j;

		while ((g = nth_event(now, p, at)) != NULL && strcmp(jstr(w, "digest"), jstr(g, "digest")))
			at++;
		if (!g) {
			name_event(w, name, sizeof(name));
			snprintf(buf, len, "PCR %d: %s differs from the installed update", p, name);
			return;
		}
		j = at + 1;
	}
	snprintf(buf, len, "PCR %d differs from the installed update: this boot measured "
		 "something the update does not have (every recorded event is in this boot's log)", p);
}

int aem_lc_reseal_needed_check(const char *record, const char *now_doc, char *report,
			       size_t len)
{
	json_object *rec = json_tokener_parse(record), *now = json_tokener_parse(now_doc);
	json_object *rp, *np;
	size_t o = 0;
	int rc = 0;

	report[0] = '\0';
	if (!rec || !now || !json_object_object_get_ex(rec, "pcrs", &rp) ||
	    !json_object_object_get_ex(now, "pcrs", &np) || !jstr(rec, "bank") || !jstr(now, "bank") ||
	    strcmp(jstr(rec, "bank"), jstr(now, "bank"))) {
		snprintf(report, len, "the reseal-needed record cannot be read, or is for another "
			 "PCR bank");
		rc = AEM_E_FORMAT;
		goto out;
	}
	json_object_object_foreach(rp, k, v) {
		json_object *nv;
		char line[512];
		int p = atoi(k);

		if (json_object_object_get_ex(np, k, &nv) &&
		    !strcmp(json_object_get_string(v), json_object_get_string(nv)))
			snprintf(line, sizeof(line), "PCR %d: as predicted for the installed update\n", p);
		else {
			explain(rec, now, p, line, sizeof(line) - 1);
			strcat(line, "\n");
			rc = AEM_TPM_E_PCR_MISMATCH;
		}
		if (o + strlen(line) < len) {
			memcpy(report + o, line, strlen(line) + 1);
			o += strlen(line);
		}
	}
out:
	json_object_put(rec);
	json_object_put(now);
	return rc;
}

/* The PCR values the lifecycle seals to: this boot's (TPM + event log +
 * LUKS headers) and the next boot's (the tboot entry GRUB will boot,
 * predicted), each with its sidecar document (lifecycle_expect.h). */
#include "lifecycle.h"
#include "lifecycle_expect.h"
#include "lifecycle_tb.h"
#include "err.h"
#include "evlog.h"
#include "grubcfg.h"
#include "hashfile.h"
#include "predict.h"
#include "runtime.h"
#include "seal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DRTM_MASK ((1u << 17) | (1u << 18) | (1u << 19))
#define LOG_MAX (4u << 20)
#define CFG_MAX (4u << 20)

static int load_log(struct aem_lc *lc, const char *path, struct aem_evlog *log)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = aem_readfile(path, false, LOG_MAX, &buf, &len);

	if (!rc)
		rc = aem_evlog_parse(buf, len, log);
	free(buf);
	if (rc)
		snprintf(lc->why, sizeof(lc->why), "cannot read the TXT event log %s: %s", path,
			 aem_strerror(rc));
	return rc;
}

static const char *log_path(const struct aem_lc *lc, const char *given)
{
	if (given && *given)
		return given;
	if (getenv("AEM_EVENT_LOG") && *getenv("AEM_EVENT_LOG"))
		return getenv("AEM_EVENT_LOG");
	return lc->cfg.event_log[0] ? lc->cfg.event_log : NULL;
}

static int check_measured(struct aem_lc *lc, const struct aem_pcr_values *v)
{
	unsigned bad = 0;

	if (!aem_tpm_check_measured(v, &bad))
		return 0;
	snprintf(lc->why, sizeof(lc->why), "PCR %u shows no measured launch: boot with TXT "
		 "(tboot) first", bad);
	return AEM_TPM_E_UNMEASURED;
}

/* tboot's PCR mapping of a launch, read from where SINIT put the MLE hash. */
static const char *logged_map(const struct aem_lc *lc, const struct aem_evlog *log)
{
	size_t i = aem_evlog_find(log, AEM_EV_MLE_HASH);

	if (lc->family != AEM_FAMILY_TPM12)
		return "da";
	return i < log->n && log->ev[i].pcr == 18 ? "legacy" : "da";
}

/* PCR 13 of this boot from /proc/cmdline's rd.luks.uuid= (or src's devices). */
static int pcr13_now(struct aem_lc *lc, const struct aem_lc_src *src, struct aem_pcr_values *v,
		     json_object *events)
{
	uint8_t *cmd = NULL;
	size_t len = 0;
	int rc;

	if (!aem_pcr_mask_has(v->mask, 13))
		return 0;
	if (aem_rt_read_file("/proc/cmdline", 65536, &cmd, &len))
		cmd = NULL, len = 0;
	rc = aem_lc_pcr13(lc, src, (const char *)cmd, len, v->bank, v->v[13], events);
	free(cmd);
	return rc;
}

/* Hand the sidecar document out (events is consumed whatever happens). */
static int finish(struct aem_lc *lc, const struct aem_pcr_values *v, const char *map,
		  const char *source, json_object *events, char **expect, int rc)
{
	if (rc || !expect) {
		json_object_put(events);
		return rc;
	}
	*expect = aem_lc_exp_doc(lc->family, v, map, source, events);
	return *expect ? 0 : AEM_E_NOMEM;
}

int aem_lc_values_now(struct aem_lc *lc, const struct aem_lc_src *src,
		      struct aem_pcr_values *v, char **expect)
{
	struct aem_pcr_values rep;
	struct aem_evlog log = { 0 };
	const char *lp = log_path(lc, src ? src->evlog : NULL);
	const char *map = lc->family == AEM_FAMILY_TPM12 ? "legacy" : "da";
	json_object *events = json_object_new_array();
	int rc;

	if (expect)
		*expect = NULL;
	memset(v, 0, sizeof(*v));
	v->bank = aem_config_bank(&lc->cfg, lc->family);
	v->mask = aem_config_pcrs(&lc->cfg, lc->family);
	rc = aem_tpm_pcr_read(lc->t, v);
	if (rc)
		snprintf(lc->why, sizeof(lc->why), "cannot read the PCRs: %s", aem_strerror(rc));
	if (!rc)
		rc = pcr13_now(lc, src, v, events);
	/* The log says what the launch put into 17-19, even after the boot path
	 * capped those PCRs. */
	if (!rc && lp)
		rc = load_log(lc, lp, &log);
	if (!rc && lp)
		rc = aem_evlog_replay(&log, v->bank, log.n, &rep);
	for (unsigned i = 17; !rc && lp && i <= 19; i++)
		if (aem_pcr_mask_has(v->mask, i))
			memcpy(v->v[i], rep.v[i], sizeof(v->v[i]));
	if (!rc && lp) {
		aem_lc_exp_logged(events, &log, v->bank, v->mask);
		map = logged_map(lc, &log);
	}
	aem_evlog_free(&log);
	if (!rc)
		rc = check_measured(lc, v);
	return finish(lc, v, map, "this boot", events, expect, rc);
}

/* tboot's own option on its command line, e.g. pcr_map=da. */
static bool tboot_opt(const char *cmdline, const char *key, const char *val)
{
	size_t k = strlen(key), n = strlen(val);

	for (const char *p = cmdline; p && *p; p++)
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, k) && p[k] == '=' &&
		    !strncmp(p + k + 1, val, n) && (p[k + 1 + n] == ' ' || !p[k + 1 + n]))
			return true;
	return false;
}

static char *resolve(const char *boot_dir, const char *path)
{
	char *out = NULL;

	if (asprintf(&out, "%s%s", boot_dir, path) < 0)
		return NULL;
	if (access(out, R_OK) && !access(path, R_OK)) {
		free(out);
		return strdup(path); /* /boot is not its own file system */
	}
	return out;
}

struct next_in {
	struct aem_grub_cfg cfg;
	struct aem_predict_module mod[AEM_PREDICT_MAX_MODULES];
	char *paths[AEM_PREDICT_MAX_MODULES + 1];
	uint8_t *tboot_elf;           /* tboot's image, inflated (its MLE hash) */
	size_t nmod;
	const char *kernel_cmdline;   /* the module naming rd.luks.uuid= ("" none) */
};

static int entry_modules(struct aem_lc *lc, const struct aem_grub_entry *e, const char *boot,
			 struct next_in *ni, struct aem_predict_in *in)
{
	ni->kernel_cmdline = "";
	for (size_t i = 0; i < e->nmod; i++) {
		if (e->mod[i].sinit)
			continue; /* tboot drops SINIT: never measured */
		if (!*ni->kernel_cmdline && e->mod[i].cmdline && strstr(e->mod[i].cmdline, "rd.luks.uuid="))
			ni->kernel_cmdline = e->mod[i].cmdline;
		if (ni->nmod >= AEM_PREDICT_MAX_MODULES)
			return AEM_E_INVAL;
		if (!(ni->paths[ni->nmod] = resolve(boot, e->mod[i].path)))
			return AEM_E_NOMEM;
		ni->mod[ni->nmod] = (struct aem_predict_module){ ni->paths[ni->nmod],
							       e->mod[i].cmdline, e->mod[i].nounzip };
		ni->nmod++;
	}
	if (!(ni->paths[AEM_PREDICT_MAX_MODULES] = resolve(boot, e->kernel)))
		return AEM_E_NOMEM;
	in->tb.family = lc->family;
	in->tb.map = tboot_opt(e->kernel_cmdline, "pcr_map", "da") ? AEM_PCR_MAP_DA
								     : AEM_PCR_MAP_LEGACY;
	in->tb.extpol = tboot_opt(e->kernel_cmdline, "extpol", "agile") ? AEM_EXTPOL_AGILE :
			tboot_opt(e->kernel_cmdline, "extpol", "embedded") ? AEM_EXTPOL_EMBEDDED :
			tboot_opt(e->kernel_cmdline, "extpol", "sha1") ? AEM_EXTPOL_SHA1 :
			AEM_EXTPOL_SHA256;
	/* tboot's MLE hash is always recomputed: its command line is part of
	 * the MLE, so a changed tboot argument changes it as a new tboot does. */
	in->tboot_path = ni->paths[AEM_PREDICT_MAX_MODULES];
	in->tboot_cmdline = e->kernel_cmdline;
	in->nmod = ni->nmod;
	in->mod = ni->mod;
	in->io = &aem_hashfile_io;
	return 0;
}

/* The tboot image the entry boots, for its MLE hash. */
static int read_tboot(struct aem_lc *lc, struct next_in *ni, struct aem_predict_in *in)
{
	int rc = aem_readfile(in->tboot_path, true, AEM_HASHFILE_TBOOT_MAX, &ni->tboot_elf,
			      &in->tboot_len);

	if (rc == AEM_E_IO)
		snprintf(lc->why, sizeof(lc->why), "tboot %s: cannot read it", in->tboot_path);
	else if (rc)
		snprintf(lc->why, sizeof(lc->why), "tboot %s: %s", in->tboot_path,
			 aem_strerror(rc));
	in->tboot_elf = ni->tboot_elf;
	return rc;
}

static int read_entry(struct aem_lc *lc, const struct aem_lc_src *src, struct next_in *ni,
		      const struct aem_grub_entry **found)
{
	const char *path = src->grub_cfg ? src->grub_cfg : lc->cfg.grub_cfg;
	const char *sel = src->entry ? src->entry : lc->cfg.grub_entry[0] ? lc->cfg.grub_entry : NULL;
	const struct aem_grub_entry *e;
	char err[256] = "";
	uint8_t *text = NULL;
	size_t len = 0;
	int rc = aem_readfile(path, false, CFG_MAX, &text, &len);

	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "cannot read %s: %s", path, strerror(errno));
		return rc;
	}
	rc = aem_grubcfg_parse((const char *)text, len, &ni->cfg, err, sizeof(err));
	free(text);
	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "%s: %s", path, err);
		return rc;
	}
	e = aem_grubcfg_find(&ni->cfg, sel);
	if (!e || (!e->kernel && !(e->slaunch && e->chainloader)) || e->error) {
		snprintf(lc->why, sizeof(lc->why), "%s: no usable tboot or TrenchBoot entry%s%s%s%s",
			 path, sel ? " named " : "", sel ? sel : "", e && e->error ? ": " : "",
			 e && e->error ? e->error : "");
		return AEM_E_FORMAT;
	}
	*found = e;
	return 0;
}

/* tboot: the modules and tboot's image of entry e. */
static int tboot_inputs(struct aem_lc *lc, const struct aem_grub_entry *e, const char *boot,
			struct next_in *ni, struct aem_predict_in *in)
{
	int rc = entry_modules(lc, e, boot, ni, in);

	if (rc)
		snprintf(lc->why, sizeof(lc->why), "entry '%s' has too many modules", e->title);
	return rc ? rc : read_tboot(lc, ni, in);
}

/* What a partial prediction leaves for the record: the unknown PCRs of the seal set
 * (with why), dropped from v; the sentence for lc->why. */
static void partial(struct aem_lc *lc, const struct aem_predict_out *r, struct aem_pcr_values *v)
{
	size_t o = 0;

	lc->next_unknown = r->unknown_mask & v->mask;
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		if (!aem_pcr_mask_has(lc->next_unknown, p))
			continue;
		lc->next_unknown_why[p] = r->unknown_why[p] ? r->unknown_why[p] : "unknown";
		o += (size_t)snprintf(lc->why + o, o < sizeof(lc->why) ? sizeof(lc->why) - o : 0,
				      "%sPCR %u: %s", o ? "; " : "", p, lc->next_unknown_why[p]);
	}
	v->mask &= ~lc->next_unknown;
}

/* The partial document gains what the record needs beyond a sidecar's. */
static char *record_doc(struct aem_lc *lc, char *doc, const struct aem_grub_entry *e,
			const struct aem_lc_tb *tb)
{
	json_object *root = doc ? json_tokener_parse(doc) : NULL, *unk = json_object_new_object();
	char num[8], *out = NULL;

	free(doc);
	if (!root) {
		json_object_put(unk);
		return NULL;
	}
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
		if (aem_pcr_mask_has(lc->next_unknown, p)) {
			snprintf(num, sizeof(num), "%u", p);
			json_object_object_add(unk, num, json_object_new_string(lc->next_unknown_why[p]));
		}
	json_object_object_add(root, "unknown", unk);
	json_object_object_add(root, "launch", json_object_new_string("trenchboot"));
	json_object_object_add(root, "variant", json_object_new_string(
		aem_tb_variant_name(tb->in.variant)));
	json_object_object_add(root, "release", json_object_new_string(
		aem_tb_release_name(tb->in.release)));
	json_object_object_add(root, "entry", json_object_new_string(e->title ? e->title : ""));
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}

static void predict_failed(struct aem_lc *lc, const struct aem_predict_in *in,
			   const struct aem_predict_out *r, int rc)
{
	if (r->failed_module >= 0)
		snprintf(lc->why, sizeof(lc->why), "module %s: %s", in->mod[r->failed_module].path,
			 rc == AEM_E_IO ? "cannot read it" : aem_strerror(rc));
	else if (rc == AEM_E_FORMAT)
		snprintf(lc->why, sizeof(lc->why), "the event log lacks %s digests of SINIT's events "
			 "or its MLE hash event (or %s is not a tboot image)", aem_bank_name(in->bank),
			 in->tboot_path);
	else
		snprintf(lc->why, sizeof(lc->why), "prediction failed: %s", aem_strerror(rc));
}

int aem_lc_values_next(struct aem_lc *lc, const struct aem_lc_src *src,
		       struct aem_pcr_values *v, char **expect)
{
	struct next_in ni;
	struct aem_predict_in in;
	struct aem_lc_tb *tb = calloc(1, sizeof(*tb));
	struct aem_predict_out *r = calloc(1, sizeof(*r));
	struct aem_evlog log = { 0 };
	const struct aem_grub_entry *e = NULL;
	const char *lp = log_path(lc, src->evlog), *kcmd = "", *map = "da";
	const char *boot = src->boot_dir ? src->boot_dir : lc->cfg.boot_dir;
	json_object *events = json_object_new_array();
	bool slaunch = false;
	int rc;

	memset(&ni, 0, sizeof(ni));
	memset(&in, 0, sizeof(in));
	memset(v, 0, sizeof(*v));
	lc->next_unknown = 0;
	if (expect)
		*expect = NULL;
	v->bank = aem_config_bank(&lc->cfg, lc->family);
	v->mask = aem_config_pcrs(&lc->cfg, lc->family);
	rc = !r || !tb ? AEM_E_NOMEM : lp ? 0 : AEM_E_INVAL;
	if (rc == AEM_E_INVAL)
		snprintf(lc->why, sizeof(lc->why), "no event log of this boot (--event-log, "
			 "AEM_EVENT_LOG or event_log in aem.conf): the DCE's measurements are unknown");
	if (!rc)
		rc = read_entry(lc, src, &ni, &e);
	if (!rc && !(slaunch = e->slaunch))
		rc = tboot_inputs(lc, e, boot, &ni, &in);
	if (!rc)
		rc = load_log(lc, lp, &log);
	if (!rc && slaunch)
		rc = aem_lc_tb_setup(lc, e, boot, &log, v->bank, tb);
	if (!rc)
		kcmd = slaunch ? tb->kernel_cmdline : ni.kernel_cmdline;
	if (!rc && (v->mask & ~DRTM_MASK & ~(1u << 13))) {
		struct aem_pcr_values live = { .bank = v->bank,
					       .mask = v->mask & ~DRTM_MASK & ~(1u << 13) };
		rc = aem_tpm_pcr_read(lc->t, &live);
		if (rc)
			snprintf(lc->why, sizeof(lc->why), "cannot read the PCRs: %s", aem_strerror(rc));
		else
			memcpy(v->v, live.v, sizeof(v->v));
	}
	if (!rc && aem_pcr_mask_has(v->mask, 13))
		rc = aem_lc_pcr13(lc, src, kcmd, strlen(kcmd), v->bank, v->v[13], events);
	if (!rc && slaunch) {
		rc = aem_predict_trenchboot(&tb->in, r);
		if (rc == AEM_E_FORMAT)
			snprintf(lc->why, sizeof(lc->why), "the event log lacks %s digests or records "
				 "of a %s TrenchBoot launch, or %s has no TrenchBoot MLE header",
				 aem_bank_name(v->bank), aem_tb_variant_name(tb->in.variant),
				 tb->in.xen_path);
		else if (rc)
			predict_failed(lc, &in, r, rc);
	} else if (!rc) {
		in.bank = v->bank;
		in.log = &log;
		rc = aem_predict(&in, r);
		if (rc)
			predict_failed(lc, &in, r, rc);
		map = aem_tboot_effective_map(&in.tb) == AEM_PCR_MAP_DA ? "da" : "legacy";
	}
	for (unsigned i = 17; !rc && i <= 19; i++)
		if (aem_pcr_mask_has(v->mask, i))
			memcpy(v->v[i], r->pcrs.v[i], sizeof(v->v[i]));
	if (!rc && (r->unknown_mask & v->mask))
		partial(lc, r, v);
	if (!rc)
		rc = check_measured(lc, v);
	if (!rc)
		aem_lc_exp_predicted(events, r, v->bank);
	rc = finish(lc, v, map, lc->next_unknown ? "predicted (partial)" : "predicted", events,
		    expect, rc);
	if (!rc && lc->next_unknown) {
		if (expect && !(*expect = record_doc(lc, *expect, e, tb)))
			rc = AEM_E_NOMEM;
		else
			rc = AEM_E_UNSUPPORTED;
	}
	for (size_t i = 0; i <= AEM_PREDICT_MAX_MODULES; i++)
		free(ni.paths[i]);
	free(ni.tboot_elf);
	if (tb)
		aem_lc_tb_free(tb);
	free(tb);
	aem_grubcfg_free(&ni.cfg);
	aem_evlog_free(&log);
	free(r);
	return rc;
}

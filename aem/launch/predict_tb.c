/* The prediction of a TrenchBoot launch (the sibling of predict.c): the DCE's part
 * (Intel: SINIT's events replayed from the last log, the MLE hash recomputed; AMD:
 * SKINIT, the DLME entry offset and the DLME), then Xen's events in its order, with
 * the per-machine records (SLRT info, OS-MLE data) taken from the last log. An event
 * whose bytes exist only in memory at boot makes its PCR unknown, with a sentence. */
#include "predict.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

static const char why_mbi[] =
	"the multiboot2 information GRUB builds at boot cannot be computed from files";
static const char why_dlme_efi[] =
	"the DLME is the xen.efi image as it runs after its EFI stub (relocated, holding "
	"boot-time data such as module addresses): it cannot be computed from files";
static const char why_mle_efi[] =
	"SINIT's MLE hash covers the xen.efi image as it runs after its EFI stub: it "
	"cannot be computed from files";

struct tb_ctx {
	const struct aem_tb_predict_in *in;
	struct aem_predict_out *out;
	size_t first;       /* the log's first 0x502 event */
};

static struct aem_predict_event *add(struct tb_ctx *c, unsigned pcr, enum aem_role role)
{
	return aem_predict_add_event(c->out, pcr, AEM_EV_SLAUNCH, role);
}

/* Extend a listed event (its digest filled in), or mark its PCR unknown. */
static int commit(struct tb_ctx *c, struct aem_predict_event *e, const char *why)
{
	struct aem_predict_out *out = c->out;

	if (!e)
		return AEM_E_INVAL;
	if (why) {
		e->unknown = true;
		memset(e->digest, 0, sizeof(e->digest));
		if (!(out->unknown_mask & 1u << e->pcr))
			out->unknown_why[e->pcr] = why;
		out->unknown_mask |= 1u << e->pcr;
		return 0;
	}
	return aem_pcr_extend(out->pcrs.bank, out->pcrs.v[e->pcr], e->digest);
}

static int hash_event(struct tb_ctx *c, unsigned pcr, enum aem_role role, const void *buf,
		      size_t len, struct aem_predict_event **ep)
{
	struct aem_predict_event *e = add(c, pcr, role);
	int rc;

	if (!e)
		return AEM_E_INVAL;
	*ep = e;
	if ((rc = aem_hash(c->in->bank, buf, len, e->digest)) != 0)
		return rc;
	return commit(c, e, NULL);
}

static bool labelled(const struct aem_event *e, const char *label)
{
	size_t n = strlen(label);

	return e->data_len == n && e->data && !memcmp(e->data, label, n);
}

static bool is_slaunch(const struct aem_event *e, unsigned pcr)
{
	return e->type == AEM_EV_SLAUNCH && e->pcr == pcr;
}

/* The k-th (0-based) event of Xen's part with empty data into PCR 18 (MBI, SLRT info). */
static const struct aem_event *empty18(const struct tb_ctx *c, unsigned k)
{
	const struct aem_evlog *log = c->in->log;

	for (size_t i = c->first; i < log->n; i++)
		if (is_slaunch(&log->ev[i], 18) && log->ev[i].data_len == 0 && k-- == 0)
			return &log->ev[i];
	return NULL;
}

static const struct aem_event *find_label(const struct tb_ctx *c, const char *label)
{
	const struct aem_evlog *log = c->in->log;

	for (size_t i = c->first; i < log->n; i++)
		if (log->ev[i].type == AEM_EV_SLAUNCH && labelled(&log->ev[i], label))
			return &log->ev[i];
	return NULL;
}

/* A per-machine record copied from the last log. */
static int from_log(struct tb_ctx *c, const struct aem_event *le, enum aem_role role)
{
	const uint8_t *d = le ? aem_event_digest(le, c->in->bank) : NULL;
	struct aem_predict_event *e;

	if (!d)
		return AEM_E_FORMAT;
	if (!(e = add(c, le->pcr, role)))
		return AEM_E_INVAL;
	memcpy(e->digest, d, aem_bank_size(c->in->bank));
	e->cmdline = NULL;
	return commit(c, e, NULL);
}

/* Intel: SINIT's events (before Xen's first) replayed; its MLE hash is Xen's. */
static int intel_prefix(struct tb_ctx *c, const uint8_t *dlme, size_t dlme_len)
{
	const struct aem_tb_predict_in *in = c->in;
	bool mle = false;
	int rc;

	for (size_t i = 0; i < c->first; i++) {
		const struct aem_event *le = &in->log->ev[i];
		const uint8_t *d = aem_event_digest(le, in->bank);
		struct aem_predict_event *e;

		if (!aem_event_extends(le))
			continue;
		if (!d)
			return AEM_E_FORMAT;
		if (le->type != AEM_EV_MLE_HASH) {
			if ((rc = aem_pcr_extend(in->bank, c->out->pcrs.v[le->pcr], d)) != 0)
				return rc;
			continue;
		}
		mle = true;   /* SINIT's hash of the MLE = Xen: the DLME's part, as on AMD */
		if (!(e = add(c, le->pcr, AEM_ROLE_DLME)))
			return AEM_E_INVAL;
		e->type = AEM_EV_MLE_HASH;
		e->file = in->xen_path;
		if (!dlme) {
			rc = commit(c, e, why_mle_efi);
		} else {
			rc = aem_hash(in->bank, dlme, dlme_len, e->digest);
			if (rc == 0)
				rc = commit(c, e, NULL);
		}
		if (rc)
			return rc;
	}
	c->out->prefix = c->first;
	return mle ? 0 : AEM_E_FORMAT;
}

/* AMD: SKINIT (new SKL, or as logged), the DLME entry offset, the DLME. */
static int amd_prefix(struct tb_ctx *c, const struct aem_tb_mle *mle, const uint8_t *dlme,
		      size_t dlme_len)
{
	const struct aem_tb_predict_in *in = c->in;
	const struct aem_evlog *log = in->log;
	struct aem_predict_event *e;
	uint8_t entry[4];
	int rc;

	if (c->first >= log->n || !is_slaunch(&log->ev[c->first], 17) ||
	    !labelled(&log->ev[c->first], aem_tb_label_skinit))
		return AEM_E_FORMAT;
	if (!in->dce) {
		if ((rc = from_log(c, &log->ev[c->first], AEM_ROLE_DCE)) != 0)
			return rc;
	} else {
		if (!(e = add(c, 17, AEM_ROLE_DCE)))
			return AEM_E_INVAL;
		e->file = in->dce_path;
		if ((rc = aem_tb_skinit_digest(in->dce, in->dce_len, in->bank, e->digest)) != 0 ||
		    (rc = commit(c, e, NULL)) != 0)
			return rc;
	}
	aem_tb_entry_bytes(mle->entry, entry);
	if ((rc = hash_event(c, 17, AEM_ROLE_DLME_ENTRY, entry, 4, &e)) != 0)
		return rc;
	e->file = in->xen_path;
	if (!(e = add(c, 17, AEM_ROLE_DLME)))
		return AEM_E_INVAL;
	e->file = in->xen_path;
	if (!dlme)
		return commit(c, e, why_dlme_efi);
	if ((rc = aem_hash(in->bank, dlme, dlme_len, e->digest)) != 0)
		return rc;
	return commit(c, e, NULL);
}

static int modules(struct tb_ctx *c)
{
	const struct aem_tb_predict_in *in = c->in;
	bool efi = aem_tb_variant_is_efi(in->variant);
	struct aem_predict_event *e;
	int rc;

	for (size_t i = 0; i < in->nmod; i++) {
		const struct aem_predict_module *m = &in->mod[i];
		const char *s = m->cmdline ? m->cmdline : "";

		if (efi) {
			if ((rc = hash_event(c, 18, AEM_ROLE_MODSTR, s, strlen(s), &e)) != 0)
				return rc;
			e->index = (int)i + 1;
			e->file = m->path;
			e->cmdline = s;
		}
		if (!(e = add(c, 17, AEM_ROLE_MB_MODULE)))
			return AEM_E_INVAL;
		e->index = (int)i + 1;
		e->file = m->path;
		e->cmdline = efi ? NULL : s;
		if ((rc = in->io->digest(in->io->ctx, m, in->bank, e->digest)) != 0) {
			c->out->failed_module = (int)i;
			return rc;
		}
		if ((rc = commit(c, e, NULL)) != 0)
			return rc;
	}
	return 0;
}

static int xen_events(struct tb_ctx *c)
{
	const struct aem_tb_predict_in *in = c->in;
	bool efi = aem_tb_variant_is_efi(in->variant), intel = !aem_tb_variant_is_amd(in->variant);
	struct aem_predict_event *e;
	int rc;

	if (!efi) {
		if (!empty18(c, 0))
			return AEM_E_FORMAT;
		if ((rc = commit(c, add(c, 18, AEM_ROLE_MBI), why_mbi)) != 0)
			return rc;
	}
	if ((rc = from_log(c, empty18(c, efi ? 0 : 1), AEM_ROLE_SLRT_INFO)) != 0)
		return rc;
	if (intel && (rc = from_log(c, find_label(c, aem_tb_label_osmle), AEM_ROLE_OSMLE)) != 0)
		return rc;
	if (efi) {
		const char *cl = in->xen_cmdline ? in->xen_cmdline : "";

		if ((rc = hash_event(c, 18, AEM_ROLE_XEN_CMDLINE, cl, strlen(cl), &e)) != 0)
			return rc;
		e->file = in->xen_path;
		e->cmdline = cl;
	}
	return modules(c);
}

int aem_predict_trenchboot(const struct aem_tb_predict_in *in, struct aem_predict_out *out)
{
	struct tb_ctx c = { .in = in, .out = out };
	enum aem_tb_variant logged;
	enum aem_tb_release logged_rel;
	struct aem_tb_mle mle;
	uint8_t *img = NULL;
	const uint8_t *dlme = NULL;
	size_t img_len = 0, dlme_len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->failed_module = -1;
	if (!in || !in->log || !aem_bank_size(in->bank) || (unsigned)in->variant > AEM_TB_AMD_EFI ||
	    in->nmod > AEM_PREDICT_MAX_MODULES || !in->xen ||
	    (in->nmod && (!in->mod || !in->io || !in->io->digest)))
		return AEM_E_INVAL;
	if (aem_tb_release_refusal(in->release))
		return AEM_E_UNSUPPORTED;
	out->pcrs.bank = in->bank;
	out->pcrs.mask = 1u << 17 | 1u << 18 | 1u << 19;
	out->tboot_extends = true;
	c.first = aem_evlog_find(in->log, AEM_EV_SLAUNCH);
	if (c.first >= in->log->n || aem_tb_log_variant(in->log, &logged, &logged_rel) != 0 ||
	    logged != in->variant)
		return AEM_E_FORMAT;  /* its per-machine records are another variant's */
	if (aem_tb_variant_is_efi(in->variant))
		rc = aem_tb_mle_parse(in->xen, in->xen_len, &mle);
	else
		rc = aem_tb_dlme_elf(in->xen, in->xen_len, &img, &img_len, &mle, &dlme, &dlme_len);
	if (rc == 0)
		rc = aem_tb_variant_is_amd(in->variant) ? amd_prefix(&c, &mle, dlme, dlme_len)
							: intel_prefix(&c, dlme, dlme_len);
	if (rc == 0)
		rc = xen_events(&c);
	free(img);
	out->pcrs.mask &= ~out->unknown_mask;
	return rc;
}

int aem_tb_log_variant(const struct aem_evlog *log, enum aem_tb_variant *v,
		       enum aem_tb_release *rel)
{
	size_t first = aem_evlog_find(log, AEM_EV_SLAUNCH);
	bool amd, efi = false, old = false;
	unsigned empty = 0;

	for (size_t i = 0; i < log->n; i++) {
		const struct aem_event *e = &log->ev[i];

		old |= e->type >= 0x600 && e->type <= 0x602;  /* aem_v0.2's own types */
		efi |= e->type == AEM_EV_SLAUNCH && labelled(e, aem_tb_label_cmdline);
		empty += is_slaunch(e, 18) && e->data_len == 0;
	}
	if (first >= log->n && !old)
		return AEM_E_FORMAT;
	amd = first < log->n && labelled(&log->ev[first], aem_tb_label_skinit);
	*v = amd ? (efi ? AEM_TB_AMD_EFI : AEM_TB_AMD_MB2) : (efi ? AEM_TB_INTEL_EFI : AEM_TB_INTEL_MB2);
	/* v0.4 on AMD measured the MBI only (no SLRT info record) */
	*rel = old || (!efi && empty < 2) ? AEM_TB_REL_OLD : AEM_TB_REL_DEFAULT;
	return 0;
}

int aem_tb_log_roles(const struct aem_evlog *log, enum aem_role *roles, int *index)
{
	enum aem_tb_variant v;
	enum aem_tb_release rel;
	unsigned empty = 0, mods = 0, strs = 0;
	bool efi;

	if (aem_tb_log_variant(log, &v, &rel) != 0)
		return AEM_E_FORMAT;
	efi = aem_tb_variant_is_efi(v);
	for (size_t i = 0; i < log->n; i++) {
		const struct aem_event *e = &log->ev[i];
		enum aem_role r = AEM_ROLE_NONE;

		index[i] = -1;
		if (e->type == AEM_EV_MLE_HASH)
			r = AEM_ROLE_DLME;  /* SINIT's hash of Xen */
		else if (e->type != AEM_EV_SLAUNCH)
			r = AEM_ROLE_SINIT;
		else if (labelled(e, aem_tb_label_skinit))
			r = AEM_ROLE_DCE;
		else if (labelled(e, aem_tb_label_entry))
			r = AEM_ROLE_DLME_ENTRY;
		else if (labelled(e, aem_tb_label_dlme))
			r = AEM_ROLE_DLME;
		else if (labelled(e, aem_tb_label_osmle))
			r = AEM_ROLE_OSMLE;
		else if (labelled(e, aem_tb_label_cmdline))
			r = AEM_ROLE_XEN_CMDLINE;
		else if (labelled(e, aem_tb_label_modstr))
			r = AEM_ROLE_MODSTR, index[i] = (int)++strs;
		else if (labelled(e, aem_tb_label_module) || labelled(e, aem_tb_label_mb2_module))
			r = AEM_ROLE_MB_MODULE, index[i] = (int)++mods;
		else if (e->pcr == 18 && e->data_len == 0)
			r = !efi && empty++ == 0 ? AEM_ROLE_MBI : AEM_ROLE_SLRT_INFO;
		roles[i] = r;
	}
	return 0;
}

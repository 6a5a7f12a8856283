/* The prediction: replay SINIT's prefix, then extend tboot's events. */
#include "predict.h"
#include "err.h"

#include <string.h>

struct aem_predict_event *aem_predict_add_event(struct aem_predict_out *out, unsigned pcr,
						uint32_t type, enum aem_role role)
{
	struct aem_predict_event *e;

	if (out->nev >= sizeof(out->ev) / sizeof(out->ev[0]))
		return NULL;
	e = &out->ev[out->nev++];
	memset(e, 0, sizeof(*e));
	e->pcr = pcr;
	e->type = type;
	e->role = role;
	e->index = -1;
	return e;
}

static int extend(struct aem_predict_out *out, unsigned pcr, const uint8_t *d)
{
	out->pcrs.mask |= 1u << pcr;
	return aem_pcr_extend(out->pcrs.bank, out->pcrs.v[pcr], d);
}

static int replay_prefix(const struct aem_predict_in *in, struct aem_predict_out *out)
{
	const struct aem_evlog *log = in->log;
	uint8_t mle[AEM_MAX_DIGEST];
	bool replaced = false;
	int rc;

	out->prefix = aem_evlog_find(log, AEM_EV_TBOOT);
	if (in->tboot_path &&
	    (rc = aem_tboot_mle_hash(in->tboot_elf, in->tboot_len, in->tboot_cmdline, in->bank,
				     mle)) != 0)
		return rc;
	for (size_t i = 0; i < out->prefix; i++) {
		const struct aem_event *e = &log->ev[i];
		const uint8_t *d = aem_event_digest(e, in->bank);

		if (!aem_event_extends(e))
			continue;
		if (!d)
			return AEM_E_FORMAT; /* SINIT extends every bank: the log is partial */
		if (in->tboot_path && e->type == AEM_EV_MLE_HASH) {
			struct aem_predict_event *pe = aem_predict_add_event(out, e->pcr, e->type, AEM_ROLE_MLE);

			if (!pe)
				return AEM_E_INVAL;
			memcpy(pe->digest, mle, sizeof(mle));
			pe->file = in->tboot_path;
			pe->cmdline = in->tboot_cmdline;
			d = mle;
			replaced = true;
		}
		if ((rc = extend(out, e->pcr, d)) != 0)
			return rc;
	}
	return in->tboot_path && !replaced ? AEM_E_FORMAT : 0;
}

/* tboot drops the SINIT ACM and LCP policy data before measuring: recognise them by
 * content, as it does. A module whose first bytes cannot be had is measured (its
 * digest then fails and names it). */
static bool dropped_by_tboot(const struct aem_predict_in *in, const struct aem_predict_module *m)
{
	uint8_t head[64];
	size_t n = 0;

	if (in->io->head(in->io->ctx, m, head, sizeof(head), &n) || n > sizeof(head))
		return false;
	return n > 0 && (aem_tboot_is_acm(head, n) || aem_tboot_is_lcp_data(head, n));
}

static int add_policy(const struct aem_predict_in *in, struct aem_predict_out *out)
{
	const uint8_t *pol = in->policy;
	size_t len = in->policy_len;
	uint8_t p[AEM_MAX_DIGEST];
	unsigned pcrs[2], n;
	int rc;

	if (!pol)
		pol = aem_tboot_default_policy(in->tb.family, &len);
	if ((rc = aem_tboot_policy_entry(&in->tb, in->bank, pol, len, p)) != 0)
		return rc;
	n = aem_tboot_policy_pcrs(&in->tb, pcrs);
	for (unsigned i = 0; i < n; i++) {
		struct aem_predict_event *e = aem_predict_add_event(out, pcrs[i], AEM_EV_TBOOT, AEM_ROLE_POLICY);

		if (!e)
			return AEM_E_INVAL;
		memcpy(e->digest, p, sizeof(p));
		if ((rc = extend(out, pcrs[i], p)) != 0)
			return rc;
	}
	return 0;
}

static int add_module(const struct aem_predict_in *in, struct aem_predict_out *out,
		      size_t i, unsigned *index)
{
	const struct aem_predict_module *m = &in->mod[i];
	struct aem_predict_event *e;
	uint8_t img[AEM_MAX_DIGEST];
	int rc;

	if (dropped_by_tboot(in, m)) {
		e = aem_predict_add_event(out, 0, 0, AEM_ROLE_SKIPPED);
		if (!e)
			return AEM_E_INVAL;
		e->file = m->path;
		return 0;
	}
	e = aem_predict_add_event(out, aem_tboot_module_pcr(&in->tb, *index), AEM_EV_TBOOT, AEM_ROLE_MODULE);
	if (!e)
		return AEM_E_INVAL;
	e->index = (int)(*index)++;
	e->file = m->path;
	e->cmdline = m->cmdline ? m->cmdline : "";
	if ((rc = in->io->digest(in->io->ctx, m, in->bank, img)) != 0)
		return rc;
	if ((rc = aem_tboot_module_digest(in->bank, e->cmdline, img, e->digest)) != 0)
		return rc;
	return extend(out, e->pcr, e->digest);
}

int aem_predict(const struct aem_predict_in *in, struct aem_predict_out *out)
{
	unsigned index = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->failed_module = -1;
	if (!in || !in->log || !aem_bank_size(in->bank) || in->nmod > AEM_PREDICT_MAX_MODULES ||
	    (in->nmod && (!in->mod || !in->io || !in->io->head || !in->io->digest)) ||
	    (in->tboot_path && !in->tboot_elf))
		return AEM_E_INVAL;
	out->pcrs.bank = in->bank;
	out->pcrs.mask = 1u << 17 | 1u << 18 | 1u << 19;
	if ((rc = replay_prefix(in, out)) != 0)
		return rc;
	out->tboot_extends = aem_tboot_extends_bank(&in->tb, in->bank);
	if (!out->tboot_extends)
		return 0;
	if ((rc = add_policy(in, out)) != 0)
		return rc;
	for (size_t i = 0; i < in->nmod; i++) {
		if ((rc = add_module(in, out, i, &index)) != 0) {
			out->failed_module = (int)i;
			return rc;
		}
	}
	return 0;
}

/* Diagnosis of a PCR mismatch: the sealed boot and this boot as lists of described
 * measurements (from a JSON document or an event log), compared per PCR. */
#include "diagnose.h"
#include "err.h"
#include "predict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#define DRTM_FIRST 17u
#define DRTM_LAST 22u

void aem_diag_free(struct aem_diag_boot *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->ev[i].file);
		free(b->ev[i].cmdline);
	}
	free(b->ev);
	memset(b, 0, sizeof(*b));
}

char *aem_diag_sidecar_path(const char *sealed, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s.expect.json", sealed);

	return n < 0 || (size_t)n >= size ? NULL : buf;
}

static struct aem_diag_event *add(struct aem_diag_boot *b, size_t cap)
{
	struct aem_diag_event *e;

	if (b->n >= cap)
		return NULL;
	e = &b->ev[b->n++];
	memset(e, 0, sizeof(*e));
	e->index = -1;
	e->log_index = SIZE_MAX;
	return e;
}

/* ---- from an event log ---- */

/* tboot's D/A mapping extends the policy entry into PCR 17 and then PCR 18, the same
 * digest twice; the legacy mapping extends it once (then M0 into PCR 18). */
static unsigned policy_count(const struct aem_evlog *log, enum aem_bank bank, size_t first)
{
	const struct aem_event *a = &log->ev[first], *b = NULL;
	const uint8_t *da = aem_event_digest(a, bank), *db;

	for (size_t i = first + 1; i < log->n && !b; i++)
		if (log->ev[i].type == AEM_EV_TBOOT && aem_event_digest(&log->ev[i], bank))
			b = &log->ev[i];
	if (!b || !(db = aem_event_digest(b, bank)))
		return 1;
	return a->pcr == 17 && b->pcr == 18 && !memcmp(da, db, aem_bank_size(bank)) ? 2 : 1;
}

static void classify(struct aem_diag_event *e, uint32_t type, unsigned *ntboot, unsigned npol)
{
	if (type == AEM_EV_MLE_HASH) {
		e->role = AEM_ROLE_MLE;
	} else if (type != AEM_EV_TBOOT) {
		e->role = AEM_ROLE_SINIT;
	} else if (*ntboot < npol) {
		e->role = AEM_ROLE_POLICY;
		(*ntboot)++;
	} else {
		e->role = AEM_ROLE_MODULE;
		e->index = (int)(*ntboot - npol);
		(*ntboot)++;
	}
}

/* A TrenchBoot log: its events' roles come from their labels (aem_tb_log_roles). */
static int tb_roles(const struct aem_evlog *log, enum aem_role **roles, int **index)
{
	*roles = NULL;
	*index = NULL;
	if (!log->n || aem_evlog_find(log, AEM_EV_SLAUNCH) >= log->n)
		return 0;
	*roles = calloc(log->n, sizeof(**roles));
	*index = calloc(log->n, sizeof(**index));
	if (!*roles || !*index || aem_tb_log_roles(log, *roles, *index) != 0) {
		free(*roles);
		free(*index);
		*roles = NULL;
		*index = NULL;
		return AEM_E_NOMEM;
	}
	return 0;
}

int aem_diag_from_log(const struct aem_evlog *log, enum aem_bank bank, struct aem_diag_boot *b)
{
	size_t first = aem_evlog_find(log, AEM_EV_TBOOT);
	unsigned npol = 1, ntboot = 0;
	const char *fam = aem_evlog_family_name(log->family);
	enum aem_role *tbr = NULL;
	int *tbi = NULL, rc;

	memset(b, 0, sizeof(*b));
	if (!aem_bank_size(bank))
		return AEM_E_INVAL;
	b->bank = bank;
	b->has_sinit = true;
	snprintf(b->family, sizeof(b->family), "%s", !strcmp(fam, "1.2") ? "1.2" : "2.0");
	if (first < log->n && aem_event_digest(&log->ev[first], bank))
		npol = policy_count(log, bank, first);
	if (log->n && !(b->ev = calloc(log->n, sizeof(*b->ev))))
		return AEM_E_NOMEM;
	if ((rc = tb_roles(log, &tbr, &tbi)) != 0)
		return rc;
	for (size_t i = 0; i < log->n; i++) {
		const struct aem_event *le = &log->ev[i];
		const uint8_t *d = aem_event_digest(le, bank);
		struct aem_diag_event *e;

		if (!d || !aem_event_extends(le))
			continue;
		e = add(b, log->n);
		e->pcr = le->pcr;
		e->type = le->type;
		e->log_index = i;
		memcpy(e->digest, d, aem_bank_size(bank));
		if (tbr)
			e->role = tbr[i], e->index = tbi[i];
		else
			classify(e, le->type, &ntboot, npol);
	}
	free(tbr);
	free(tbi);
	return aem_evlog_replay(log, bank, log->n, &b->pcrs);
}

/* ---- JSON documents ---- */

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

/* The role of a document's event: from its "what" (role.h's names), else from its type
 * (documents that name events by type, e.g. "TBOOT"); the type MLE_HASH wins over the
 * name. A tboot event whose role the document does not say keeps AEM_ROLE_NONE (then
 * classified as from a log). Returns 0, or -1 for an event that is not a measurement
 * of the launch (e.g. PCR 13's). */
static int role_from_what(const char *what, uint32_t type, struct aem_diag_event *e)
{
	enum aem_role r = AEM_ROLE_NONE;
	int idx = -1;

	if (aem_role_parse(what, &r, &idx) != 0)
		r = AEM_ROLE_NONE;
	if (r >= AEM_ROLE_DCE && r < AEM_ROLE_COUNT)
		e->role = r, e->index = idx;   /* TrenchBoot's */
	else if (r == AEM_ROLE_MLE || type == AEM_EV_MLE_HASH)
		e->role = AEM_ROLE_MLE;
	else if (r == AEM_ROLE_POLICY || r == AEM_ROLE_MODULE)
		e->role = r, e->index = idx;
	else if (type == AEM_EV_TBOOT)
		e->role = AEM_ROLE_NONE;
	else if (r == AEM_ROLE_SINIT || (type >= 0x400 && type <= 0x4ff))
		e->role = AEM_ROLE_SINIT;
	else
		return -1;
	return 0;
}

/* tboot events a document lists without their role: policy entries first (one, or two
 * equal ones into PCR 17 then 18 with the D/A mapping), then the modules. */
static void classify_tboot(struct aem_diag_boot *b)
{
	struct aem_diag_event *first = NULL, *second = NULL;
	unsigned npol = 1, k = 0;

	for (size_t i = 0; i < b->n && !second; i++)
		if (b->ev[i].role == AEM_ROLE_NONE)
			*(first ? &second : &first) = &b->ev[i];
	if (first && second && first->pcr == 17 && second->pcr == 18 &&
	    !memcmp(first->digest, second->digest, aem_bank_size(b->bank)))
		npol = 2;
	for (size_t i = 0; i < b->n; i++) {
		if (b->ev[i].role != AEM_ROLE_NONE)
			continue;
		b->ev[i].role = k < npol ? AEM_ROLE_POLICY : AEM_ROLE_MODULE;
		b->ev[i].index = k < npol ? -1 : (int)(k - npol);
		k++;
	}
}

static int strdup_opt(const char *s, char **out)
{
	*out = NULL;
	if (s && !(*out = strdup(s)))
		return AEM_E_NOMEM;
	return 0;
}

/* One element of "events"; events without a digest (modules tboot drops) and events
 * outside the launch are skipped. */
static int event_from_json(json_object *o, struct aem_diag_boot *b, size_t cap)
{
	const char *what = jstr(o, "what"), *digest = jstr(o, "digest"), *type = jstr(o, "type");
	struct aem_diag_event tmp = { .index = -1, .log_index = SIZE_MAX }, *e;
	json_object *pcr;
	int64_t p;
	int rc;

	if (!digest)
		return 0;
	if (!json_object_object_get_ex(o, "pcr", &pcr) ||
	    (p = json_object_get_int64(pcr)) < 0 || p >= AEM_PCR_COUNT ||
	    strlen(digest) != 2 * aem_bank_size(b->bank) ||
	    aem_unhex(digest, tmp.digest, aem_bank_size(b->bank)))
		return AEM_E_FORMAT;
	tmp.pcr = (unsigned)p;
	tmp.type = type ? (uint32_t)strtoul(type, NULL, 16) : 0;
	if (role_from_what(what ? what : "", tmp.type, &tmp) < 0)
		return 0;
	if (tmp.role == AEM_ROLE_SINIT)
		b->has_sinit = true;
	if (!(e = add(b, cap)))
		return AEM_E_FORMAT;
	*e = tmp;
	if ((rc = strdup_opt(jstr(o, "file"), &e->file)) != 0)
		return rc;
	return strdup_opt(jstr(o, "cmdline"), &e->cmdline);
}

static int pcrs_from_json(json_object *pcrs, struct aem_diag_boot *b)
{
	b->pcrs.bank = b->bank;
	json_object_object_foreach(pcrs, key, val) {
		char *end;
		unsigned long p = strtoul(key, &end, 10);
		const char *hex = json_object_get_string(val);

		if (*end || end == key || p >= AEM_PCR_COUNT || !hex ||
		    strlen(hex) != 2 * aem_bank_size(b->bank) ||
		    aem_unhex(hex, b->pcrs.v[p], aem_bank_size(b->bank)))
			return AEM_E_FORMAT;
		b->pcrs.mask |= 1u << p;
	}
	return 0;
}

static int boot_from_json(json_object *root, struct aem_diag_boot *b)
{
	json_object *evs, *pcrs;
	const char *fam = jstr(root, "family");
	size_t n;
	int rc = 0;

	if (!json_object_is_type(root, json_type_object) ||
	    !(b->bank = aem_bank_from_name(jstr(root, "bank"))) ||
	    !json_object_object_get_ex(root, "events", &evs) ||
	    !json_object_is_type(evs, json_type_array))
		return AEM_E_FORMAT;
	snprintf(b->family, sizeof(b->family), "%s", fam ? fam : "");
	if (json_object_object_get_ex(root, "pcrs", &pcrs) &&
	    (!json_object_is_type(pcrs, json_type_object) || pcrs_from_json(pcrs, b) != 0))
		return AEM_E_FORMAT;
	n = json_object_array_length(evs);
	if (n > AEM_EVLOG_MAX_EVENTS)
		return AEM_E_FORMAT;
	if (!n)
		return 0;
	if (!(b->ev = calloc(n, sizeof(*b->ev))))
		return AEM_E_NOMEM;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = event_from_json(json_object_array_get_idx(evs, i), b, n);
	if (rc == 0)
		classify_tboot(b);
	return rc;
}

int aem_diag_from_json(const char *text, size_t len, struct aem_diag_boot *b)
{
	struct json_tokener *tok;
	json_object *root;
	int rc;

	memset(b, 0, sizeof(*b));
	if (!text || len > (16u << 20))
		return AEM_E_FORMAT;
	if (!(tok = json_tokener_new()))
		return AEM_E_NOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(root);
		json_tokener_free(tok);
		return AEM_E_FORMAT;
	}
	json_tokener_free(tok);
	rc = boot_from_json(root, b);
	json_object_put(root);
	return rc;
}

json_object *aem_diag_event_json(int pcr, long type, const char *what, const char *file,
				 const char *cmdline, const uint8_t *digest, enum aem_bank bank)
{
	json_object *o = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], t[24];

	if (pcr >= 0)
		json_object_object_add(o, "pcr", json_object_new_int64(pcr));
	if (type >= 0) {
		snprintf(t, sizeof(t), "0x%lx", (unsigned long)type);
		json_object_object_add(o, "type", json_object_new_string(t));
	}
	json_object_object_add(o, "what", json_object_new_string(what));
	if (file)
		json_object_object_add(o, "file", json_object_new_string(file));
	if (cmdline)
		json_object_object_add(o, "cmdline", json_object_new_string(cmdline));
	if (digest)
		json_object_object_add(o, "digest", json_object_new_string(
			aem_hex(digest, aem_bank_size(bank), hex)));
	return o;
}

int aem_diag_to_json(const struct aem_diag_boot *b, char **out)
{
	json_object *root = json_object_new_object(), *evs = json_object_new_array();
	json_object *pcrs = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], buf[64];
	size_t dl = aem_bank_size(b->bank);

	json_object_object_add(root, "family", json_object_new_string(b->family));
	json_object_object_add(root, "bank", json_object_new_string(aem_bank_name(b->bank)));
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		if (!aem_pcr_mask_has(b->pcrs.mask, p))
			continue;
		snprintf(buf, sizeof(buf), "%u", p);
		json_object_object_add(pcrs, buf, json_object_new_string(aem_hex(b->pcrs.v[p], dl, hex)));
	}
	json_object_object_add(root, "pcrs", pcrs);
	for (size_t i = 0; i < b->n; i++) {
		const struct aem_diag_event *e = &b->ev[i];

		aem_role_name(e->role, e->index, e->type, buf, sizeof(buf));
		json_object_array_add(evs, aem_diag_event_json((int)e->pcr, e->type, buf, e->file,
							       e->cmdline, e->digest, b->bank));
	}
	json_object_object_add(root, "events", evs);
	*out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return *out ? 0 : AEM_E_NOMEM;
}

/* ---- comparison ---- */

static bool is_tboot(const struct aem_diag_event *e)
{
	return e->role == AEM_ROLE_POLICY || e->role == AEM_ROLE_MODULE;
}

/* The k-th event of a class (SINIT's own, MLE, tboot's), or NULL. */
static const struct aem_diag_event *nth(const struct aem_diag_boot *b, int cls, size_t k)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct aem_diag_event *e = &b->ev[i];
		int c = aem_diag_is_tb(e) ? 3 : is_tboot(e) ? 2 : e->role == AEM_ROLE_MLE ? 1 : 0;

		if (c == cls && k-- == 0)
			return e;
	}
	return NULL;
}

static bool differs(const struct aem_diag_event *a, const struct aem_diag_event *b, size_t dl)
{
	return !a || !b || a->pcr != b->pcr || memcmp(a->digest, b->digest, dl);
}

/* Pair the events class by class, in log order (SINIT's, the MLE hash, tboot's), and
 * stop at the first pair touching pcr that differs. SINIT's own events are compared
 * only when both sides list them. */
static bool first_difference(const struct aem_diag_boot *s, const struct aem_diag_boot *n,
			     unsigned pcr, struct aem_diag_finding *f)
{
	size_t dl = aem_bank_size(s->bank);

	for (int cls = s->has_sinit && n->has_sinit ? 0 : 1; cls <= 2; cls++) { /* 3: tb_difference */
		for (size_t k = 0;; k++) {
			const struct aem_diag_event *w = nth(s, cls, k), *g = nth(n, cls, k);

			if (!w && !g)
				break;
			if (cls == 1 && !w)
				break; /* a prediction without --tboot lists no MLE hash */
			if (!((w && w->pcr == pcr) || (g && g->pcr == pcr)) || !differs(w, g, dl))
				continue;
			f->want = w;
			f->got = g;
			f->verdict = !g ? AEM_DIAG_MISSING : !w ? AEM_DIAG_EXTRA : AEM_DIAG_EVENT;
			return true;
		}
	}
	return aem_diag_tb_difference(s, n, pcr, f);
}

void aem_diag_pcr(const struct aem_diag_boot *sealed, const struct aem_diag_boot *now,
		  const struct aem_pcr_values *tpm, unsigned pcr, struct aem_diag_finding *f)
{
	size_t dl = aem_bank_size(now->bank);

	memset(f, 0, sizeof(*f));
	f->pcr = pcr;
	if (pcr < DRTM_FIRST || pcr > DRTM_LAST || pcr >= AEM_PCR_COUNT) {
		f->verdict = AEM_DIAG_NOT_DRTM;
		return;
	}
	if (tpm && tpm->bank == now->bank && aem_pcr_mask_has(tpm->mask, pcr) &&
	    memcmp(tpm->v[pcr], now->pcrs.v[pcr], dl)) {
		f->verdict = AEM_DIAG_LOG_STALE;
		memcpy(f->log_value, now->pcrs.v[pcr], dl);
		memcpy(f->tpm_value, tpm->v[pcr], dl);
		return;
	}
	if (sealed->bank != now->bank) {
		f->verdict = AEM_DIAG_UNEXPLAINED;
		return;
	}
	if (first_difference(sealed, now, pcr, f))
		return;
	f->verdict = sealed->has_sinit && now->has_sinit ? AEM_DIAG_UNEXPLAINED
							  : AEM_DIAG_SINIT_CHANGED;
}

/* ---- words ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

char *aem_diag_event_name(const struct aem_diag_event *e, char *buf, size_t size)
{
	char role[32];

	switch (e->role) {
	case AEM_ROLE_MODULE:
		aem_role_name(e->role, e->index, e->type, role, sizeof(role));
		snprintf(buf, size, "%s%s%s%s", role, e->file ? " (" : "",
			 e->file ? base_name(e->file) : "", e->file ? ")" : "");
		break;
	case AEM_ROLE_MLE:
		snprintf(buf, size, "the MLE hash (tboot%s%s or its command line)",
			 e->file ? " " : "", e->file ? base_name(e->file) : "");
		break;
	case AEM_ROLE_POLICY:
		snprintf(buf, size, "tboot's policy entry (its launch policy)");
		break;
	default:
		if (aem_diag_tb_event_name(e, buf, size))
			break;
		snprintf(buf, size, "SINIT's event %s (0x%x)", aem_evlog_type_name(e->type), e->type);
		break;
	}
	return buf;
}

static void not_drtm(unsigned pcr, char *buf, size_t size)
{
	if (pcr == 13)
		snprintf(buf, size, "PCR 13 differs: not a DRTM measurement \u2014 the LUKS header "
			 "or the AEM media changed");
	else
		snprintf(buf, size, "PCR %u differs: not a DRTM measurement (firmware or boot "
			 "loader, measured before the TXT launch)", pcr);
}

char *aem_diag_describe(const struct aem_diag_finding *f, enum aem_bank bank, char *buf,
			size_t size)
{
	char a[160], h1[2 * AEM_MAX_DIGEST + 1], h2[2 * AEM_MAX_DIGEST + 1];
	size_t dl = aem_bank_size(bank);

	switch (f->verdict) {
	case AEM_DIAG_SAME:
		snprintf(buf, size, "PCR %u is as sealed", f->pcr);
		break;
	case AEM_DIAG_NOT_DRTM:
		not_drtm(f->pcr, buf, size);
		break;
	case AEM_DIAG_EVENT:
		aem_diag_event_name(f->want, a, sizeof(a));
		if (f->want->pcr != f->got->pcr)
			snprintf(buf, size, "PCR %u: %s went to PCR %u this boot, PCR %u in the sealed "
				 "boot (another pcr_map?)", f->pcr, a, f->got->pcr, f->want->pcr);
		else
			snprintf(buf, size, "PCR %u: %s differs from the sealed boot", f->pcr, a);
		break;
	case AEM_DIAG_MISSING:
		snprintf(buf, size, "PCR %u: %s of the sealed boot was not measured this boot",
			 f->pcr, aem_diag_event_name(f->want, a, sizeof(a)));
		break;
	case AEM_DIAG_EXTRA:
		snprintf(buf, size, "PCR %u: this boot measured %s, which the sealed boot did not",
			 f->pcr, aem_diag_event_name(f->got, a, sizeof(a)));
		break;
	case AEM_DIAG_SINIT_CHANGED:
		snprintf(buf, size, "PCR %u: tboot's measurements are as sealed; SINIT's own differ "
			 "(the SINIT ACM, the BIOS ACM, the launch control policy, or tboot itself)",
			 f->pcr);
		break;
	case AEM_DIAG_LOG_STALE:
		snprintf(buf, size, "PCR %u: the event log does not describe this boot (it replays "
			 "to %s, the TPM has %s): cannot name the component", f->pcr,
			 aem_hex(f->log_value, dl, h1), aem_hex(f->tpm_value, dl, h2));
		break;
	default:
		snprintf(buf, size, "PCR %u: every logged event is as sealed, yet the value differs",
			 f->pcr);
		break;
	}
	return buf;
}

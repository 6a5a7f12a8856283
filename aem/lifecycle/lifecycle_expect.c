/* Sidecar documents of sealed files (lifecycle_expect.h): built from a
 * prediction or from this boot's event log, and kept with their sealed file
 * through every write, rename and removal. */
#include "lifecycle_expect.h"
#include "err.h"
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


void aem_lc_exp_predicted(json_object *events, const struct aem_predict_out *r,
			  enum aem_bank bank)
{
	char what[32];
	json_object *o;

	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];

		if (e->role == AEM_ROLE_SKIPPED)
			continue; /* never extended: nothing to compare with */
		aem_role_name(e->role, e->index, e->type, what, sizeof(what));
		o = aem_diag_event_json(e->pcr, e->type, what, e->file, e->cmdline,
					e->unknown ? NULL : e->digest, bank);
		if (e->unknown) /* boot-time memory (TrenchBoot): no digest to compare */
			json_object_object_add(o, "unknown", json_object_new_boolean(1));
		json_object_array_add(events, o);
	}
}

void aem_lc_exp_logged(json_object *events, const struct aem_evlog *log, enum aem_bank bank,
		       aem_pcr_mask mask)
{
	for (size_t i = 0; i < log->n; i++) {
		const struct aem_event *e = &log->ev[i];
		const uint8_t *d = aem_event_digest(e, bank);

		if (!d || !aem_event_extends(e) || !aem_pcr_mask_has(mask, e->pcr))
			continue;
		json_object_array_add(events, aem_diag_event_json(e->pcr, e->type,
			aem_evlog_type_name(e->type), NULL, NULL, d, bank));
	}
}

char *aem_lc_exp_doc(enum aem_family f, const struct aem_pcr_values *v, const char *pcr_map,
		     const char *source, json_object *events)
{
	json_object *root = json_object_new_object(), *pcrs = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], num[8], *out;

	json_object_object_add(root, "family", json_object_new_string(
		f == AEM_FAMILY_TPM12 ? "1.2" : "2.0"));
	json_object_object_add(root, "bank", json_object_new_string(aem_bank_name(v->bank)));
	json_object_object_add(root, "pcr_map", json_object_new_string(pcr_map));
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		if (!aem_pcr_mask_has(v->mask, p))
			continue;
		snprintf(num, sizeof(num), "%u", p);
		json_object_object_add(pcrs, num, json_object_new_string(
			aem_hex(v->v[p], aem_bank_size(v->bank), hex)));
	}
	json_object_object_add(root, "pcrs", pcrs);
	json_object_object_add(root, "events", events);
	json_object_object_add(root, "source", json_object_new_string(source));
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return out;
}

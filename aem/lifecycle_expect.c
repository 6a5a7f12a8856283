/* Sidecar documents of sealed files (lifecycle_expect.h): built from a
 * prediction or from this boot's event log, and kept with their sealed file
 * through every write, rename and removal. */
#include "lifecycle_expect.h"
#include "err.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DOC_MAX (1u << 20)

json_object *aem_lc_exp_event(unsigned pcr, long type, const char *what, const char *file,
			      const char *cmdline, const uint8_t *digest, enum aem_bank bank)
{
	json_object *o = json_object_new_object();
	char hex[2 * AEM_MAX_DIGEST + 1], t[24];

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
	json_object_object_add(o, "digest", json_object_new_string(
		aem_hex(digest, aem_bank_size(bank), hex)));
	return o;
}

void aem_lc_exp_predicted(json_object *events, const struct aem_predict_out *r,
			  enum aem_bank bank)
{
	char what[32];

	for (size_t i = 0; i < r->nev; i++) {
		const struct aem_predict_event *e = &r->ev[i];

		if (e->what == AEM_PRED_SKIPPED)
			continue; /* never extended: nothing to compare with */
		if (e->what == AEM_PRED_MODULE)
			snprintf(what, sizeof(what), "module %d", e->index);
		else
			snprintf(what, sizeof(what), "%s", aem_predict_what_name(e->what));
		json_object_array_add(events, aem_lc_exp_event(e->pcr, e->type, what, e->file,
							       e->cmdline, e->digest, bank));
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
		json_object_array_add(events, aem_lc_exp_event(e->pcr, e->type,
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

int aem_lc_exp_path(const char *sealed, char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s", sealed, AEM_LC_EXPECT_EXT);

	return n < 0 || (size_t)n >= len ? AEM_TPM_E_INVAL : 0;
}

static int sync_parent(const char *path)
{
	char tmp[AEM_STATE_PATH_MAX + 16];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s", path);
	fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return AEM_TPM_E_IO;
	rc = fsync(fd) ? AEM_TPM_E_IO : 0;
	close(fd);
	return rc;
}

int aem_lc_exp_remove(const char *sealed)
{
	char p[AEM_STATE_PATH_MAX + 16];

	if (aem_lc_exp_path(sealed, p, sizeof(p)))
		return AEM_TPM_E_INVAL;
	if (unlink(p))
		return errno == ENOENT ? 0 : AEM_TPM_E_IO;
	return sync_parent(p);
}

int aem_lc_exp_write(const char *sealed, const char *doc)
{
	char p[AEM_STATE_PATH_MAX + 16];

	if (!doc)
		return aem_lc_exp_remove(sealed);
	if (aem_lc_exp_path(sealed, p, sizeof(p)))
		return AEM_TPM_E_INVAL;
	return aem_file_write_atomic(p, (const uint8_t *)doc, strlen(doc), 0600);
}

int aem_lc_exp_rename(const char *from, const char *to)
{
	char a[AEM_STATE_PATH_MAX + 16], b[AEM_STATE_PATH_MAX + 16];

	if (aem_lc_exp_path(from, a, sizeof(a)) || aem_lc_exp_path(to, b, sizeof(b)))
		return AEM_TPM_E_INVAL;
	if (rename(a, b))
		return errno == ENOENT ? aem_lc_exp_remove(to) : AEM_TPM_E_IO;
	return sync_parent(b);
}

int aem_lc_exp_copy(const char *from, const char *to)
{
	char a[AEM_STATE_PATH_MAX + 16], b[AEM_STATE_PATH_MAX + 16];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (aem_lc_exp_path(from, a, sizeof(a)) || aem_lc_exp_path(to, b, sizeof(b)))
		return AEM_TPM_E_INVAL;
	if (access(a, F_OK) && errno == ENOENT)
		return aem_lc_exp_remove(to);
	rc = aem_file_read(a, DOC_MAX, &buf, &len);
	if (!rc)
		rc = aem_file_write_atomic(b, buf, len, 0600);
	aem_buf_free(buf, len);
	return rc;
}

/* The lifecycle engine: pending seals (update, reseal) and the boot-time
 * unseal with freshness rotation. Ordering is the whole point here; see the
 * crash table in docs/lifecycle.md. */
#include "lifecycle.h"
#include "lifecycle_expect.h"
#include "err.h"
#include "fileio.h"
#include "policy.h"
#include "seal.h"
#include "tpm12.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATHLEN AEM_STATE_PATH_MAX

int aem_lc_open(struct aem_lc *lc, const char *conf, const char *tcti, bool need_id)
{
	int rc;

	memset(lc, 0, sizeof(*lc));
	rc = aem_config_load(conf, &lc->cfg, lc->why, sizeof(lc->why));
	if (rc)
		return rc;
	rc = aem_tpm_open(tcti, &lc->t);
	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "no TPM: %s", aem_strerror(rc));
		return rc;
	}
	lc->family = aem_tpm_family(lc->t);
	rc = aem_lc_id_read(lc->t, lc->id);
	if (rc == 0) {
		aem_hex(lc->id, sizeof(lc->id), lc->id_hex);
	} else if (need_id) {
		snprintf(lc->why, sizeof(lc->why), "this TPM has no aem identity (%s): run aem tpm-setup",
			 aem_strerror(rc));
		return AEM_TPM_E_NO_SRK;
	}
	return 0;
}

void aem_lc_close(struct aem_lc *lc)
{
	aem_tpm_close(lc->t);
	lc->t = NULL;
	aem_lc_slot_key(lc, NULL);
}

int aem_lc_slot_define(struct aem_lc *lc, unsigned slot, uint8_t key[AEM_FRESH_KEY_LEN])
{
	struct aem_fresh_slot empty;
	int rc;

	memset(&empty, 0, sizeof(empty));
	if (RAND_priv_bytes(key, AEM_FRESH_KEY_LEN) != 1)
		return AEM_E_CRYPTO;
	rc = aem_tpm_nv_define(lc->t, aem_fresh_slot_index(lc->family, slot), key,
			       AEM_FRESH_NV_SIZE);
	aem_lc_slot_key(lc, key);
	if (!rc)
		rc = aem_lc_slot_write(lc, slot, &empty);
	return rc;
}

/* rename, then make the rename itself durable. */
static int commit_rename(const char *from, const char *to)
{
	if (rename(from, to))
		return AEM_E_IO;
	return aem_file_sync_dir(to);
}

static bool values_equal(const struct aem_pcr_values *a, const struct aem_pcr_values *b)
{
	size_t n = aem_bank_size(a->bank);

	if (a->bank != b->bank || a->mask != b->mask)
		return false;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(a->mask, i) && memcmp(a->v[i], b->v[i], n))
			return false;
	return true;
}

/* The policy recorded in s is the one its expected values give (computed
 * here, offline): the TPM object will open exactly for those values. */
static bool policy_ok(const struct aem_sealed *s)
{
	uint8_t p[AEM_MAX_DIGEST];

	if (s->flags & AEM_SEALED_F_PIN)
		return false;
	if (s->family == AEM_FAMILY_TPM12)
		return s->policy_len == 20 && !aem_tpm12_composite_hash(&s->expect, p) &&
		       !memcmp(p, s->policy, 20);
	aem_policy_init(p);
	return s->policy_len == AEM_POLICY_SIZE && !aem_policy_pcr(p, &s->expect) &&
	       !memcmp(p, s->policy, AEM_POLICY_SIZE);
}

/* a holds b's PCRs (and maybe more) with b's values. */
static bool values_cover(const struct aem_pcr_values *a, const struct aem_pcr_values *b)
{
	size_t n = aem_bank_size(a->bank);

	if (a->bank != b->bank || (a->mask & b->mask) != b->mask)
		return false;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(b->mask, i) && memcmp(a->v[i], b->v[i], n))
			return false;
	return true;
}

/* Parse the sealed file at path (read by rd) and compare its expected values
 * with v: every PCR of v equal (exact) or every PCR it seals present in v. */
static int sealed_check(const char *path, const struct aem_pcr_values *v, bool exact,
			int (*rd)(const char *, size_t, uint8_t **, size_t *))
{
	struct aem_sealed s;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = rd(path, AEM_SEALED_MAX_FILE, &buf, &len);

	if (!rc)
		rc = aem_sealed_parse(buf, len, &s);
	aem_buf_free(buf, len);
	if (rc)
		return rc;
	if (!policy_ok(&s))
		rc = AEM_E_FORMAT;
	else if (!(exact ? values_equal(&s.expect, v) : values_cover(&s.expect, v)))
		rc = AEM_TPM_E_PCR_MISMATCH;
	aem_sealed_free(&s);
	return rc;
}

int aem_lc_sealed_covers(const char *path, const struct aem_pcr_values *v)
{
	return sealed_check(path, v, false, aem_file_read);
}

int aem_lc_sealed_matches(const char *path, const struct aem_pcr_values *v)
{
	return sealed_check(path, v, true, aem_file_read_untrusted);
}

/* The plaintext secrets of the state that the configured display takes
 * (aem_display_wants) into b, buffers in bufs[], lens[]; lc->why says what
 * is missing when the result could not be shown at boot. */
static int bundle_from_state(struct aem_lc *lc, struct aem_bundle *b, uint8_t **bufs, size_t *lens)
{
	const char *taken[AEM_BUNDLE_MAX_SECRETS], *problem;
	char **names = NULL;
	size_t n = 0;
	int rc = aem_state_secret_list(&names, &n);

	if (!rc && n == 0)
		rc = AEM_E_IO, errno = ENOENT;
	for (size_t i = 0; !rc && i < n; i++) {
		if (!aem_display_wants(lc->cfg.display, names[i]))
			continue;
		if (b->n == AEM_BUNDLE_MAX_SECRETS) {
			rc = AEM_E_INVAL;
			break;
		}
		rc = aem_state_secret_read(names[i], &bufs[b->n], &lens[b->n]);
		snprintf(b->item[b->n].name, sizeof(b->item[b->n].name), "%s", names[i]);
		b->item[b->n].data = bufs[b->n];
		b->item[b->n].len = lens[b->n];
		taken[b->n] = b->item[b->n].name;
		b->n++;
	}
	problem = rc ? NULL : aem_display_check(lc->cfg.display, taken, b->n);
	if (problem)
		rc = AEM_E_INVAL, snprintf(lc->why, sizeof(lc->why), "%s", problem);
	else if (rc == AEM_E_INVAL)
		snprintf(lc->why, sizeof(lc->why), "more than %d secrets in %s/secrets",
			 AEM_BUNDLE_MAX_SECRETS, aem_state_dir());
	else if (rc)
		snprintf(lc->why, sizeof(lc->why), "no secrets to seal in %s/secrets (aem secret set)",
			 aem_state_dir());
	aem_state_free_list(names, n);
	return rc;
}

/* Seal bundle b to v and write it as the write-ahead file of root. */
static int write_ahead(struct aem_lc *lc, const struct aem_bundle *b,
		       const struct aem_pcr_values *v, const char *path)
{
	uint8_t *pt = NULL, *out = NULL;
	size_t pt_len = 0, out_len = 0;
	int rc = aem_bundle_build(b, &pt, &pt_len);

	if (!rc)
		rc = aem_tpm_seal_payload(lc->t, v, NULL, 0, pt, pt_len, &out, &out_len);
	aem_buf_free(pt, pt_len);
	if (!rc && (rc = aem_file_write_atomic(path, out, out_len, 0600)) != 0)
		snprintf(lc->why, sizeof(lc->why), "cannot write %s: %s", path, strerror(errno));
	aem_buf_free(out, out_len);
	return rc;
}

static int media_dir(const char *root, const char *id_hex, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/aem/%s", root, id_hex);

	if (n < 0 || (size_t)n >= len)
		return AEM_E_INVAL;
	return access(out, W_OK) ? AEM_E_IO : 0;
}

int aem_lc_seal_pending(struct aem_lc *lc, const struct aem_media_rec *m, const char *root,
			const struct aem_pcr_values *v, const char *expect)
{
	char dir[PATHLEN], newp[PATHLEN], nextp[PATHLEN];
	uint8_t *bufs[AEM_BUNDLE_MAX_SECRETS] = { 0 };
	size_t lens[AEM_BUNDLE_MAX_SECRETS] = { 0 };
	struct aem_fresh_slot slot;
	struct aem_bundle b;
	int rc;

	memset(&b, 0, sizeof(b));
	if ((rc = media_dir(root, lc->id_hex, dir, sizeof(dir))) != 0) {
		snprintf(lc->why, sizeof(lc->why), "%s: %s%s", dir, strerror(errno),
			 errno == ENOENT ? ": the media is not present (insert and mount it)" :
			 errno == EROFS ? ": the media is read-only" : "");
		return rc;
	}
	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_NEW, newp, sizeof(newp));
	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_NEXT, nextp, sizeof(nextp));
	aem_lc_slot_key(lc, m->has_slot_key ? m->slot_key : NULL);
	rc = aem_lc_slot_read(lc, m->slot, &slot, NULL);
	if (rc == AEM_TPM_E_NV_FOREIGN)
		snprintf(lc->why, sizeof(lc->why), "the freshness slot %u of media aem%s: %s", m->slot,
			 m->suffix, aem_strerror(rc));
	if (!rc && slot.revoked) {
		snprintf(lc->why, sizeof(lc->why), "media aem%s is revoked: install it again", m->suffix);
		rc = AEM_E_INVAL;
	}
	if (!rc)
		rc = bundle_from_state(lc, &b, bufs, lens);
	b.slot = m->slot;
	memcpy(b.slot_key, m->slot_key, sizeof(b.slot_key));
	if (!rc && RAND_priv_bytes(b.token, sizeof(b.token)) != 1)
		rc = AEM_E_CRYPTO;
	/* 1. the new bundle (and its sidecar) next to the old ones; 2. proven;
	 * 3. registered in NV; 4. given its name, then the sidecar its name.
	 * Until 3 the old pending file keeps working. */
	if (!rc && (rc = aem_lc_exp_write(newp, expect)) != 0)
		snprintf(lc->why, sizeof(lc->why), "cannot write %s%s: %s", newp, AEM_LC_EXPECT_EXT,
			 strerror(errno));
	if (!rc)
		rc = write_ahead(lc, &b, v, newp);
	if (!rc && (rc = aem_lc_sealed_matches(newp, v)) != 0)
		snprintf(lc->why, sizeof(lc->why), "%s does not read back as written", newp);
	if (!rc)
		rc = aem_fresh_set_next(&slot, b.token);
	if (!rc && (rc = aem_lc_slot_write(lc, m->slot, &slot)) != 0)
		snprintf(lc->why, sizeof(lc->why), "cannot update the freshness slot in TPM NV: %s",
			 aem_strerror(rc));
	if (!rc && (rc = commit_rename(newp, nextp)) != 0)
		snprintf(lc->why, sizeof(lc->why), "cannot rename %s: %s", newp, strerror(errno));
	/* The sealed file is in place: a sidecar left behind only misleads no
	 * one, since a reader checks its values against the sealed file's. */
	if (!rc)
		aem_lc_exp_rename(newp, nextp);
	for (size_t i = 0; i < AEM_BUNDLE_MAX_SECRETS; i++)
		aem_buf_free(bufs[i], lens[i]);
	explicit_bzero(&b, sizeof(b));
	return rc;
}

int aem_lc_id_setup(struct aem_tpm *t, uint8_t id[AEM_TPM_ID_LEN], int *created)
{
	uint8_t back[AEM_TPM_ID_LEN];
	int rc = aem_lc_id_read(t, id);

	*created = 0;
	if (rc != AEM_E_INVAL)
		return rc; /* there already (0), or unreadable: never replaced */
	rc = aem_tpm_random(t, id, AEM_TPM_ID_LEN);
	if (!rc)
		rc = aem_tpm_nv_write(t, aem_fresh_id_index(aem_tpm_family(t)), NULL, id,
				      AEM_TPM_ID_LEN);
	if (!rc)
		rc = aem_lc_id_read(t, back);
	if (!rc && memcmp(back, id, AEM_TPM_ID_LEN))
		rc = AEM_TPM_E_TPM;
	*created = rc == 0;
	return rc;
}

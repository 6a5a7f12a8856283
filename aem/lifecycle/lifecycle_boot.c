/* The boot-time half of the lifecycle: unseal the media's bundle, check its
 * freshness token against the NV slot, then rotate the token and retire the
 * files this boot made obsolete (docs/lifecycle.md). With the NV access it
 * needs (identity, freshness slot) and no configuration, so that aem-boot
 * links this file, lifecycle_files.c and fresh.c and nothing else of the
 * lifecycle. */
#include "lifecycle.h"
#include "lifecycle_expect.h"
#include "err.h"
#include "fileio.h"
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATHLEN AEM_STATE_PATH_MAX

static const char *const which_name[] = { "secret.sealed", "secret.next.sealed",
					  "secret.new.sealed" };

int aem_lc_id_read(struct aem_tpm *t, uint8_t id[AEM_TPM_ID_LEN])
{
	int rc = aem_tpm_nv_read(t, aem_fresh_id_index(aem_tpm_family(t)), NULL, id, AEM_TPM_ID_LEN);

	if (!rc && (aem_all_bytes(id, AEM_TPM_ID_LEN, 0) || aem_all_bytes(id, AEM_TPM_ID_LEN, 0xff)))
		rc = AEM_E_FORMAT; /* defined but never written */
	return rc;
}

int aem_lc_attach(struct aem_lc *lc, struct aem_tpm *t)
{
	int rc;

	memset(lc, 0, sizeof(*lc));
	lc->t = t;
	lc->family = aem_tpm_family(t);
	rc = aem_lc_id_read(t, lc->id);
	if (rc)
		snprintf(lc->why, sizeof(lc->why), "this TPM has no aem identity (%s): run aem tpm-setup",
			 aem_strerror(rc));
	else
		aem_hex(lc->id, sizeof(lc->id), lc->id_hex);
	return rc;
}

int aem_lc_slot_read(struct aem_lc *lc, unsigned slot, struct aem_fresh_slot *s, bool *defined)
{
	uint8_t buf[AEM_FRESH_NV_SIZE];
	int rc = lc->has_slot_key ? aem_tpm_nv_read(lc->t, aem_fresh_slot_index(lc->family, slot),
						    lc->slot_key, buf, sizeof(buf)) : AEM_TPM_E_NV_FOREIGN;

	memset(s, 0, sizeof(*s));
	if (defined)
		*defined = rc == 0;
	if (rc == AEM_E_INVAL)
		return 0; /* never written: empty */
	if (rc)
		return rc;
	return aem_fresh_slot_parse(buf, sizeof(buf), s);
}

int aem_lc_slot_write(struct aem_lc *lc, unsigned slot, const struct aem_fresh_slot *s)
{
	uint8_t buf[AEM_FRESH_NV_SIZE];

	aem_fresh_slot_serialize(s, buf);
	if (!lc->has_slot_key)
		return AEM_TPM_E_NV_FOREIGN;
	return aem_tpm_nv_write(lc->t, aem_fresh_slot_index(lc->family, slot), lc->slot_key, buf,
				sizeof(buf));
}

void aem_lc_slot_key(struct aem_lc *lc, const uint8_t *key)
{
	lc->has_slot_key = key != NULL;
	if (key)
		memcpy(lc->slot_key, key, AEM_FRESH_KEY_LEN);
	else
		explicit_bzero(lc->slot_key, sizeof(lc->slot_key));
}

/* The PCRs of the sealed selection whose live value differs. */
static aem_pcr_mask pcr_diff(const struct aem_pcr_values *want, const struct aem_pcr_values *now)
{
	size_t n = aem_bank_size(want->bank);
	aem_pcr_mask d = 0;

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(want->mask, i) && memcmp(want->v[i], now->v[i], n))
			d |= 1u << i;
	return d;
}

/* Unseal one file of the media into a malloc'd payload, locked in memory;
 * on a PCR mismatch *differ names the PCRs that differ (for the diagnosis).
 * The media is the attacker's: the file is read without following a link,
 * without waiting on a FIFO, only when it is a regular file of bounded size. */
static int unseal_file(struct aem_lc *lc, const char *path, struct aem_sealed *s,
		       uint8_t **pt, size_t *len, aem_pcr_mask *differ)
{
	struct aem_pcr_values now;
	uint8_t *buf = NULL;
	size_t blen = 0;
	int rc = aem_file_read_untrusted(path, AEM_SEALED_MAX_FILE, &buf, &blen);

	*pt = NULL;
	if (!rc)
		rc = aem_sealed_parse(buf, blen, s);
	aem_buf_free(buf, blen);
	if (rc)
		return rc;
	*len = s->ct_len;
	*pt = malloc(s->ct_len ? s->ct_len : 1);
	if (!*pt) {
		aem_sealed_free(s);
		return AEM_E_NOMEM;
	}
	if (mlock(*pt, s->ct_len ? s->ct_len : 1)) {
		free(*pt);
		*pt = NULL;
		aem_sealed_free(s);
		return AEM_E_NOMEM; /* never unseal into memory that may be swapped out */
	}
	rc = aem_tpm_unseal_payload(lc->t, s, NULL, 0, *pt, &now);
	if (rc == AEM_TPM_E_PCR_MISMATCH && differ)
		*differ = pcr_diff(&s->expect, &now);
	if (rc) {
		aem_buf_free(*pt, *len);
		*pt = NULL;
		aem_sealed_free(s);
	}
	return rc;
}

/* "secret.sealed: <why> (PCR 13 differs)", after a "; " when notes precede it. */
static void note_failure(char *out, size_t len, bool first, const char *file, int rc,
			 aem_pcr_mask differ)
{
	int n = snprintf(out, len, "%s%s: %s", first ? "" : "; ", file, aem_strerror(rc));

	for (unsigned i = 0; i < AEM_PCR_COUNT && n > 0 && (size_t)n < len; i++)
		if (aem_pcr_mask_has(differ, i))
			n += snprintf(out + n, len - (size_t)n, " (PCR %u differs)", i);
}

/* What lies at path on the media: 0 nothing, 1 a regular file, -1 anything
 * else (a directory, link, FIFO... planted where aem keeps a file). */
static int media_entry(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	return S_ISREG(st.st_mode) ? 1 : -1;
}

/* Try one candidate; 0 when it unseals and its token is fresh. */
static int try_candidate(struct aem_lc *lc, const char *root, enum aem_sealed_which w,
			 struct aem_lc_boot *b, struct aem_sealed *s, struct aem_fresh_slot *slot,
			 char *notes, size_t nlen)
{
	char path[PATHLEN];
	size_t used = strlen(notes);
	aem_pcr_mask differ = 0;
	int rc;

	aem_state_sealed_path(root, lc->id_hex, w, path, sizeof(path));
	switch (media_entry(path)) {
	case 0:
		errno = ENOENT;
		return AEM_E_IO;
	case -1:
		snprintf(notes + used, nlen - used, "%s%s: not a regular file (planted on the media?)",
			 used ? "; " : "", which_name[w]);
		errno = EINVAL;
		return AEM_E_FORMAT;
	}
	rc = unseal_file(lc, path, s, &b->payload, &b->payload_len, &differ);
	if (!rc && (rc = aem_bundle_parse(b->payload, b->payload_len, &b->bundle)) != 0)
		rc = rc == AEM_E_VERSION ? AEM_TPM_E_NV_FOREIGN : AEM_E_FORMAT;
	if (!rc)
		aem_lc_slot_key(lc, b->bundle.slot_key);
	if (!rc)
		rc = aem_lc_slot_read(lc, b->bundle.slot, slot, NULL);
	if (!rc && slot->revoked)
		rc = AEM_TPM_E_AUTH, snprintf(notes + used, nlen - used, "%s%s: this media was revoked",
					      used ? "; " : "", which_name[w]);
	else if (!rc && (b->match = aem_fresh_match(slot, b->bundle.token)) == AEM_FRESH_NONE)
		rc = AEM_TPM_E_AUTH, snprintf(notes + used, nlen - used,
					      "%s%s: stale freshness token (an old copy of the media?)",
					      used ? "; " : "", which_name[w]);
	else if (rc)
		note_failure(notes + used, nlen - used, used == 0, which_name[w], rc, differ);
	if (rc && b->payload) {
		aem_buf_free(b->payload, b->payload_len);
		b->payload = NULL;
		memset(&b->bundle, 0, sizeof(b->bundle));
		aem_sealed_free(s);
	}
	return rc;
}

/* The new token, sealed to the values that just unsealed, proven by a real
 * unseal, registered in NV, then renamed over the current file. */
static int rotate(struct aem_lc *lc, const char *root, struct aem_lc_boot *b,
		  const struct aem_sealed *s, struct aem_fresh_slot *slot)
{
	const char *nn = which_name[AEM_SEALED_NEW];
	char newp[PATHLEN], curp[PATHLEN], nextp[PATHLEN], usedp[PATHLEN];
	struct aem_bundle nb = b->bundle;
	struct aem_sealed ns;
	uint8_t *pt = NULL, *out = NULL, *back = NULL;
	size_t pt_len = 0, out_len = 0, back_len = 0;
	int rc;

	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_NEW, newp, sizeof(newp));
	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_CUR, curp, sizeof(curp));
	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_NEXT, nextp, sizeof(nextp));
	aem_state_sealed_path(root, lc->id_hex, b->used, usedp, sizeof(usedp));
	if (RAND_priv_bytes(nb.token, sizeof(nb.token)) != 1) {
		explicit_bzero(&nb, sizeof(nb));
		snprintf(b->rot_why, sizeof(b->rot_why), "no random token: %s",
			 aem_strerror(AEM_E_CRYPTO));
		return AEM_E_CRYPTO;
	}
	rc = aem_bundle_build(&nb, &pt, &pt_len);
	/* The new bundle is the same plaintext: kept out of swap like the old one. */
	if (!rc && mlock(pt, pt_len))
		rc = AEM_E_NOMEM, snprintf(b->rot_why, sizeof(b->rot_why),
					   "cannot lock the new bundle in memory: %s", strerror(errno));
	if (!rc && (rc = aem_tpm_seal_payload(lc->t, &s->expect, NULL, 0, pt, pt_len, &out,
					      &out_len)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot seal the new token: %s",
			 aem_strerror(rc));
	aem_buf_free(pt, pt_len);
	/* Same values as the file that unsealed: its sidecar still describes them. */
	if (!rc && (rc = aem_lc_exp_copy(usedp, newp)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot write %s%s: %s", nn,
			 AEM_LC_EXPECT_EXT, strerror(errno));
	if (!rc && (rc = aem_file_write_atomic(newp, out, out_len, 0600)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot write %s: %s", nn, strerror(errno));
	aem_buf_free(out, out_len);
	if (rc) {
		explicit_bzero(&nb, sizeof(nb));
		return rc;
	}
	rc = unseal_file(lc, newp, &ns, &back, &back_len, NULL);
	if (!rc) {
		rc = back_len == b->payload_len && back_len >= 8 + AEM_FRESH_TOKEN_LEN &&
		     !memcmp(back + 8, nb.token, AEM_FRESH_TOKEN_LEN) ? 0 : AEM_E_FORMAT;
		aem_buf_free(back, back_len);
		aem_sealed_free(&ns);
	}
	if (rc) {
		explicit_bzero(&nb, sizeof(nb));
		snprintf(b->rot_why, sizeof(b->rot_why), "%s does not unseal back (%s): left unused",
			 nn, aem_strerror(rc));
		return rc;
	}
	rc = aem_fresh_rotate(slot, b->match, nb.token);
	explicit_bzero(&nb, sizeof(nb));
	if (rc)
		snprintf(b->rot_why, sizeof(b->rot_why), "the freshness slot cannot rotate: %s",
			 aem_strerror(rc));
	if (!rc && (rc = aem_lc_slot_write(lc, b->bundle.slot, slot)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "TPM NV write failed: %s", aem_strerror(rc));
	if (!rc && (rename(newp, curp) || aem_file_sync_dir(curp)))
		rc = AEM_E_IO, snprintf(b->rot_why, sizeof(b->rot_why),
					    "cannot rename %s: %s (it is used next boot)", nn,
					    strerror(errno));
	if (!rc && aem_lc_exp_rename(newp, curp))
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot rename the sidecar of %s", nn);
	/* A pending file whose hash left the slot can never be fresh again. */
	if (!rc && !slot->has_next && (unlink(nextp) == 0 || errno == ENOENT)) {
		aem_file_sync_dir(nextp);
		aem_lc_exp_remove(nextp);
	}
	return rc;
}

/* Rename the write-ahead file (and its sidecar) to the file its fresh token
 * belongs to: current or pending. */
static int promote(struct aem_lc *lc, const char *root, struct aem_lc_boot *b)
{
	enum aem_sealed_which to = b->match == AEM_FRESH_CUR ? AEM_SEALED_CUR : AEM_SEALED_NEXT;
	char from_p[PATHLEN], to_p[PATHLEN];

	aem_state_sealed_path(root, lc->id_hex, AEM_SEALED_NEW, from_p, sizeof(from_p));
	aem_state_sealed_path(root, lc->id_hex, to, to_p, sizeof(to_p));
	if (rename(from_p, to_p) || aem_file_sync_dir(to_p))
		return AEM_E_IO;
	aem_lc_exp_rename(from_p, to_p);
	b->used = to;
	return 0;
}

/* aem/ and aem/<tpm-id>/ on the media are directories, not links: every
 * file the boot reads and writes lies below them. */
static int media_dirs_ok(struct aem_lc *lc, const char *root)
{
	char p[PATHLEN];
	struct stat st;

	for (int depth = 0; depth < 2; depth++) {
		int n = depth ? snprintf(p, sizeof(p), "%s/aem/%s", root, lc->id_hex)
			      : snprintf(p, sizeof(p), "%s/aem", root);

		if (n < 0 || (size_t)n >= sizeof(p))
			return AEM_E_INVAL;
		if (lstat(p, &st) && errno == ENOENT)
			return 0; /* nothing there: "no sealed secret" says it */
		if (lstat(p, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(lc->why, sizeof(lc->why), "%s on the media is not a directory "
				 "(a link or file planted there?): refused", depth ? "aem/<tpm-id>" : "aem");
			return AEM_E_FORMAT;
		}
	}
	return 0;
}

int aem_lc_boot_unseal(struct aem_lc *lc, const char *root, struct aem_lc_boot *b)
{
	/* Newest intent first: a pending bundle (aem reseal / aem update) that
	 * unseals on this boot replaces the current one; the current one is the
	 * fallback (an update not booted yet, or an old kernel chosen). */
	static const enum aem_sealed_which order[] = { AEM_SEALED_NEXT, AEM_SEALED_NEW,
						      AEM_SEALED_CUR };
	char notes[AEM_LC_WHY] = "";
	struct aem_fresh_slot slot;
	struct aem_sealed s;
	int rc = AEM_E_IO, seen = 0;

	memset(b, 0, sizeof(*b));
	if ((rc = media_dirs_ok(lc, root)) != 0)
		return rc;
	for (size_t i = 0; i < 3; i++) {
		rc = try_candidate(lc, root, order[i], b, &s, &slot, notes, sizeof(notes));
		if (rc == 0) {
			b->used = order[i];
			break;
		}
		seen |= rc != AEM_E_IO || errno != ENOENT;
	}
	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "%s", seen ? notes :
			 "no sealed secret for this TPM on the media (aem reseal / aem update)");
		return rc == AEM_E_IO && !seen ? AEM_E_IO : rc;
	}
	/* The write-ahead file unsealed (a crash before its rename): give it the
	 * name its token has in NV first, since the rotation writes that name. */
	if (b->used == AEM_SEALED_NEW && promote(lc, root, b) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot rename %s into place: %s",
			 which_name[AEM_SEALED_NEW], strerror(errno));
	else
		b->rotated = rotate(lc, root, b, &s, &slot) == 0;
	if (!b->rotated && !b->rot_why[0])
		snprintf(b->rot_why, sizeof(b->rot_why), "the rotation failed");
	aem_sealed_free(&s);
	return 0;
}

void aem_lc_boot_free(struct aem_lc_boot *b)
{
	aem_buf_free(b->payload, b->payload_len);
	explicit_bzero(b, sizeof(*b));
}

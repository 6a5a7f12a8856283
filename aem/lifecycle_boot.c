/* The boot-time half of the lifecycle: unseal the media's bundle, check its
 * freshness token against the NV slot, then rotate the token and retire the
 * files this boot made obsolete (docs/lifecycle.md). */
#include "lifecycle.h"
#include "lifecycle_expect.h"
#include "err.h"
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PATHLEN AEM_STATE_PATH_MAX

static const char *const which_name[] = { "secret.sealed", "secret.next.sealed",
					  "secret.new.sealed" };

static int sync_parent(const char *path)
{
	char tmp[PATHLEN];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s", path);
	fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return AEM_TPM_E_IO;
	rc = fsync(fd) ? AEM_TPM_E_IO : 0;
	close(fd);
	return rc;
}

/* Unseal one file into a malloc'd payload. */
static int unseal_file(struct aem_lc *lc, const char *path, struct aem_sealed *s,
		       uint8_t **pt, size_t *len)
{
	uint8_t *buf = NULL;
	size_t blen = 0;
	int rc = aem_file_read(path, AEM_SEALED_MAX_FILE, &buf, &blen);

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
		return AEM_TPM_E_NOMEM;
	}
	mlock(*pt, s->ct_len ? s->ct_len : 1);
	rc = aem_tpm_unseal_payload(lc->t, s, NULL, 0, *pt, NULL);
	if (rc) {
		aem_buf_free(*pt, *len);
		*pt = NULL;
		aem_sealed_free(s);
	}
	return rc;
}

/* Try one candidate; 0 when it unseals and its token is fresh. */
static int try_candidate(struct aem_lc *lc, const char *root, enum aem_sealed_which w,
			 struct aem_lc_boot *b, struct aem_sealed *s, struct aem_fresh_slot *slot,
			 char *notes, size_t nlen)
{
	char path[PATHLEN];
	size_t used = strlen(notes);
	int rc;

	aem_state_sealed_path(root, lc->id_hex, w, path, sizeof(path));
	if (access(path, F_OK))
		return AEM_TPM_E_IO;
	rc = unseal_file(lc, path, s, &b->payload, &b->payload_len);
	if (!rc && aem_bundle_parse(b->payload, b->payload_len, &b->bundle))
		rc = AEM_TPM_E_FORMAT;
	if (!rc)
		rc = aem_lc_slot_read(lc, b->bundle.slot, slot, NULL);
	if (!rc && slot->revoked)
		rc = AEM_TPM_E_AUTH, snprintf(notes + used, nlen - used, "%s: this media was revoked; ",
					      which_name[w]);
	else if (!rc && (b->match = aem_fresh_match(slot, b->bundle.token)) == AEM_FRESH_NONE)
		rc = AEM_TPM_E_AUTH, snprintf(notes + used, nlen - used,
					      "%s: stale freshness token (an old copy of the media?); ",
					      which_name[w]);
	else if (rc)
		snprintf(notes + used, nlen - used, "%s: %s; ", which_name[w], aem_tpm_strerror(rc));
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
	if (RAND_priv_bytes(nb.token, sizeof(nb.token)) != 1)
		return AEM_TPM_E_CRYPTO;
	rc = aem_bundle_build(&nb, &pt, &pt_len);
	if (!rc)
		rc = aem_tpm_seal_payload(lc->t, &s->expect, NULL, 0, pt, pt_len, &out, &out_len);
	aem_buf_free(pt, pt_len);
	/* Same values as the file that unsealed: its sidecar still describes them. */
	if (!rc && (rc = aem_lc_exp_copy(usedp, newp)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot write %s%s: %s", newp,
			 AEM_LC_EXPECT_EXT, strerror(errno));
	if (!rc && (rc = aem_file_write_atomic(newp, out, out_len, 0600)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot write %s: %s", newp, strerror(errno));
	aem_buf_free(out, out_len);
	if (rc)
		return rc;
	rc = unseal_file(lc, newp, &ns, &back, &back_len);
	if (!rc) {
		rc = back_len == b->payload_len - 0 && back_len >= 8 + AEM_FRESH_TOKEN_LEN &&
		     !memcmp(back + 8, nb.token, AEM_FRESH_TOKEN_LEN) ? 0 : AEM_TPM_E_FORMAT;
		aem_buf_free(back, back_len);
		aem_sealed_free(&ns);
	}
	if (rc) {
		snprintf(b->rot_why, sizeof(b->rot_why), "%s does not unseal back: left unused", newp);
		return rc;
	}
	rc = aem_fresh_rotate(slot, b->match, nb.token);
	if (!rc && (rc = aem_lc_slot_write(lc, b->bundle.slot, slot)) != 0)
		snprintf(b->rot_why, sizeof(b->rot_why), "TPM NV write failed: %s", aem_tpm_strerror(rc));
	if (!rc && (rename(newp, curp) || sync_parent(curp)))
		rc = AEM_TPM_E_IO, snprintf(b->rot_why, sizeof(b->rot_why),
					    "cannot rename %s: %s (it is used next boot)", newp,
					    strerror(errno));
	if (!rc && aem_lc_exp_rename(newp, curp))
		snprintf(b->rot_why, sizeof(b->rot_why), "cannot rename the sidecar of %s", newp);
	/* A pending file whose hash left the slot can never be fresh again. */
	if (!rc && !slot->has_next && (unlink(nextp) == 0 || errno == ENOENT)) {
		sync_parent(nextp);
		aem_lc_exp_remove(nextp);
	}
	explicit_bzero(&nb, sizeof(nb));
	return rc;
}

int aem_lc_boot_unseal(struct aem_lc *lc, const char *root, struct aem_lc_boot *b)
{
	static const enum aem_sealed_which order[] = { AEM_SEALED_CUR, AEM_SEALED_NEXT,
						      AEM_SEALED_NEW };
	char notes[AEM_LC_WHY] = "";
	struct aem_fresh_slot slot;
	struct aem_sealed s;
	int rc = AEM_TPM_E_IO, seen = 0;

	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < 3; i++) {
		rc = try_candidate(lc, root, order[i], b, &s, &slot, notes, sizeof(notes));
		if (rc == 0) {
			b->used = order[i];
			break;
		}
		seen |= rc != AEM_TPM_E_IO || errno != ENOENT;
	}
	if (rc) {
		snprintf(lc->why, sizeof(lc->why), "%s", seen ? notes :
			 "no sealed secret for this TPM on the media (aem reseal / aem update)");
		return rc == AEM_TPM_E_IO && !seen ? AEM_TPM_E_IO : rc;
	}
	b->rotated = rotate(lc, root, b, &s, &slot) == 0;
	aem_sealed_free(&s);
	return 0;
}

void aem_lc_boot_free(struct aem_lc_boot *b)
{
	aem_buf_free(b->payload, b->payload_len);
	explicit_bzero(b, sizeof(*b));
}

/* Where the lifecycle's files lie on the media and how a sidecar follows its
 * sealed file (state.h, lifecycle_expect.h). Apart from the rest so that the
 * boot path (aem-boot) links these few file operations and no JSON, config
 * or state-directory code. */
#include "lifecycle_expect.h"
#include "err.h"
#include "fileio.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DOC_MAX (1u << 20)

int aem_state_sealed_path(const char *root, const char *tpm_id, enum aem_sealed_which w,
			  char *out, size_t len)
{
	static const char *const ext[] = { "", ".next", ".new" };
	int n = snprintf(out, len, "%s/aem/%s/secret%s.sealed", root, tpm_id, ext[w]);

	return n < 0 || (size_t)n >= len ? AEM_E_INVAL : 0;
}

int aem_lc_exp_path(const char *sealed, char *out, size_t len)
{
	int n = snprintf(out, len, "%s%s", sealed, AEM_LC_EXPECT_EXT);

	return n < 0 || (size_t)n >= len ? AEM_E_INVAL : 0;
}

int aem_lc_exp_remove(const char *sealed)
{
	char p[AEM_STATE_PATH_MAX + 16];

	if (aem_lc_exp_path(sealed, p, sizeof(p)))
		return AEM_E_INVAL;
	if (unlink(p))
		return errno == ENOENT ? 0 : AEM_E_IO;
	return aem_file_sync_dir(p);
}

int aem_lc_exp_write(const char *sealed, const char *doc)
{
	char p[AEM_STATE_PATH_MAX + 16];

	if (!doc)
		return aem_lc_exp_remove(sealed);
	if (aem_lc_exp_path(sealed, p, sizeof(p)))
		return AEM_E_INVAL;
	return aem_file_write_atomic(p, (const uint8_t *)doc, strlen(doc), 0600);
}

int aem_lc_exp_rename(const char *from, const char *to)
{
	char a[AEM_STATE_PATH_MAX + 16], b[AEM_STATE_PATH_MAX + 16];

	if (aem_lc_exp_path(from, a, sizeof(a)) || aem_lc_exp_path(to, b, sizeof(b)))
		return AEM_E_INVAL;
	if (rename(a, b))
		return errno == ENOENT ? aem_lc_exp_remove(to) : AEM_E_IO;
	return aem_file_sync_dir(b);
}

int aem_lc_exp_copy(const char *from, const char *to)
{
	char a[AEM_STATE_PATH_MAX + 16], b[AEM_STATE_PATH_MAX + 16];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (aem_lc_exp_path(from, a, sizeof(a)) || aem_lc_exp_path(to, b, sizeof(b)))
		return AEM_E_INVAL;
	/* A sidecar is on the media: no link followed, no FIFO waited on. One
	 * that is not a regular file is treated as absent; it cannot stop a
	 * rotation, nor make it copy a file from elsewhere onto the media. */
	rc = aem_file_read_untrusted(a, DOC_MAX, &buf, &len);
	if (rc == AEM_E_IO && (errno == ENOENT || errno == ELOOP || errno == EISDIR ||
			       errno == ENODEV))
		return aem_lc_exp_remove(to);
	if (!rc)
		rc = aem_file_write_atomic(b, buf, len, 0600);
	aem_buf_free(buf, len);
	return rc;
}

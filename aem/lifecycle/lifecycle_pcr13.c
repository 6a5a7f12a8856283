/* PCR 13 of a boot, computed, never read: the boot path extends PCR 13 with
 * the hash of each rd.luks.uuid= LUKS header (command-line order), unseals,
 * then caps PCR 13 ("aem-done"). After any boot the live value is therefore
 * not one a secret may be sealed to; it is rebuilt here from the headers. */
#include "lifecycle.h"
#include "lifecycle_expect.h"
#include "boot_args.h"
#include "err.h"
#include "luks.h"
#include "runtime.h"

#include <libcryptsetup.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DEV AEM_BOOT_MAX_LUKS

static void quiet(int level, const char *msg, void *usr)
{
	(void)level, (void)msg, (void)usr;
}

/* The LUKS UUID of dev (a uuid_of for aem_rt_block_find); nonzero when it
 * holds no LUKS header. */
static int luks_uuid(const char *dev, char *out, size_t len, void *ctx)
{
	struct crypt_device *cd = NULL;
	const char *u;
	int rc = -1;

	(void)ctx;
	out[0] = '\0';
	if (crypt_init(&cd, dev) < 0)
		return rc;
	if (crypt_load(cd, NULL, NULL) == 0 && (u = crypt_get_uuid(cd)) != NULL) {
		snprintf(out, len, "%s", u);
		rc = 0;
	}
	crypt_free(cd);
	return rc;
}

/* The device holding the LUKS header with this UUID: udev's link when there
 * is one, else every block device is asked (an initramfs-less system, a
 * container). Two devices with the same UUID are refused: the boot path
 * could measure either. */
static int by_uuid(struct aem_lc *lc, const char *uuid, char *out, size_t len)
{
	char path[PATH_MAX];
	int found = 0;

	snprintf(path, sizeof(path), "/dev/disk/by-uuid/%s", uuid);
	if (!aem_rt_realpath(path, out, len) && !access(out, R_OK))
		return 0;
	crypt_set_log_callback(NULL, quiet, NULL);
	if (aem_rt_block_find(uuid, AEM_RT_BLOCK_LOOP, luks_uuid, NULL, out, len, &found)) {
		snprintf(lc->why, sizeof(lc->why), "cannot look for the LUKS UUID %s: the block "
			 "devices (/sys/class/block) cannot be listed; name the device with "
			 "--luks-header", uuid);
		return AEM_E_IO;
	}
	if (found == 1)
		return 0;
	if (found) {
		snprintf(lc->why, sizeof(lc->why), "%d devices carry the LUKS UUID %s: the boot path "
			 "could measure either; remove the copies", found, uuid);
		return AEM_E_INVAL;
	}
	snprintf(lc->why, sizeof(lc->why), "no device carries the LUKS UUID %s (rd.luks.uuid=)",
		 uuid);
	return AEM_E_IO;
}

/* The devices to hash, in order, into dev[]. */
static int devices(struct aem_lc *lc, const struct aem_lc_src *src, const char *cmdline,
		   size_t len, char dev[][PATH_MAX], size_t *n)
{
	struct aem_boot_args a;

	*n = 0;
	if (src && src->nluks) {
		for (size_t i = 0; i < src->nluks && *n < MAX_DEV; i++)
			snprintf(dev[(*n)++], PATH_MAX, "%s", src->luks[i]);
		return src->nluks > MAX_DEV ? AEM_E_INVAL : 0;
	}
	if (!cmdline || aem_boot_args_parse(cmdline, len, &a)) {
		snprintf(lc->why, sizeof(lc->why), "cannot read rd.luks.uuid= from the kernel "
			 "command line%s", cmdline ? "" : " (none)");
		return AEM_E_FORMAT;
	}
	for (int i = 0; i < a.nluks; i++) {
		int rc = by_uuid(lc, a.luks[i], dev[*n], PATH_MAX);
		if (rc)
			return rc;
		(*n)++;
	}
	return 0;
}

int aem_lc_pcr13(struct aem_lc *lc, const struct aem_lc_src *src, const char *cmdline,
		 size_t len, enum aem_bank bank, uint8_t *out, struct json_object *events)
{
	static char dev[MAX_DEV][PATH_MAX];
	uint8_t d[AEM_MAX_DIGEST];
	size_t n = 0;
	int rc = devices(lc, src, cmdline, len, dev, &n);

	memset(out, 0, AEM_MAX_DIGEST); /* PCR 13 after the reset, before the hook */
	if (rc) {
		if (!lc->why[0])
			snprintf(lc->why, sizeof(lc->why), "too many LUKS devices (at most %d)", MAX_DEV);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		rc = aem_luks_header_hash(dev[i], bank, NULL, d);
		if (!rc)
			rc = aem_pcr_extend(bank, out, d);
		if (rc) {
			snprintf(lc->why, sizeof(lc->why), "cannot compute PCR 13: LUKS header of %s: %s",
				 dev[i], rc == AEM_E_FORMAT ? "not a LUKS device" :
				 aem_strerror(rc));
			return rc;
		}
		if (events)
			json_object_array_add(events, aem_diag_event_json(13, -1, "luks header", dev[i],
								       NULL, d, bank));
	}
	return 0;
}

/* What the boot-path program takes from the kernel command line:
 *   aem.uuid=UUID         the AEM media's ext4 UUID (required)
 *   rd.luks.uuid=[luks-]UUID  each LUKS device whose header goes into PCR 13,
 *                         in command-line order (the order is measured)
 *   aem.usb=VVVV:PPPP:SERIAL  the enrolled USB stick holding the media
 *   aem.timeout=SECONDS   how long to wait for media and disks (default 30)
 * The command line is measured (tboot, PCR 17/19 by the dom0 kernel module
 * digest), so what it says here is itself covered by the sealed policy. */
#ifndef AEM_BOOT_ARGS_H
#define AEM_BOOT_ARGS_H

#include <stddef.h>

#define AEM_BOOT_MAX_LUKS 16
#define AEM_BOOT_DEFAULT_TIMEOUT 30u

struct aem_boot_args {
	char media_uuid[40];          /* "" when aem.uuid= is absent */
	char luks[AEM_BOOT_MAX_LUKS][40];
	int nluks;
	char usb[160];                /* "" when aem.usb= is absent */
	unsigned timeout_s;
};

/* Parse a kernel command line (len bytes, need not be NUL-terminated) into
 * a (fully overwritten). Values may be double-quoted. 0, or
 * AEM_E_FORMAT for a value too long for its field, a UUID that is not
 * 36 characters, more than AEM_BOOT_MAX_LUKS devices or a bad timeout. */
int aem_boot_args_parse(const char *cmdline, size_t len, struct aem_boot_args *a);

#endif

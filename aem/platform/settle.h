/* Is the system still discovering devices? What the boot program waits out, bounded,
 * before it trusts "exactly one device carries the AEM media UUID": a twin stick
 * plugged in beside the real one must be seen, not raced. */
#ifndef AEM_SETTLE_H
#define AEM_SETTLE_H

#include <stddef.h>

/* 0 when settled; else a positive count of what is pending, with the first of it
 * named in why (may be NULL):
 *   - udev still has events queued: /run/udev/queue exists (the file
 *     `udevadm settle` waits on; systemd-udevd keeps it while its queue is not
 *     empty);
 *   - a USB mass-storage interface (driver usb-storage or uas) has a SCSI host
 *     without a disk yet: usb-storage waits delay_use (1 s by default) after the
 *     stick is bound before it scans, and no udev event is queued meanwhile.
 * Paths resolve under the runtime root (aem_rt_set_root). */
int aem_settle_pending(char *why, size_t len);

#endif

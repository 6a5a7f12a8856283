/* Device discovery still under way: udev's queue, and USB storage not yet scanned.
 * Everything is read through the runtime, so a recorded /sys replays in tests. */
#include "settle.h"
#include "runtime.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define USB_DRIVERS "/sys/bus/usb/drivers"

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* A SCSI host directory with at least one LUN that has a block device:
 * hostN/targetH:C:T/H:C:T:L/block. */
static bool host_has_disk(const char *host)
{
	char path[PATH_MAX], lun[PATH_MAX];
	char **t = NULL, **l = NULL;
	size_t nt = 0, nl = 0;
	bool found = false;

	if (aem_rt_list_dir(host, &t, &nt))
		return false;
	for (size_t i = 0; i < nt && !found; i++) {
		if (!has_prefix(t[i], "target"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", host, t[i]) >= (int)sizeof(path) ||
		    aem_rt_list_dir(path, &l, &nl))
			continue;
		for (size_t j = 0; j < nl && !found; j++)
			found = strchr(l[j], ':') &&
				snprintf(lun, sizeof(lun), "%s/%s/block", path, l[j]) < (int)sizeof(lun) &&
				aem_rt_exists(lun);
		aem_rt_free_list(l, nl);
	}
	aem_rt_free_list(t, nt);
	return found;
}

/* Hosts without a disk under the interfaces bound to one USB storage driver. */
static int unscanned(const char *driver, char *why, size_t len, int pending)
{
	char dir[128], intf[PATH_MAX], host[PATH_MAX];
	char **in = NULL, **h = NULL;
	size_t nin = 0, nh = 0;

	snprintf(dir, sizeof(dir), "%s/%s", USB_DRIVERS, driver);
	if (aem_rt_list_dir(dir, &in, &nin))
		return pending;   /* driver not loaded: nothing of it pending */
	for (size_t i = 0; i < nin; i++) {
		/* interfaces are "bus-port[.port]:config.interface" */
		if (!strchr(in[i], ':') ||
		    snprintf(intf, sizeof(intf), "%s/%s", dir, in[i]) >= (int)sizeof(intf) ||
		    aem_rt_list_dir(intf, &h, &nh))
			continue;
		for (size_t j = 0; j < nh; j++) {
			if (!has_prefix(h[j], "host") ||
			    snprintf(host, sizeof(host), "%s/%s", intf, h[j]) >= (int)sizeof(host) ||
			    host_has_disk(host))
				continue;
			if (!pending++ && why)
				snprintf(why, len, "USB storage %s (%s) not scanned yet", in[i], driver);
		}
		aem_rt_free_list(h, nh);
	}
	aem_rt_free_list(in, nin);
	return pending;
}

int aem_settle_pending(char *why, size_t len)
{
	int pending = 0;

	if (why && len)
		why[0] = '\0';
	if (aem_rt_exists("/run/udev/queue")) {
		pending++;
		if (why)
			snprintf(why, len, "udev events queued");
	}
	pending = unscanned("usb-storage", why, len, pending);
	return unscanned("uas", why, len, pending);
}

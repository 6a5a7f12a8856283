/* The live DRTM log on AMD (TrenchBoot: GRUB + SKL + Xen): no TXT heap points at it, but
 * Xen reserves the range the SLRT names and prints it on its console; dom0 reads the line
 * (xl dmesg) and the range (/dev/mem, read-only), both through the runtime layer so that
 * a recorded machine replays the same answers. */
#include "evlog_live.h"
#include "xenconsole.h"
#include "runtime.h"
#include "err.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SKL's log is 32 KiB on the machines seen; anything far above is not a log. */
#define XEN_LOG_MAX (4u << 20)

static int fail(struct aem_evlog_live *info, enum aem_live_why why, int rc)
{
	info->why = why;
	return rc;
}

bool aem_live_cpu_is_amd(void)
{
	uint8_t *b;
	size_t n;
	bool amd;

	if (aem_rt_read_file("/proc/cpuinfo", 8u << 20, &b, &n))
		return false;
	amd = strstr((const char *)b, "AuthenticAMD") != NULL;
	free(b);
	return amd;
}

/* Only a buffer that starts like a DRTM log is parsed: the legacy Intel format has no
 * signature, and a range of zeros would pass for one. */
static bool looks_like_log(const uint8_t *b, size_t n)
{
	return (n >= 20 && !memcmp(b, "TXT Event Container", 20)) ||
	       (n >= 48 && (!memcmp(b + 32, "Spec ID Event03", 16) ||
			    !memcmp(b + 32, "Spec ID Event00", 16)));
}

static int find_range(struct aem_evlog_live *info)
{
	char *text;
	size_t len;
	bool found;
	int rc;

	rc = aem_xen_console_read(&text, &len);
	if (rc == AEM_E_NOMEM)
		return rc;
	if (rc) {
		info->err_no = rc == AEM_E_FORMAT ? EFBIG : errno;
		return fail(info, AEM_LIVE_NO_XEN, AEM_E_UNSUPPORTED);
	}
	rc = aem_xen_slaunch_log_range(text, len, &found, &info->xen_base, &info->xen_end);
	free(text);
	if (!found)
		return fail(info, AEM_LIVE_NO_SLAUNCH, AEM_TPM_E_UNMEASURED);
	if (rc) /* malformed: no range to show */
		info->xen_base = info->xen_end = 0;
	if (rc || info->xen_end - info->xen_base > XEN_LOG_MAX)
		return fail(info, AEM_LIVE_BAD_RANGE, AEM_E_FORMAT);
	return 0;
}

int aem_evlog_read_live_xen(struct aem_evlog *log, struct aem_evlog_live *info)
{
	size_t len;
	uint8_t *b;
	int rc;

	info->amd = true;
	if ((rc = find_range(info)) != 0)
		return rc;
	len = (size_t)(info->xen_end - info->xen_base);
	if (!(b = malloc(len)))
		return AEM_E_NOMEM;
	if (aem_rt_read_phys(info->xen_base, len, b) < 0) {
		info->err_no = errno;
		free(b);
		return fail(info, errno == EPERM || errno == EACCES ? AEM_LIVE_DENIED :
			    AEM_LIVE_UNREADABLE, AEM_E_IO);
	}
	info->raw[0] = b;
	info->raw_len[0] = len;
	info->raw_bank[0] = AEM_BANK_NONE;
	info->nraw = 1;
	info->log_addr = info->xen_base;
	info->log_len = len;
	rc = looks_like_log(b, len) ? aem_evlog_parse(b, len, log) : AEM_E_FORMAT;
	if (rc == 0)
		return 0;
	aem_evlog_live_free(info);
	if (rc == AEM_E_NOMEM)
		return rc;
	return fail(info, AEM_LIVE_BAD_LOG, AEM_E_FORMAT);
}

char *aem_evlog_live_describe_xen(const struct aem_evlog_live *info, char *buf, size_t size)
{
	switch (info->why) {
	case AEM_LIVE_OK:
		snprintf(buf, size, "AMD: the event log Xen reserved, %zu bytes at 0x%" PRIx64,
			 info->log_len, info->log_addr);
		break;
	case AEM_LIVE_NO_XEN:
		snprintf(buf, size, "on AMD the log of this boot is found through Xen's console, but "
			 "'xl dmesg' gave nothing (%s): run as root in Xen's dom0 after a TrenchBoot "
			 "launch, or give --event-log FILE",
			 info->err_no == ENOENT ? "no xl command, or nothing recorded" :
			 info->err_no == ENXIO ? "xl failed: not Xen's dom0, or not root" :
			 strerror(info->err_no));
		break;
	case AEM_LIVE_NO_SLAUNCH:
		snprintf(buf, size, "Xen's console (xl dmesg) has no line 'SLAUNCH: reserving event "
			 "log (...)': this boot was not a TrenchBoot launch, or the console ring no "
			 "longer holds the line (boot Xen with a larger conring_size=); give "
			 "--event-log FILE");
		break;
	case AEM_LIVE_BAD_RANGE:
		if (!info->xen_end)
			snprintf(buf, size, "Xen's console line 'SLAUNCH: reserving event log' is "
				 "malformed (expected '(<hex base> - <hex end>)' with end above base): "
				 "give --event-log FILE");
		else
			snprintf(buf, size, "Xen's console line 'SLAUNCH: reserving event log' names "
				 "0x%" PRIx64 " - 0x%" PRIx64 ", more than %u MiB: not an event log "
				 "range; give --event-log FILE", info->xen_base, info->xen_end,
				 XEN_LOG_MAX >> 20);
		break;
	case AEM_LIVE_DENIED:
		snprintf(buf, size, "reading physical memory was refused (%s): run as root; a kernel "
			 "in lockdown mode or built with CONFIG_STRICT_DEVMEM/IO_STRICT_DEVMEM may "
			 "forbid /dev/mem: give --event-log FILE instead", strerror(info->err_no));
		break;
	case AEM_LIVE_UNREADABLE:
		snprintf(buf, size, "cannot read the event log Xen reserved (0x%" PRIx64 " - 0x%"
			 PRIx64 ") through /dev/mem: %s (give --event-log FILE instead)",
			 info->xen_base, info->xen_end, strerror(info->err_no));
		break;
	default:
		snprintf(buf, size, "the bytes Xen's console names (0x%" PRIx64 " - 0x%" PRIx64
			 ") are not an event log aem can read (no TCG 'Spec ID Event03'/'Event00' "
			 "header or TXT Event Container, or a malformed record)", info->xen_base,
			 info->xen_end);
		break;
	}
	return buf;
}

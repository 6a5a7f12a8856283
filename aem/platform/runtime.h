/* The one door to the running system. Every read of sysfs, /proc, the ACPI
 * tables, /boot files and the TXT public space in physical memory goes
 * through here, so that a machine can be recorded into a directory and
 * replayed in tests.
 *
 * Root: by default the live system ("/"). aem_rt_set_root(DIR), or the
 * environment variable AEM_ROOT when no root was set, makes every path
 * resolve under DIR instead; physical memory then comes from files
 * DIR/phys/<hex base address>.bin (a read must fall inside one file).
 * Recording: aem_rt_record_to(DIR) copies everything read successfully into
 * DIR with the same layout, which is a fixture that replays the same answers.
 *
 * Functions return 0 or a negative error code (err.h). On
 * AEM_E_IO errno tells why (ENOENT: absent, EACCES/EPERM: not allowed,
 * e.g. not root, kernel lockdown or CONFIG_STRICT_DEVMEM). */
#ifndef AEM_RUNTIME_H
#define AEM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest file aem_rt_read_file will return (the ACPI DSDT, an SINIT ACM). */
#define AEM_RT_MAX_FILE (16u << 20)
/* Largest physical range one aem_rt_read_phys may copy. */
#define AEM_RT_MAX_PHYS (16u << 20)

/* Replay the machine recorded in dir (NULL or "" or "/": the live system).
 * The string is copied. Returns AEM_E_INVAL when too long. */
int aem_rt_set_root(const char *dir);
/* The root in use: "" for the live system. Never NULL. */
const char *aem_rt_root(void);
/* True when replaying a recorded machine. */
bool aem_rt_replaying(void);

/* Copy every later successful read into dir (created when missing). NULL stops. */
int aem_rt_record_to(const char *dir);

/* Read a whole file (up to max bytes, at most AEM_RT_MAX_FILE) into a malloc'd
 * buffer the caller frees; a NUL is appended after *len bytes. A file longer
 * than max is AEM_E_FORMAT. */
int aem_rt_read_file(const char *path, size_t max, uint8_t **buf, size_t *len);
/* Read a small text file into buf (NUL-terminated, trailing white space cut). */
int aem_rt_read_text(const char *path, char *buf, size_t size);
/* True when path exists (file or directory). */
bool aem_rt_exists(const char *path);

/* The names in a directory, sorted, without "." and "..". Free with aem_rt_free_list. */
int aem_rt_list_dir(const char *path, char ***names, size_t *n);
void aem_rt_free_list(char **names, size_t n);

/* The real path of a system path (e.g. a udev link /dev/disk/by-uuid/UUID):
 * the file this process opens for it (below the root when replaying), every
 * symbolic link resolved, into out. AEM_E_INVAL when path is not absolute or
 * the result does not fit, AEM_E_IO (errno) when it cannot be resolved. Not
 * recorded: a recording holds no links. */
int aem_rt_realpath(const char *path, char *out, size_t len);

/* aem_rt_block_find flags. */
#define AEM_RT_BLOCK_LOOP 1u      /* ask loop devices too (an image file as media) */

/* What a caller reads from a device: the UUID string of what devpath holds
 * (NUL-terminated, at most len bytes), 0; anything else when it holds none
 * (the device is skipped). */
typedef int (*aem_rt_uuid_of)(const char *devpath, char *uuid, size_t len, void *ctx);

/* The block devices carrying uuid (compared without regard to case): every
 * name listed in /sys/class/block, opened as /dev/NAME (both below the root
 * when replaying), is given to uuid_of in name order -- except the devices
 * never worth opening: RAM disks (ram*, zram*), floppies (fd*: a read of an
 * empty drive stalls for seconds) and, without AEM_RT_BLOCK_LOOP, loop
 * devices. *count gets how many carry the UUID; the first one's path goes to
 * path. Returns 0 (also when none does), AEM_E_INVAL for bad arguments or a
 * path longer than len, AEM_E_IO when /sys/class/block cannot be listed.
 * The devices themselves are read by uuid_of, not recorded. */
int aem_rt_block_find(const char *uuid, unsigned flags, aem_rt_uuid_of uuid_of, void *ctx,
		      char *path, size_t len, int *count);

/* Copy len bytes of physical memory at addr (read-only, /dev/mem mapped
 * uncached) into out. */
int aem_rt_read_phys(uint64_t addr, size_t len, uint8_t *out);

/* 1 when the hardware clock keeps local time (adjtime(5) line 3 "LOCAL" in
 * /etc/adjtime; a missing file means UTC). */
int aem_rt_rtc_is_local(void);

#endif

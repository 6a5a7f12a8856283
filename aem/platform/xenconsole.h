/* Xen's console ring, as dom0 reads it with `xl dmesg` (TrenchBoot's Xen prints there
 * where it reserved the DRTM event log). */
#ifndef AEM_XENCONSOLE_H
#define AEM_XENCONSOLE_H

#include <stddef.h>

/* The recorded copy inside a recorded machine (runtime.h): the text `xl dmesg` printed. */
#define AEM_XEN_CONSOLE_FILE "/xl-dmesg.txt"
/* Largest console text taken (Xen's conring_size= tops out far below). */
#define AEM_XEN_CONSOLE_MAX (16u << 20)

/* The console text into a malloc'd, NUL-terminated buffer the caller frees. Live: the
 * output of xl dmesg (/usr/sbin/xl, /usr/bin/xl or /sbin/xl; no shell); replaying a
 * recorded machine: its AEM_XEN_CONSOLE_FILE; recording: that file is written too.
 * Returns 0, AEM_E_IO (errno ENOENT: no xl, or nothing recorded; ENXIO: xl failed,
 * e.g. not running as Xen's dom0), AEM_E_FORMAT (more than AEM_XEN_CONSOLE_MAX bytes),
 * AEM_E_NOMEM. */
int aem_xen_console_read(char **text, size_t *len);

#endif

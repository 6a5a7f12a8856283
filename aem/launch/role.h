/* The role of a measurement in the measured launch. The prediction, the diagnosis, the
 * documents they exchange ("what" in aem predict --format json and the .expect.json
 * sidecars) and the messages all speak this one vocabulary, so a name one of them
 * writes is the name another reads back. A second DRTM family appends its roles to
 * the enum and its names to role.c. */
#ifndef AEM_ROLE_H
#define AEM_ROLE_H

#include <stddef.h>
#include <stdint.h>

enum aem_role {
	AEM_ROLE_NONE,     /* not known (yet): a tboot event a document does not name */
	AEM_ROLE_SINIT,    /* SINIT's own events, before tboot's (the log's prefix) */
	AEM_ROLE_MLE,      /* SINIT's MLE_HASH event: tboot and its command line */
	AEM_ROLE_POLICY,   /* tboot's policy entry */
	AEM_ROLE_MODULE,   /* a module tboot measured; its index is tboot's count */
	AEM_ROLE_SKIPPED,  /* an SINIT ACM / LCP data module tboot drops (not extended) */
	/* TrenchBoot (trenchboot.h) */
	AEM_ROLE_DCE,      /* AMD: SKINIT's measurement of SKL */
	AEM_ROLE_DLME_ENTRY, /* SKL: the DLME entry offset (Xen's MLE header) */
	AEM_ROLE_DLME,     /* SKL: Xen's image (Intel: SINIT's MLE hash of Xen is AEM_ROLE_MLE) */
	AEM_ROLE_MBI,      /* Xen: the multiboot2 information GRUB built */
	AEM_ROLE_SLRT_INFO, /* Xen: the SLRT platform info record (Intel or AMD) */
	AEM_ROLE_OSMLE,    /* Xen: Intel's OS-MLE data in the TXT heap */
	AEM_ROLE_XEN_CMDLINE, /* Xen (UEFI): its command line from xen.cfg */
	AEM_ROLE_MODSTR,   /* Xen (UEFI): a module's string; index: 1 = kernel */
	AEM_ROLE_MB_MODULE, /* Xen: a module's bytes; index: 1 = dom0 kernel, 2 = initramfs */
	AEM_ROLE_COUNT     /* keep last */
};

/* The name of a role into buf (truncated to len): role.c holds them, e.g. MLE hash,
 * module 2, SINIT MLE_HASH; empty for AEM_ROLE_NONE and roles without a name. index:
 * the module number (MODULE only); type: the event's type, which tells SINIT's events
 * apart (SINIT only). Returns buf. */
char *aem_role_name(enum aem_role role, int index, uint32_t type, char *buf, size_t len);

/* Reads back a name aem_role_name writes, nothing else (no sign, spaces or leading
 * zeros in a module number). *index: the module number, -1 for other roles; SINIT's
 * names give no type (documents carry it beside). Returns 0 or AEM_E_FORMAT. */
int aem_role_parse(const char *text, enum aem_role *role, int *index);

#endif

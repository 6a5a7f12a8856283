/* The GRUB menu entries of an AEM boot (what `aem grub-config` prints and
 * the grub.d script 19_linux_xen_tboot_aem installs): tboot as the
 * multiboot kernel, then Xen (with `placeholder`, which Xen strips), the
 * dom0 kernel (with aem.uuid=), its initramfs and every SINIT ACM. BIOS
 * entries use multiboot/module, EFI ones multiboot2/module2. Pure: the
 * caller finds the files. */
#ifndef AEM_GRUBGEN_H
#define AEM_GRUBGEN_H

#include <stdbool.h>
#include <stddef.h>

struct aem_grubgen_kernel {
	const char *version;   /* for the title */
	const char *vmlinuz;   /* GRUB paths */
	const char *initrd;    /* NULL: none found (the entry is still made, noted) */
};

struct aem_grubgen {
	const char *tboot, *tboot_args;
	const char *xen, *xen_version, *xen_args;
	const char *kernel_args;     /* root=... ro quiet ... */
	const char *uuid;            /* aem.uuid= value; NULL/"" = not added */
	const char *label;           /* "aem<suffix>" for the title */
	bool efi;
	bool only_if_aem_dir;        /* wrap in `if [ -d /aem/ ]` (media is /boot itself) */
	size_t nk;
	const struct aem_grubgen_kernel *k;
	size_t nsinit;
	const char *const *sinit;
};

/* The entries as text into a malloc'd *out (the caller frees).
 * AEM_E_INVAL when a required field is missing. */
int aem_grubgen(const struct aem_grubgen *g, char **out, size_t *len);

/* A word quoted for GRUB's script language so its parser gives back exactly
 * s: plain when it needs nothing, else in single quotes ('\'' for a quote). */
int aem_grubgen_quote(const char *s, char *out, size_t len);

#endif

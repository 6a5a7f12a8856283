/* The GRUB menu entries of an AEM boot (what `aem grub-config` prints and
 * the grub.d script 19_linux_xen_tboot_aem installs).
 * tboot: tboot as the multiboot kernel, then Xen (with `placeholder`, which
 * Xen strips), the dom0 kernel (with aem.uuid=), its initramfs and every
 * SINIT ACM. BIOS entries use multiboot/module, EFI ones multiboot2/module2.
 * TrenchBoot, BIOS: `slaunch`, Xen as the multiboot2 kernel (placeholder,
 * then no-real-mode edd=off: nothing after the launch may go back to real
 * mode), the dom0 kernel and initramfs as module2, then one `slaunch_module`
 * per DCE file (SINIT ACMs, SKL). TrenchBoot, EFI: `slaunch`, the
 * `slaunch_module` lines, then `chainloader` of xen.efi with the section of
 * its xen.cfg as argument; aem_grubgen_xencfg writes that xen.cfg.
 * Pure: the caller finds the files. */
#ifndef AEM_GRUBGEN_H
#define AEM_GRUBGEN_H

#include <stdbool.h>
#include <stddef.h>

struct aem_grubgen_kernel {
	const char *version;   /* for the title */
	const char *vmlinuz;   /* GRUB paths */
	const char *initrd;    /* NULL: none found (the entry is still made, noted) */
	/* TrenchBoot EFI only: the xen.cfg section name (chainloader's argument)
	 * and the kernel and initramfs file names beside xen.efi on the ESP. */
	const char *section, *efi_vmlinuz, *efi_initrd;
};

enum aem_grubgen_launch { AEM_GRUBGEN_TBOOT = 0, AEM_GRUBGEN_TRENCHBOOT };

struct aem_grubgen {
	const char *tboot, *tboot_args;
	const char *xen, *xen_version, *xen_args;
	const char *kernel_args;     /* root=... ro quiet ... */
	const char *uuid;            /* aem.uuid= value (required) */
	const char *label;           /* "aem<suffix>" for the title */
	bool efi;
	bool only_if_aem_dir;        /* wrap in `if [ -d /aem/ ]` (media is /boot itself) */
	size_t nk;
	const struct aem_grubgen_kernel *k;
	size_t nsinit;
	const char *const *sinit;    /* tboot: SINIT ACMs; TrenchBoot: every DCE file */
	enum aem_grubgen_launch launch;
	const char *xen_efi;         /* TrenchBoot EFI: xen.efi as GRUB sees it */
	const char *esp_uuid;        /* TrenchBoot EFI: the ESP's file-system UUID, searched
				      * before chainloader; NULL: GRUB's root already is it */
};

/* The entries as text into a malloc'd *out (the caller frees).
 * AEM_E_INVAL when a required field is missing (an entry is never written
 * without aem.uuid=, nor a TrenchBoot one without a DCE file). */
int aem_grubgen(const struct aem_grubgen *g, char **out, size_t *len);

/* TrenchBoot EFI: the xen.cfg Xen's EFI loader reads beside xen.efi, one
 * section per kernel (the first is the default): options= Xen's arguments,
 * kernel= the ESP file name then its command line with aem.uuid=,
 * ramdisk= the initramfs. Same contract as aem_grubgen. */
int aem_grubgen_xencfg(const struct aem_grubgen *g, char **out, size_t *len);

/* A word quoted for GRUB's script language so its parser gives back exactly
 * s: plain when it needs nothing, else in single quotes ('\'' for a quote). */
int aem_grubgen_quote(const char *s, char *out, size_t len);

#endif

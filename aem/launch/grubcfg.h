/* Read tboot and TrenchBoot (slaunch) menu entries from a grub.cfg: which files GRUB loads as multiboot modules,
 * with which exact command lines (what tboot measures), in which order. Only what a
 * tboot entry needs of GRUB's script language is understood: menuentry/submenu blocks,
 * multiboot[2] and module[2] lines, `set x=y` and $x / ${x} expansion, quoting. */
#ifndef AEM_GRUBCFG_H
#define AEM_GRUBCFG_H

#include <stdbool.h>
#include <stddef.h>

struct aem_grub_module {
	char *path;        /* as written (after expansion), GRUB-relative */
	char *cmdline;     /* the arguments after the file name joined by single spaces */
	bool nounzip;
	bool sinit;        /* named like an SINIT ACM: tboot drops it, so it is not measured */
	unsigned line;
};

struct aem_grub_entry {
	char *title;
	char *kernel;      /* the multiboot[2] file (tboot), NULL when the entry has none */
	char *kernel_cmdline;
	bool multiboot2;
	size_t nmod;
	struct aem_grub_module *mod;
	unsigned line;
	/* TrenchBoot (GRUB's DRTM): `slaunch` makes the entry a TrenchBoot launch; the
	 * slaunch_module lines name the DCE files (SINIT ACMs, skl.bin: GRUB keeps the last
	 * one that fits the platform); UEFI entries chainload xen.efi instead of multiboot2. */
	bool slaunch;
	size_t ndce;
	char **dce;
	char *chainloader;       /* the chainloader file, NULL when none */
	char *chainloader_args;  /* its arguments joined by single spaces (EFI load options) */
	char *error;       /* "line N: ..." when a line of this entry could not be read
			    * (e.g. a variable the file does not set); NULL when fine */
};

struct aem_grub_cfg {
	size_t n;
	struct aem_grub_entry *e;
};

/* Parse a grub.cfg held in text[0..len). On AEM_E_FORMAT, err (when not NULL)
 * gets "line N: what". cfg must start zeroed; free it with aem_grubcfg_free. */
int aem_grubcfg_parse(const char *text, size_t len, struct aem_grub_cfg *cfg,
		      char *err, size_t errlen);
void aem_grubcfg_free(struct aem_grub_cfg *cfg);

/* The entry whose title is `sel`, or the sel-th entry (0-based, GRUB's flat numbering of
 * menuentries) when sel is a number; NULL sel: the first entry with a multiboot line
 * or a TrenchBoot chainloader. */
const struct aem_grub_entry *aem_grubcfg_find(const struct aem_grub_cfg *cfg, const char *sel);

/* True when a module file name looks like an SINIT ACM ("*sinit*", "*.acm", "*_acm*"). */
bool aem_grubcfg_sinit_name(const char *path);

#endif

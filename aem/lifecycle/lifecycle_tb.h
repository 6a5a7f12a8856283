/* The lifecycle on a TrenchBoot launch (GRUB slaunch; Xen is the launched image):
 * the inputs of the next boot's prediction read from the entry GRUB will boot, and
 * the "reseal needed" record `aem update` leaves when the files do not determine
 * every PCR of the seal set (docs/lifecycle.md, "TrenchBoot"). Private to the
 * lifecycle room. */
#ifndef AEM_LIFECYCLE_TB_H
#define AEM_LIFECYCLE_TB_H

#include "lifecycle.h"
#include "grubcfg.h"
#include "predict.h"
#include "trenchboot.h"

#define AEM_LC_TB_CMDLINE 8192

struct aem_lc_tb {
	struct aem_tb_predict_in in;
	struct aem_tb_xencfg xcfg;
	struct aem_predict_module mod[AEM_PREDICT_MAX_MODULES];
	char *paths[AEM_PREDICT_MAX_MODULES + 3];   /* modules, Xen, DCE, xen.cfg */
	uint8_t *xen, *dce;
	char cmdline[AEM_LC_TB_CMDLINE];
	const char *kernel_cmdline;   /* the dom0 kernel's (rd.luks.uuid=), "" none */
};

/* The prediction input for entry e (a `slaunch` entry) on the machine whose last
 * TrenchBoot boot left log: the variant and release from the log (the entry's kind,
 * multiboot2 or chainloader, must agree), Xen, SKL (AMD), the modules (BIOS: module2
 * lines; UEFI: xen.cfg beside xen.efi, its section named by chainloader's argument).
 * Paths resolve under boot (UEFI: under boot/efi first). lc->why says what failed.
 * Free with aem_lc_tb_free, also on failure. */
int aem_lc_tb_setup(struct aem_lc *lc, const struct aem_grub_entry *e, const char *boot,
		    const struct aem_evlog *log, enum aem_bank bank, struct aem_lc_tb *tb);
void aem_lc_tb_free(struct aem_lc_tb *tb);

/* The record's file: $AEM_STATE_DIR/reseal-needed.json. */
int aem_lc_tb_record_path(char *out, size_t len);

#endif

/* The aem predict verb's own parts: cmd_predict.c parses the options, reads the
 * grub.cfg entry and the log, and predicts tboot launches; cmd_predict_tb.c the
 * TrenchBoot launches (GRUB slaunch). Only these files include this header. */
#ifndef AEM_CMD_PREDICT_H
#define AEM_CMD_PREDICT_H

#include <stdbool.h>

#include "evlog.h"
#include "grubcfg.h"
#include "predict.h"

enum aem_predict_fmt { FMT_TEXT, FMT_JSON, FMT_TPM2 };

struct popts {
	char *logs[16];
	int nlogs;
	const char *grub, *entry, *boot_dir, *tboot, *tboot_cmdline, *out;
	const char *tpm, *map, *extpol, *bank, *pcrs;
	struct aem_predict_module mod[AEM_PREDICT_MAX_MODULES];
	char *paths[AEM_PREDICT_MAX_MODULES];  /* owned: resolved grub paths */
	size_t nmod;
	enum aem_predict_fmt fmt;
	int live;
	/* TrenchBoot */
	const char *launch;          /* --launch tboot|trenchboot; NULL: from the entry or log */
	bool slaunch_entry;          /* the grub.cfg entry is a TrenchBoot (slaunch) one */
	const char *variant, *release, *xen, *xen_cfg, *section, *load_options, *dce;
	char *owned[4];              /* resolved xen, xen.cfg, dce paths (freed at the end) */
};

/* A grub path as a file: under boot_dir (default: as written if it exists, else under
 * /boot); a leading GRUB device "(...)" is dropped. malloc'd, NULL on no memory. */
char *aem_predict_resolve(const char *boot_dir, const char *path);
/* Take a slaunch entry's files into o (Xen or xen.efi, its load options, the DCE,
 * the module2 lines). 0 or an exit status after saying why. */
int aem_predict_tb_from_grub(struct popts *o, const struct aem_grub_entry *e);
/* Predict a TrenchBoot launch from log and o, write the result: an exit status
 * (AEM_EXIT_PARTIAL when a PCR cannot be predicted, each named on stderr). */
int aem_predict_tb_run(struct popts *o, const struct aem_evlog *log, aem_pcr_mask mask);

#endif

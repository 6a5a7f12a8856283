/* aem update: seal every secret to the next boot, predicted from what GRUB
 * will boot, as each media's pending bundle, before the reboot. The current
 * bundle is never touched here: the boot that succeeds with the pending one
 * retires it (aem boot-unseal). */
#include "cli.h"
#include "err.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char update_help[] =
	"usage: aem update [--suffix S] [--grub-cfg FILE] [--entry TITLE|N] [--boot-dir DIR]\n"
	"                  [--event-log FILE] [--luks-header DEV]... [--config FILE] [--tcti SPEC]\n"
	"Predict the PCRs of the next boot from the tboot entry GRUB will boot (tboot, its\n"
	"command line and every module) and this boot's TXT event log, and seal every\n"
	"secret to them next to the current sealed file, before the reboot. PCR 13 is\n"
	"computed from the LUKS headers the entry's rd.luks.uuid= name (--luks-header DEV,\n"
	"repeated in order: these instead). When the prediction is impossible nothing is\n"
	"changed.\n"
	"On a TrenchBoot launch the files do not determine every sealed PCR (BIOS: PCR 18\n"
	"holds GRUB's multiboot2 information; UEFI: PCR 17 the running xen.efi image):\n"
	"then nothing is resealed, the current sealed files stay, and the prediction of\n"
	"the other PCRs is recorded (next boot: reseal needed; exit 10). After booting the\n"
	"update, aem reseal checks that boot against the record, then seals to it.\n";

/* TrenchBoot: keep every sealed file, record what was predicted for aem reseal. */
static int reseal_needed(struct aem_lc *lc, const struct aem_pcr_values *v, const char *record)
{
	char mask[80], mask2[80];
	int err = record ? aem_lc_reseal_needed_write(record) : AEM_E_NOMEM;

	fprintf(stderr, "aem update: the next boot's launch measures what no file holds:\n");
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
		if (aem_pcr_mask_has(lc->next_unknown, p))
			fprintf(stderr, "  PCR %u: %s\n", p, lc->next_unknown_why[p]);
	if (err) {
		fprintf(stderr, "aem update: cannot write the reseal-needed record in %s: %s\n"
			"aem update: nothing was changed. After rebooting, if you trust that boot, run: "
			"aem reseal\n", aem_state_dir(), aem_strerror(err));
		return AEM_EXIT_IO;
	}
	printf("next boot: reseal needed\n"
	       "aem update: nothing was resealed: sealing to a guess of PCR %s, or leaving it out of "
	       "the seal, would not protect the boot (docs/lifecycle.md). The current sealed files "
	       "are kept: they still open the boot they were sealed to, NOT the updated one.\n"
	       "aem update: recorded the prediction of PCR %s (%s/reseal-needed.json).\n"
	       "aem update: after rebooting into the update, run: aem reseal  -- it checks that boot "
	       "against the record, names any component that differs, and only then seals to it.\n",
	       aem_pcr_mask_format(lc->next_unknown, mask, sizeof(mask)),
	       aem_pcr_mask_format(v->mask, mask2, sizeof(mask2)), aem_state_dir());
	return AEM_EXIT_PARTIAL;
}

int cmd_update(int argc, char **argv)
{
	struct aem_pcr_values v;
	struct aem_cli_lc_opts o;
	struct aem_lc lc;
	char *expect = NULL;
	int rc = aem_cli_lc_parse(argc, argv, &o, update_help, 1), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if ((rc = aem_cli_lc_open(&lc, "update", o.conf, o.tcti, true)) != 0)
		return rc;
	err = aem_lc_values_next(&lc, &o.src, &v, &expect);
	if (err && lc.next_unknown) {
		rc = reseal_needed(&lc, &v, expect);
		free(expect);
		aem_lc_close(&lc);
		return rc;
	}
	if (err) {
		fprintf(stderr, "aem update: cannot predict the next boot: %s\n"
			"aem update: nothing was changed. The current sealed secret still opens the boot "
			"it was sealed to; it will NOT open the updated boot. After rebooting, if you "
			"trust that boot, run: aem reseal\n", lc.why);
		aem_lc_close(&lc);
		return AEM_EXIT_UNSUPPORTED;
	}
	rc = aem_cli_lc_seal_all("update", &lc, &o, &v, expect);
	if (rc == AEM_EXIT_OK && aem_lc_reseal_needed_clear())
		fprintf(stderr, "aem update: an old reseal-needed record in %s could not be removed\n",
			aem_state_dir());
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

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
	"changed.\n";

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
	if (err) {
		fprintf(stderr, "aem update: cannot predict the next boot: %s\n"
			"aem update: nothing was changed. The current sealed secret still opens the boot "
			"it was sealed to; it will NOT open the updated boot. After rebooting, if you "
			"trust that boot, run: aem reseal\n", lc.why);
		aem_lc_close(&lc);
		return AEM_EXIT_UNSUPPORTED;
	}
	rc = aem_cli_lc_seal_all("update", &lc, &o, &v, expect);
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

/* aem reseal: seal every secret to the PCR values of THIS boot, as each
 * media's pending bundle (the boot that succeeds with it retires the current
 * one). Shares its options and the sealing loop with aem update (cli_lc.c). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

static const char reseal_help[] =
	"usage: aem reseal [--suffix S] [--event-log FILE] [--luks-header DEV]... [--config FILE]\n"
	"                  [--tcti SPEC]\n"
	"Seal every secret to the PCR values of THIS boot (only when you trust it), next\n"
	"to the current sealed file. PCR 13 is computed from the LUKS headers of\n"
	"/proc/cmdline's rd.luks.uuid= (or --luks-header DEV, repeated in order).\n";

int cmd_reseal(int argc, char **argv)
{
	struct aem_pcr_values v;
	struct aem_cli_lc_opts o;
	struct aem_lc lc;
	char *expect = NULL;
	int rc = aem_cli_lc_parse(argc, argv, &o, reseal_help, 0), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if ((rc = aem_cli_lc_open(&lc, "reseal", o.conf, o.tcti, true)) != 0)
		return rc;
	err = aem_lc_values_now(&lc, &o.src, &v, &expect);
	rc = err ? aem_cli_lc_fail("reseal", &lc, err)
		 : aem_cli_lc_seal_all("reseal", &lc, &o, &v, expect);
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

/* aem reseal: seal every secret to the PCR values of THIS boot, as each
 * media's pending bundle (the boot that succeeds with it retires the current
 * one). Shares its options and the sealing loop with aem update (cli_lc.c).
 * After `aem update` left a reseal-needed record (a TrenchBoot update whose
 * PCRs the files do not all determine), this boot is first checked against
 * the PCRs that update predicted: a component that differs is named and the
 * reseal refused unless --force. */
#include "cli.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>

static const char reseal_help[] =
	"usage: aem reseal [--suffix S] [--event-log FILE] [--luks-header DEV]... [--config FILE]\n"
	"                  [--tcti SPEC] [--force]\n"
	"Seal every secret to the PCR values of THIS boot (only when you trust it), next\n"
	"to the current sealed file. PCR 13 is computed from the LUKS headers of\n"
	"/proc/cmdline's rd.luks.uuid= (or --luks-header DEV, repeated in order).\n"
	"When aem update recorded that this boot needs a reseal (TrenchBoot), the PCRs it\n"
	"predicted must be this boot's (the event log is then required); --force seals\n"
	"even when they differ.\n";

/* 0: go on; else an exit status (reported). */
static int check_record(const struct aem_cli_lc_opts *o, struct aem_lc *lc, const char *now_doc,
			bool *had)
{
	char *rec = NULL, report[4096];
	int rc = aem_lc_reseal_needed_read(&rec), chk;

	*had = rc == 0;
	if (rc == 1)
		return 0;
	if (rc) {
		fprintf(stderr, "aem reseal: cannot read the reseal-needed record in %s: %s%s\n",
			aem_state_dir(), aem_strerror(rc), o->force ? " (--force: sealing anyway)" : "");
		return o->force ? 0 : AEM_EXIT_INPUT;
	}
	if (!o->src.evlog && !getenv("AEM_EVENT_LOG") && !lc->cfg.event_log[0]) {
		free(rec);
		fprintf(stderr, "aem reseal: aem update recorded that this boot needs a reseal; give "
			"this boot's event log (--event-log FILE, or event_log in aem.conf) so that "
			"what the launch measured can be checked against that record\n");
		return o->force ? 0 : AEM_EXIT_USAGE;
	}
	chk = aem_lc_reseal_needed_check(rec, now_doc ? now_doc : "", report, sizeof(report));
	free(rec);
	printf("aem reseal: this boot against the update aem update recorded:\n%s", report);
	if (chk && !o->force) {
		fprintf(stderr, "aem reseal: refused: this boot is not the update that was installed "
			"(above). Do not type a passphrase into it. If you know why it differs and trust "
			"it anyway: aem reseal --force\n");
		return chk == AEM_TPM_E_PCR_MISMATCH ? AEM_EXIT_MISMATCH : AEM_EXIT_INPUT;
	}
	if (!chk)
		printf("aem reseal: the PCRs aem update could not predict are taken from this boot, "
		       "on your word that it is the one you started\n");
	return 0;
}

int cmd_reseal(int argc, char **argv)
{
	struct aem_pcr_values v;
	struct aem_cli_lc_opts o;
	struct aem_lc lc;
	char *expect = NULL;
	bool had = false;
	int rc = aem_cli_lc_parse(argc, argv, &o, reseal_help, 0), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if ((rc = aem_cli_lc_open(&lc, "reseal", o.conf, o.tcti, true)) != 0)
		return rc;
	err = aem_lc_values_now(&lc, &o.src, &v, &expect);
	if (err)
		rc = aem_cli_lc_fail("reseal", &lc, err);
	else if ((rc = check_record(&o, &lc, expect, &had)) == 0)
		rc = aem_cli_lc_seal_all("reseal", &lc, &o, &v, expect);
	if (rc == AEM_EXIT_OK && had && aem_lc_reseal_needed_clear())
		fprintf(stderr, "aem reseal: the reseal-needed record in %s could not be removed\n",
			aem_state_dir());
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

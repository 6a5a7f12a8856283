/* aem tpm-setup: provision the TPM for aem. For now: create the storage
 * root key when it is absent; a key of another kind at its handle is left
 * alone and reported. */
#include "cmd.h"
#include "exitcode.h"
#include "err.h"
#include "tpm.h"
#include "tpm12.h"

#include <getopt.h>
#include <stdio.h>

static const char setup_help[] =
	"usage: aem tpm-setup [--tcti SPEC] [--tpm 1.2|2.0]\n"
	"Create aem's storage root key (TPM 2.0: ECC P-256, persistent handle 0x81000001)\n"
	"when it is absent. Never replaces a key that is already there.\n";

int cmd_tpm_setup(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tcti", required_argument, NULL, 'T' }, { "tpm", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct aem_tpm *t = NULL;
	const char *tcti = NULL;
	int c, err, created = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'T': tcti = optarg; break;
		case 'F':
			if (aem_tpm_prefer_family(optarg))
				return fprintf(stderr, "aem tpm-setup: --tpm takes 1.2 or 2.0\n"), AEM_EXIT_USAGE;
			break;
		case 'h': fputs(setup_help, stdout); return AEM_EXIT_OK;
		default: fputs(setup_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fputs(setup_help, stderr), AEM_EXIT_USAGE;
	err = aem_tpm_open(tcti, &t);
	if (!err)
		err = aem_tpm_setup(t, &created);
	if (err) {
		const char *d = t ? aem_tpm_last_detail(t) : "";
		if (err == AEM_TPM_E_BAD_SRK)
			fprintf(stderr, "aem tpm-setup: %s; it was left alone: remove it yourself "
				"(tpm2_evictcontrol -C o -c 0x81000001) if it is not in use\n",
				aem_tpm_strerror(err));
		else
			fprintf(stderr, "aem tpm-setup: %s%s%s\n", aem_tpm_strerror(err), *d ? ": " : "", d);
	} else if (aem_tpm_family(t) == AEM_FAMILY_TPM12) {
		printf(created ? "took ownership of the TPM 1.2: its SRK is ready\n"
			       : "the TPM 1.2 has an owner and its SRK loads: nothing changed\n");
	} else {
		printf(created ? "created the storage root key at 0x81000001\n"
			       : "the storage root key at 0x81000001 is already set up: nothing changed\n");
	}
	/* The TPM identity aem stores sealed files under (tpm_setup_nv.c). */
	c = err ? AEM_EXIT_OK : aem_cmd_tpm_setup_nv(t);
	aem_tpm_close(t);
	return err ? aem_exit_from_tpm(err) : c;
}

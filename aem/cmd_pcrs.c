/* aem pcrs: print PCR values as text or as the JSON that
 * `aem seal --expect` reads. */
#include "cli.h"
#include "err.h"
#include "tpm.h"
#include "tpm12.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char pcrs_help[] =
	"usage: aem pcrs [--bank NAME] [--pcrs LIST] [--json] [--tcti SPEC] [--tpm 1.2|2.0]\n"
	"Print PCR values (default: sha256 (sha1 on TPM 1.2), PCRs 0-23). --json prints\n"
	"{\"bank\":\"sha256\",\"pcrs\":{\"17\":\"hex\",...}}, accepted by aem seal --expect.\n";

static void print_values(const struct aem_pcr_values *v, int json)
{
	char hex[2 * AEM_MAX_DIGEST + 1];
	size_t n = aem_bank_size(v->bank);
	int first = 1;

	if (json)
		printf("{\"bank\":\"%s\",\"pcrs\":{", aem_bank_name(v->bank));
	else
		printf("%s:\n", aem_bank_name(v->bank));
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(v->mask, i))
			continue;
		aem_hex(v->v[i], n, hex);
		if (json)
			printf("%s\"%u\":\"%s\"", first ? "" : ",", i, hex);
		else
			printf("  %2u: %s\n", i, hex);
		first = 0;
	}
	if (json)
		printf("}}\n");
}

int cmd_pcrs(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bank", required_argument, NULL, 'b' }, { "pcrs", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' }, { "tcti", required_argument, NULL, 'T' },
		{ "tpm", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct aem_pcr_values v;
	struct aem_tpm *t = NULL;
	const char *tcti = NULL;
	int c, json = 0, err;

	memset(&v, 0, sizeof(v));
	v.bank = AEM_BANK_NONE; /* the family's default once the TPM is open */
	v.mask = (1u << AEM_PCR_COUNT) - 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			if ((v.bank = aem_bank_from_name(optarg)) == AEM_BANK_NONE)
				return fprintf(stderr, "aem pcrs: unknown bank '%s'\n", optarg), AEM_EXIT_USAGE;
			break;
		case 'p':
			if (aem_pcr_mask_parse(optarg, &v.mask))
				return fprintf(stderr, "aem pcrs: bad PCR list '%s'\n", optarg), AEM_EXIT_USAGE;
			break;
		case 'j': json = 1; break;
		case 'T': tcti = optarg; break;
		case 'F':
			if (aem_tpm_prefer_family(optarg))
				return fprintf(stderr, "aem pcrs: --tpm takes 1.2 or 2.0\n"), AEM_EXIT_USAGE;
			break;
		case 'h': fputs(pcrs_help, stdout); return AEM_EXIT_OK;
		default: fputs(pcrs_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fputs(pcrs_help, stderr), AEM_EXIT_USAGE;
	err = aem_tpm_open(tcti, &t);
	if (!err && v.bank == AEM_BANK_NONE)
		v.bank = aem_tpm_family(t) == AEM_FAMILY_TPM12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	if (!err)
		err = aem_tpm_pcr_read(t, &v);
	if (err) {
		const char *d = aem_tpm_last_detail(t); /* t NULL: why the open failed */
		fprintf(stderr, "aem pcrs: %s%s%s\n", aem_strerror(err), *d ? ": " : "", d);
	} else {
		print_values(&v, json);
	}
	aem_tpm_close(t);
	return aem_cli_exit(err);
}

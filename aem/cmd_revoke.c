/* aem revoke: mark a media's freshness slot revoked in TPM NV, so that no
 * copy of that media unseals on this TPM again; other media are untouched. */
#include "cli.h"
#include "err.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char revoke_help[] =
	"usage: aem revoke SUFFIX | --all [--tcti SPEC]\n"
	"Revoke the AEM media labelled aem<SUFFIX> (\"\" for plain aem) or every enrolled\n"
	"media: its sealed secrets stop unsealing at once, on every copy. Install it again\n"
	"to use it.\n";

int cmd_revoke(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' }, { "tcti", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *tcti = NULL, *suffix = NULL;
	struct aem_lc lc;
	char **list = NULL, l[40];
	size_t n = 0;
	int c, all = 0, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'T': tcti = optarg; break;
		case 'h': fputs(revoke_help, stdout); return AEM_EXIT_OK;
		default: fputs(revoke_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind < argc)
		suffix = argv[optind++];
	if (all == !!suffix || optind != argc)
		return fputs(revoke_help, stderr), AEM_EXIT_USAGE;
	if ((rc = aem_cli_lc_media("revoke", suffix, &list, &n)) != 0)
		return rc;
	if ((rc = aem_cli_lc_open(&lc, "revoke", NULL, tcti, true)) != 0) {
		aem_state_free_list(list, n);
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct aem_media_rec m;
		struct aem_fresh_slot s;
		int err = aem_state_media_load(list[i], &m);

		aem_fresh_revoke(&s);
		aem_lc_slot_key(&lc, !err && m.has_slot_key ? m.slot_key : NULL);
		if (!err)
			err = aem_lc_slot_write(&lc, m.slot, &s);
		explicit_bzero(&m, sizeof(m));
		/* The record goes only once NV says revoked: a failure leaves it to retry. */
		if (!err)
			err = aem_state_media_remove(list[i]);
		if (err) {
			fprintf(stderr, "aem revoke: %s: %s\n", aem_cli_lc_label(list[i], l, sizeof(l)),
				aem_strerror(err));
			rc = aem_cli_exit(err);
		} else {
			printf("revoked %s\n", aem_cli_lc_label(list[i], l, sizeof(l)));
		}
	}
	aem_state_free_list(list, n);
	aem_lc_close(&lc);
	return rc;
}

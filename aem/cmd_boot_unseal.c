/* aem boot-unseal: what the boot path runs: unseal this TPM's bundle on the
 * AEM media, check freshness, show the secret, rotate (aem_lc_boot_unseal). */
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "sealed.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char boot_help[] =
	"usage: aem boot-unseal --media DIR [--name NAME] [--out FILE] [--tcti SPEC]\n"
	"What the boot path runs: unseal this TPM's bundle on the AEM media mounted at DIR\n"
	"(the pending file aem reseal / aem update prepared when it unseals on this boot,\n"
	"else the current one), refuse a stale freshness token (an old copy of the media),\n"
	"print secret NAME (default \"secret\"; the binary totp and luks-key items only\n"
	"with --out), then rotate the token and retire the files this boot made obsolete.\n";

static int show(const struct aem_lc_boot *b, const char *name, const char *out)
{
	const struct aem_bundle_item *it = aem_bundle_get(&b->bundle, name);
	size_t off = 0;

	if (!it) {
		fprintf(stderr, "aem boot-unseal: the bundle has no secret '%s'\n", name);
		return AEM_EXIT_INPUT;
	}
	if (out)
		return aem_file_write_atomic(out, it->data, it->len, 0600) ? AEM_EXIT_IO : AEM_EXIT_OK;
	if (!strcmp(name, AEM_ITEM_TOTP) || !strcmp(name, AEM_ITEM_LUKS_KEY)) {
		fprintf(stderr, "aem boot-unseal: '%s' is a binary item: write it with --out FILE\n",
			name);
		return AEM_EXIT_USAGE;
	}
	while (off < it->len) {
		ssize_t w = write(STDOUT_FILENO, it->data + off, it->len - off);
		if (w <= 0)
			return AEM_EXIT_IO;
		off += (size_t)w;
	}
	return AEM_EXIT_OK;
}

int cmd_boot_unseal(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "media", required_argument, NULL, 'm' }, { "name", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' }, { "tcti", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *media = NULL, *name = "secret", *out = NULL, *tcti = NULL;
	static const char *const used[] = { "current", "pending (prepared by aem reseal/update)",
					    "write-ahead" };
	struct aem_lc lc;
	struct aem_lc_boot b;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'm': media = optarg; break;
		case 'n': name = optarg; break;
		case 'o': out = optarg; break;
		case 'T': tcti = optarg; break;
		case 'h': fputs(boot_help, stdout); return AEM_EXIT_OK;
		default: fputs(boot_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (!media || optind != argc)
		return fputs(boot_help, stderr), AEM_EXIT_USAGE;
	if ((rc = aem_cli_lc_open(&lc, "boot-unseal", NULL, tcti, true)) != 0)
		return rc;
	rc = aem_lc_boot_unseal(&lc, media, &b);
	if (rc) {
		rc = aem_cli_lc_fail("boot-unseal", &lc, rc);
		aem_lc_close(&lc);
		return rc;
	}
	fprintf(stderr, "aem boot-unseal: unsealed the %s bundle; freshness %s%s\n", used[b.used],
		b.rotated ? "rotated" : "NOT rotated: ", b.rotated ? "" : b.rot_why);
	rc = show(&b, name, out);
	aem_lc_boot_free(&b);
	aem_lc_close(&lc);
	return rc;
}

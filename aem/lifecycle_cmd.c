/* Shared front-end pieces of the lifecycle verbs, and `aem boot-unseal`
 * (what the boot path runs: unseal the media, check freshness, rotate). */
#include "lifecycle_cmd.h"
#include "cmd.h"
#include "err.h"
#include "exitcode.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *aem_lc_label(const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "aem%s", suffix);
	return buf;
}

int aem_lc_cmd_fail(const char *verb, const struct aem_lc *lc, int err)
{
	fprintf(stderr, "aem %s: %s\n", verb, lc->why[0] ? lc->why : aem_tpm_strerror(err));
	if (err == AEM_TPM_E_IO && errno == ENOSPC)
		fprintf(stderr, "aem %s: the file system is full: nothing was replaced\n", verb);
	return aem_exit_from_tpm(err);
}

int aem_lc_cmd_open(struct aem_lc *lc, const char *verb, const char *conf, const char *tcti,
		    bool need_id)
{
	int rc = aem_lc_open(lc, conf, tcti, need_id);

	if (!rc)
		return AEM_EXIT_OK;
	rc = aem_lc_cmd_fail(verb, lc, rc);
	aem_lc_close(lc);
	return rc == AEM_EXIT_USAGE || rc == AEM_EXIT_INPUT ? AEM_EXIT_INPUT : rc;
}

int aem_lc_cmd_media(const char *verb, const char *suffix, char ***list, size_t *n)
{
	int rc;

	*list = NULL;
	*n = 0;
	if (suffix) {
		struct aem_media_rec m;
		char l[40];

		if (!aem_state_suffix_ok(suffix) || aem_state_media_load(suffix, &m)) {
			fprintf(stderr, "aem %s: no enrolled media %s (aem install)\n", verb,
				aem_lc_label(suffix, l, sizeof(l)));
			return AEM_EXIT_INPUT;
		}
		*list = calloc(1, sizeof(char *));
		if (!*list || !((*list)[0] = strdup(suffix)))
			return AEM_EXIT_FAIL;
		*n = 1;
		return AEM_EXIT_OK;
	}
	rc = aem_state_media_list(list, n);
	if (rc || !*n) {
		fprintf(stderr, "aem %s: no AEM media enrolled in %s (aem install)\n", verb,
			aem_state_dir());
		return AEM_EXIT_INPUT;
	}
	return AEM_EXIT_OK;
}

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
	if ((rc = aem_lc_cmd_open(&lc, "boot-unseal", NULL, tcti, true)) != 0)
		return rc;
	rc = aem_lc_boot_unseal(&lc, media, &b);
	if (rc) {
		rc = aem_lc_cmd_fail("boot-unseal", &lc, rc);
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

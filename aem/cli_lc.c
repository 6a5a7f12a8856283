/* The lifecycle verbs' shared front end (cli.h): opening the engine, error
 * reports, the media to act on, and the options and sealing loop of aem
 * reseal and aem update. */
#include "cli.h"
#include "err.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *aem_cli_lc_label(const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "aem%s", suffix);
	return buf;
}

int aem_cli_lc_fail(const char *verb, const struct aem_lc *lc, int err)
{
	fprintf(stderr, "aem %s: %s\n", verb, lc->why[0] ? lc->why : aem_strerror(err));
	if (err == AEM_E_IO && errno == ENOSPC)
		fprintf(stderr, "aem %s: the file system is full: nothing was replaced\n", verb);
	return aem_cli_exit(err);
}

int aem_cli_lc_open(struct aem_lc *lc, const char *verb, const char *conf, const char *tcti,
		    bool need_id)
{
	int rc = aem_lc_open(lc, conf, tcti, need_id);

	if (!rc)
		return AEM_EXIT_OK;
	rc = aem_cli_lc_fail(verb, lc, rc);
	aem_lc_close(lc);
	return rc == AEM_EXIT_USAGE || rc == AEM_EXIT_INPUT ? AEM_EXIT_INPUT : rc;
}

int aem_cli_lc_media(const char *verb, const char *suffix, char ***list, size_t *n)
{
	int rc;

	*list = NULL;
	*n = 0;
	if (suffix) {
		struct aem_media_rec m;
		char l[40];

		if (!aem_state_suffix_ok(suffix) || aem_state_media_load(suffix, &m)) {
			fprintf(stderr, "aem %s: no enrolled media %s (aem install)\n", verb,
				aem_cli_lc_label(suffix, l, sizeof(l)));
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

int aem_cli_lc_parse(int argc, char **argv, struct aem_cli_lc_opts *o, const char *help,
		     int update)
{
	static const struct option lo[] = {
		{ "suffix", required_argument, NULL, 's' }, { "grub-cfg", required_argument, NULL, 'g' },
		{ "entry", required_argument, NULL, 'e' }, { "boot-dir", required_argument, NULL, 'B' },
		{ "event-log", required_argument, NULL, 'l' }, { "config", required_argument, NULL, 'c' },
		{ "tcti", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "luks-header", required_argument, NULL, 'L' }, { "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if ((!update && (c == 'g' || c == 'e' || c == 'B')) || (update && c == 'F'))
			c = '?';
		switch (c) {
		case 's': o->suffix = optarg; break;
		case 'g': o->src.grub_cfg = optarg; break;
		case 'e': o->src.entry = optarg; break;
		case 'B': o->src.boot_dir = optarg; break;
		case 'l': o->src.evlog = optarg; break;
		case 'L':
			if (o->src.nluks == AEM_CLI_MAX_LUKS)
				return fprintf(stderr, "at most %d --luks-header\n",
					       AEM_CLI_MAX_LUKS), AEM_EXIT_USAGE;
			o->luks[o->src.nluks++] = optarg;
			o->src.luks = o->luks;
			break;
		case 'c': o->conf = optarg; break;
		case 'T': o->tcti = optarg; break;
		case 'F': o->force = true; break;
		case 'h': fputs(help, stdout); return -1;
		default: fputs(help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return fputs(help, stderr), AEM_EXIT_USAGE;
	return 0;
}

static void say_values(const struct aem_pcr_values *v)
{
	char hex[2 * AEM_MAX_DIGEST + 1];

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(v->mask, i))
			printf("  PCR %u (%s): %s\n", i, aem_bank_name(v->bank),
			       aem_hex(v->v[i], aem_bank_size(v->bank), hex));
}

int aem_cli_lc_seal_all(const char *verb, struct aem_lc *lc, const struct aem_cli_lc_opts *o,
			const struct aem_pcr_values *v, const char *expect)
{
	char **list = NULL, root[AEM_STATE_PATH_MAX], l[40];
	size_t n = 0;
	int rc = aem_cli_lc_media(verb, o->suffix, &list, &n), any = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		struct aem_media_rec m;
		int err = aem_state_media_load(list[i], &m);

		aem_cli_lc_label(list[i], l, sizeof(l));
		if (!err && strcmp(m.tpm_id, lc->id_hex)) {
			fprintf(stderr, "aem %s: %s was installed for another TPM: skipped\n", verb, l);
			continue;
		}
		if (!err && (err = aem_state_media_root(&m, root, sizeof(root))) != 0) {
			fprintf(stderr, "aem %s: %s %s: skipped; its current sealed file is unchanged\n",
				verb, l, errno == EEXIST ? "is ambiguous: two devices carry its UUID "
				"(remove the copy)" : "is not present (insert and mount it)");
			rc = AEM_EXIT_IO;
			continue;
		}
		lc->why[0] = '\0';
		if (!err)
			err = aem_lc_seal_pending(lc, &m, root, v, expect);
		if (err) {
			fprintf(stderr, "aem %s: %s: nothing replaced: ", verb, l);
			rc = aem_cli_lc_fail(verb, lc, err);
			continue;
		}
		printf("%s: every secret sealed to the %s boot (%s/aem/%s/secret.next.sealed)\n", l,
		       strcmp(verb, "update") ? "current" : "next", root, lc->id_hex);
		any = 1;
	}
	if (any)
		say_values(v);
	aem_state_free_list(list, n);
	return rc;
}

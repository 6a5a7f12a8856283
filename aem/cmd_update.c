/* aem update / aem reseal: seal every secret to the next boot (predicted
 * from what GRUB will boot) or to this boot, as each media's pending bundle.
 * The current bundle is never touched here: the boot that succeeds with the
 * pending one retires it (aem boot-unseal). */
#include "cmd.h"
#include "err.h"
#include "exitcode.h"
#include "lifecycle_cmd.h"

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
	"computed from the LUKS headers the entry's rd.luks.uuid= name (--luks-header or\n"
	"env AEM_LUKS_DEVICES=DEV:DEV: these instead). When the prediction is impossible\n"
	"nothing is changed.\n";
static const char reseal_help[] =
	"usage: aem reseal [--suffix S] [--event-log FILE] [--luks-header DEV]... [--config FILE]\n"
	"                  [--tcti SPEC]\n"
	"Seal every secret to the PCR values of THIS boot (only when you trust it), next\n"
	"to the current sealed file. PCR 13 is computed from the LUKS headers of\n"
	"/proc/cmdline's rd.luks.uuid= (or --luks-header / AEM_LUKS_DEVICES).\n";

#define MAX_LUKS 16

struct lc_opts {
	const char *suffix, *conf, *tcti;
	const char *luks[MAX_LUKS];
	struct aem_lc_src src;
};

static int parse(int argc, char **argv, struct lc_opts *o, const char *help, int update)
{
	static const struct option lo[] = {
		{ "suffix", required_argument, NULL, 's' }, { "grub-cfg", required_argument, NULL, 'g' },
		{ "entry", required_argument, NULL, 'e' }, { "boot-dir", required_argument, NULL, 'B' },
		{ "event-log", required_argument, NULL, 'l' }, { "config", required_argument, NULL, 'c' },
		{ "tcti", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "luks-header", required_argument, NULL, 'L' }, { NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (!update && (c == 'g' || c == 'e' || c == 'B'))
			c = '?';
		switch (c) {
		case 's': o->suffix = optarg; break;
		case 'g': o->src.grub_cfg = optarg; break;
		case 'e': o->src.entry = optarg; break;
		case 'B': o->src.boot_dir = optarg; break;
		case 'l': o->src.evlog = optarg; break;
		case 'L':
			if (o->src.nluks == MAX_LUKS)
				return fprintf(stderr, "at most %d --luks-header\n", MAX_LUKS), AEM_EXIT_USAGE;
			o->luks[o->src.nluks++] = optarg;
			o->src.luks = o->luks;
			break;
		case 'c': o->conf = optarg; break;
		case 'T': o->tcti = optarg; break;
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

static int seal_all(const char *verb, struct aem_lc *lc, const struct lc_opts *o,
		    const struct aem_pcr_values *v, const char *expect)
{
	char **list = NULL, root[AEM_STATE_PATH_MAX], l[40];
	size_t n = 0;
	int rc = aem_lc_cmd_media(verb, o->suffix, &list, &n), any = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		struct aem_media_rec m;
		int err = aem_state_media_load(list[i], &m);

		aem_lc_label(list[i], l, sizeof(l));
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
			rc = aem_lc_cmd_fail(verb, lc, err);
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

int cmd_update(int argc, char **argv)
{
	struct aem_pcr_values v;
	struct lc_opts o;
	struct aem_lc lc;
	char *expect = NULL;
	int rc = parse(argc, argv, &o, update_help, 1), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if ((rc = aem_lc_cmd_open(&lc, "update", o.conf, o.tcti, true)) != 0)
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
	rc = seal_all("update", &lc, &o, &v, expect);
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

int cmd_reseal(int argc, char **argv)
{
	struct aem_pcr_values v;
	struct lc_opts o;
	struct aem_lc lc;
	char *expect = NULL;
	int rc = parse(argc, argv, &o, reseal_help, 0), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if ((rc = aem_lc_cmd_open(&lc, "reseal", o.conf, o.tcti, true)) != 0)
		return rc;
	err = aem_lc_values_now(&lc, &o.src, &v, &expect);
	rc = err ? aem_lc_cmd_fail("reseal", &lc, err) : seal_all("reseal", &lc, &o, &v, expect);
	free(expect);
	aem_lc_close(&lc);
	return rc;
}

/* aem seal: seal a secret to PCR values (current ones, or given ones with
 * --expect). */
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "seal.h"
#include "tpm12.h"
#include "values.h"
#include "diagnose.h"
#include "evlog.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

static const char seal_help[] =
	"usage: aem seal --in SECRET --out SEALED [options]\n"
	"Seal SECRET (any size; '-' = stdin) so that only this TPM, with the selected PCRs\n"
	"holding the expected values, can unseal it.\n"
	"  --pcrs LIST          PCRs to seal to (default 13,17,18; 13,17,18,19 on TPM 1.2)\n"
	"  --bank NAME          PCR bank (default sha256; sha1 on TPM 1.2)\n"
	"  --tpm 1.2|2.0        TPM family (default: detected)\n"
	"  --expect FILE        expected values (JSON of aem predict / aem pcrs --json, or\n"
	"                       tpm2_pcrread -o output); PCRs missing from FILE are read live\n"
	"  --pin                also require a PIN (read from the terminal, or env AEM_PIN)\n"
	"  --tcti SPEC          TPM to use (default: AEM_TCTI, TPM2TOOLS_TCTI, TSS2_TCTI,\n"
	"                       /dev/tpmrm0, /dev/tpm0)\n"
	"  --allow-unmeasured   seal even when the PCRs show no measured launch\n"
	"  --event-log FILE     this boot's TXT event log (or --live: read from the TXT heap):\n"
	"                       its events go to SEALED.expect.json, to diagnose a mismatch\n"
	"SEALED.expect.json is also written from --expect when that is aem predict JSON\n"
	"with events, and removed otherwise (aem unseal reads it to name what changed).\n";

struct seal_opts {
	struct aem_cli_sealopts so;   /* the PCR target, shared with totp / mfa */
	const char *in, *out;
	int live, nlogs;
	char *logs[16];
};

static int parse_opts(int argc, char **argv, struct seal_opts *o)
{
	static const struct option lo[] = {
		{ "in", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'o' },
		AEM_CLI_SEALOPTS_LONG, { "help", no_argument, NULL, 'h' },
		{ "event-log", required_argument, NULL, 'l' }, { "live", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	memset(o, 0, sizeof(*o));
	o->so.bank = AEM_BANK_NONE; /* both: the family's default, aem_cli_sealopts_defaults */
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if ((r = aem_cli_sealopts_take(&o->so, c, optarg, "aem seal")) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'i': o->in = optarg; break;
		case 'o': o->out = optarg; break;
		case 'l':
			if (o->nlogs >= 16)
				return fprintf(stderr, "aem seal: too many --event-log\n"), -1;
			o->logs[o->nlogs++] = optarg;
			break;
		case 'L': o->live = 1; break;
		case 'h': fputs(seal_help, stdout); return 1;
		default: fputs(seal_help, stderr); return -1;
		}
	}
	if (!o->in || !o->out || optind != argc) {
		fputs(seal_help, stderr);
		return -1;
	}
	return 0;
}

static int seal_with(struct aem_tpm *t, const struct seal_opts *o, const uint8_t *pt, size_t len)
{
	struct aem_pcr_values v;
	char pin[256];
	int pin_len = 0, err;
	uint8_t *out = NULL;
	size_t out_len = 0;

	err = aem_cli_sealopts_values(t, &o->so, &v, "aem seal");
	if (err)
		return err;
	if (o->so.pin && (pin_len = aem_cli_read_pin("PIN for the sealed secret: ", 1, pin, sizeof(pin))) < 0) {
		fprintf(stderr, "aem seal: no PIN given\n");
		return AEM_E_INVAL;
	}
	err = aem_tpm_seal_payload(t, &v, o->so.pin ? pin : NULL, (size_t)pin_len, pt, len, &out, &out_len);
	explicit_bzero(pin, sizeof(pin));
	if (!err && aem_file_write_atomic(o->out, out, out_len, 0600)) {
		fprintf(stderr, "aem seal: cannot write %s\n", o->out);
		err = AEM_E_IO;
	}
	aem_buf_free(out, out_len);
	return err;
}

/* The sidecar document: --expect's own text when it is a prediction with events,
 * else one built from this boot's log; NULL when there is neither. */
static char *sidecar_doc(const struct seal_opts *o, const struct aem_evlog *log)
{
	struct aem_diag_boot b = { 0 };
	uint8_t *buf = NULL;
	size_t len = 0;
	char *doc = NULL;

	if (o->so.expect) {
		if (aem_file_read(o->so.expect, 16u << 20, &buf, &len) == 0 &&
		    aem_diag_from_json((const char *)buf, len, &b) == 0 && (doc = malloc(len + 1))) {
			memcpy(doc, buf, len);
			doc[len] = '\0';
		}
		aem_buf_free(buf, len);
	} else if (log && aem_diag_from_log(log, o->so.bank, &b) == 0) {
		aem_diag_to_json(&b, &doc);
	}
	aem_diag_free(&b);
	return doc;
}

/* After the sealed file is in place: its sidecar describes it, or there is none (an
 * old one would describe another boot). A failure here does not undo the seal. */
static void write_sidecar(const struct seal_opts *o, const struct aem_evlog *log)
{
	char path[4096], *doc;

	if (!strcmp(o->out, "-") || !aem_diag_sidecar_path(o->out, path, sizeof(path)))
		return;
	doc = sidecar_doc(o, log);
	if (doc ? aem_file_write_atomic(path, (const uint8_t *)doc, strlen(doc), 0600) != 0
		: unlink(path) != 0 && errno != ENOENT)
		fprintf(stderr, "aem seal: warning: cannot %s %s: a later mismatch cannot be "
			"explained in detail\n", doc ? "write" : "remove", path);
	free(doc);
}

int cmd_seal(int argc, char **argv)
{
	struct seal_opts o;
	struct aem_tpm *t = NULL;
	struct aem_evlog log = { 0 };
	uint8_t *pt = NULL;
	size_t len = 0;
	int err, r = parse_opts(argc, argv, &o);

	if (r)
		return r > 0 ? AEM_EXIT_OK : AEM_EXIT_USAGE;
	if ((o.nlogs || o.live) &&
	    (r = aem_cli_load_evlog_src("seal", o.logs, o.nlogs, o.live, NULL, &log)) != 0)
		return r;
	err = aem_file_read(o.in, AEM_SEALED_MAX_PAYLOAD, &pt, &len);
	if (err) {
		fprintf(stderr, "aem seal: cannot read %s: %s\n", o.in, aem_strerror(err));
		aem_evlog_free(&log);
		return AEM_EXIT_INPUT;
	}
	if (len)
		mlock(pt, len); /* best effort: keep the secret out of swap */
	err = aem_cli_tpm_open(o.so.tcti, "aem seal", &t);
	if (!err)
		aem_cli_sealopts_defaults(&o.so, t);
	if (!err)
		err = seal_with(t, &o, pt, len);
	if (!err)
		write_sidecar(&o, o.nlogs || o.live ? &log : NULL);
	if (err && t && err != AEM_TPM_E_UNMEASURED) { /* a failed open was reported */
		const char *d = aem_tpm_last_detail(t);
		fprintf(stderr, "aem seal: %s%s%s\n", aem_strerror(err), *d ? ": " : "", d);
	}
	aem_tpm_close(t);
	aem_buf_free(pt, len);
	aem_evlog_free(&log);
	return aem_cli_exit(err);
}

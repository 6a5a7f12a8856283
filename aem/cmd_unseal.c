/* aem unseal: recover a secret sealed by aem seal. Writes the secret to
 * stdout (or --out FILE) and nothing at all on failure; on a PCR mismatch
 * names every PCR that differs from the sealed expectation, and what changed
 * (diagnose.h) when the sealed file has its .expect.json and this boot's log is given. */
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "seal.h"
#include "tpm12.h"
#include "diagnose.h"
#include "evlog.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char unseal_help[] =
	"usage: aem unseal --in SEALED [--out FILE|-] [--tcti SPEC] [--tpm 1.2|2.0]\n"
	"                  [--event-log FILE | --live]\n"
	"Unseal a file written by aem seal; the secret goes to stdout unless --out names a\n"
	"file (written atomically, mode 0600). A PIN, when the file needs one, is read from\n"
	"the terminal (or env AEM_PIN). On a PCR mismatch, with SEALED.expect.json and this\n"
	"boot's TXT event log (--event-log FILE, --live, or env AEM_EVENT_LOG), the first\n"
	"component that differs from the sealed boot is named.\n";

/* Where this boot's event log comes from, read only when a diagnosis needs it. */
struct log_src {
	char *files[16];
	int n, live;
};

static int load_sidecar(const struct aem_sealed *s, const char *in, struct aem_diag_boot *b)
{
	char path[4096];
	uint8_t *buf = NULL;
	size_t len = 0, dl = aem_bank_size(s->expect.bank);
	int rc;

	if (!aem_diag_sidecar_path(in, path, sizeof(path)) ||
	    aem_file_read(path, 16u << 20, &buf, &len))
		return -1;
	rc = aem_diag_from_json((const char *)buf, len, b);
	aem_buf_free(buf, len);
	if (rc || b->bank != s->expect.bank) {
		fprintf(stderr, "aem unseal: ignoring %s: not a document of this sealed file\n", path);
		return -1;
	}
	/* a sidecar left from another seal (a crash between two renames) must not explain */
	for (unsigned p = 0; p < AEM_PCR_COUNT; p++)
		if (aem_pcr_mask_has(s->expect.mask & b->pcrs.mask, p) &&
		    memcmp(s->expect.v[p], b->pcrs.v[p], dl)) {
			fprintf(stderr, "aem unseal: ignoring %s: its PCR %u is not the sealed one\n",
				path, p);
			return -1;
		}
	return 0;
}

static int load_now(const struct log_src *src, enum aem_bank bank, struct aem_diag_boot *b)
{
	struct aem_evlog log = { 0 };
	char *env = getenv("AEM_EVENT_LOG");
	char *files[1] = { env };
	int rc;

	if (src->n || src->live)
		rc = aem_cli_load_evlog_src("unseal", src->files, src->n, src->live, NULL, &log);
	else if (env && *env)
		rc = aem_cli_load_evlog_src("unseal", files, 1, 0, NULL, &log);
	else
		return fprintf(stderr, "aem unseal: give this boot's event log (--event-log FILE, "
			       "--live or AEM_EVENT_LOG) to name the component that changed\n"), -1;
	if (rc == 0)
		rc = aem_diag_from_log(&log, bank, b);
	aem_evlog_free(&log);
	return rc ? -1 : 0;
}

/* Name what changed, PCR by PCR. PCRs outside the TXT launch need no document. */
static void diagnose(const struct aem_sealed *s, const struct aem_pcr_values *now,
		     const char *in, const struct log_src *src)
{
	struct aem_diag_boot want = { 0 }, got = { 0 };
	size_t dl = aem_bank_size(s->expect.bank);
	aem_pcr_mask drtm = 0;
	char msg[512];
	int ready = -1;

	for (unsigned p = 0; p < AEM_PCR_COUNT; p++) {
		struct aem_diag_finding f;

		if (!aem_pcr_mask_has(s->expect.mask, p) || !memcmp(s->expect.v[p], now->v[p], dl))
			continue;
		if (p < 17 || p > 22) {
			aem_diag_pcr(&want, &got, NULL, p, &f);
			fprintf(stderr, "aem unseal: %s\n", aem_diag_describe(&f, now->bank, msg, sizeof(msg)));
			continue;
		}
		drtm |= 1u << p;
	}
	if (drtm && load_sidecar(s, in, &want) == 0)
		ready = load_now(src, s->expect.bank, &got);
	for (unsigned p = 0; ready == 0 && p < AEM_PCR_COUNT; p++) {
		struct aem_diag_finding f;

		if (!aem_pcr_mask_has(drtm, p))
			continue;
		aem_diag_pcr(&want, &got, now, p, &f);
		fprintf(stderr, "aem unseal: %s\n", aem_diag_describe(&f, now->bank, msg, sizeof(msg)));
	}
	aem_diag_free(&want);
	aem_diag_free(&got);
}

static void report_mismatch(const struct aem_sealed *s, const struct aem_pcr_values *now)
{
	size_t n = aem_bank_size(s->expect.bank);
	char a[2 * AEM_MAX_DIGEST + 1], b[2 * AEM_MAX_DIGEST + 1];

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(s->expect.mask, i) || !memcmp(s->expect.v[i], now->v[i], n))
			continue;
		fprintf(stderr, "PCR %u differs: sealed %s, now %s\n", i, aem_hex(s->expect.v[i], n, a),
			aem_hex(now->v[i], n, b));
	}
}

static void report_auth(struct aem_tpm *t, int err)
{
	struct aem_tpm_da da;

	if (aem_tpm_da_info(t, &da) != 0) {
		const char *d = aem_tpm_last_detail(t); /* TPM 1.2: SRK password or PIN */
		fprintf(stderr, "aem unseal: %s%s%s\n", aem_strerror(err), *d ? ": " : "", d);
		return;
	}
	if (err == AEM_TPM_E_LOCKOUT || da.in_lockout) {
		if (da.recovery_s) /* TPM 2.0: failures decay one by one */
			fprintf(stderr, "aem unseal: %s (one failure is forgotten every %u s)\n",
				aem_strerror(AEM_TPM_E_LOCKOUT), da.recovery_s);
		else /* TPM 1.2: the lock runs out, or the owner resets it */
			fprintf(stderr, "aem unseal: %s (%u s left)\n",
				aem_strerror(AEM_TPM_E_LOCKOUT), da.lockout_left_s);
		return;
	}
	fprintf(stderr, "aem unseal: wrong PIN: %u tries left before the TPM locks out\n",
		da.max_tries > da.counter ? da.max_tries - da.counter : 0);
}

static void report(struct aem_tpm *t, const struct aem_sealed *s, int err,
		   const struct aem_pcr_values *now, const char *in, const struct log_src *src)
{
	const char *d = aem_tpm_last_detail(t);

	if (err == AEM_TPM_E_PCR_MISMATCH) {
		fprintf(stderr, "aem unseal: %s\n", aem_strerror(err));
		report_mismatch(s, now);
		diagnose(s, now, in, src);
	} else if (err == AEM_TPM_E_AUTH || err == AEM_TPM_E_LOCKOUT) {
		report_auth(t, err);
	} else if (err == AEM_E_CRYPTO && !*d) {
		fprintf(stderr, "aem unseal: %s\n", aem_strerror(err));
	} else {
		fprintf(stderr, "aem unseal: %s%s%s\n", aem_strerror(err), *d ? ": " : "", d);
	}
}

static int write_all(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w <= 0)
			return AEM_E_IO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int unseal_to(struct aem_tpm *t, const struct aem_sealed *s, const char *out,
		     const char *in, const struct log_src *src)
{
	struct aem_pcr_values now;
	char pin[256];
	int pin_len = 0, err;
	uint8_t *pt = malloc(s->ct_len ? s->ct_len : 1);

	if (!pt)
		return AEM_E_NOMEM;
	mlock(pt, s->ct_len ? s->ct_len : 1);
	if ((s->flags & AEM_SEALED_F_PIN) &&
	    (pin_len = aem_cli_read_pin("PIN: ", 0, pin, sizeof(pin))) < 0) {
		fprintf(stderr, "aem unseal: no PIN given\n");
		aem_buf_free(pt, s->ct_len);
		return AEM_TPM_E_AUTH;
	}
	err = aem_tpm_unseal_payload(t, s, (s->flags & AEM_SEALED_F_PIN) ? pin : NULL,
				     (size_t)pin_len, pt, &now);
	explicit_bzero(pin, sizeof(pin));
	if (err)
		report(t, s, err, &now, in, src);
	else if (!strcmp(out, "-") ? write_all(STDOUT_FILENO, pt, s->ct_len)
				   : aem_file_write_atomic(out, pt, s->ct_len, 0600))
		err = AEM_E_IO, fprintf(stderr, "aem unseal: cannot write %s\n", out);
	aem_buf_free(pt, s->ct_len ? s->ct_len : 1);
	return err;
}

int cmd_unseal(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "in", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'o' },
		{ "tcti", required_argument, NULL, 'T' }, { "tpm", required_argument, NULL, 'F' },
		{ "event-log", required_argument, NULL, 'l' }, { "live", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *out = "-", *tcti = NULL;
	struct log_src src = { .n = 0 };
	struct aem_sealed s;
	struct aem_tpm *t = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'T': tcti = optarg; break;
		case 'l':
			if (src.n >= 16)
				return fprintf(stderr, "aem unseal: too many --event-log\n"), AEM_EXIT_USAGE;
			src.files[src.n++] = optarg;
			break;
		case 'L': src.live = 1; break;
		case 'F':
			if (aem_tpm_prefer_family(optarg))
				return fprintf(stderr, "aem unseal: --tpm takes 1.2 or 2.0\n"), AEM_EXIT_USAGE;
			break;
		case 'h': fputs(unseal_help, stdout); return AEM_EXIT_OK;
		default: fputs(unseal_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (!in || optind != argc)
		return fputs(unseal_help, stderr), AEM_EXIT_USAGE;
	err = aem_file_read(in, AEM_SEALED_MAX_FILE, &buf, &len);
	if (!err)
		err = aem_sealed_parse(buf, len, &s);
	aem_buf_free(buf, len);
	if (err) {
		fprintf(stderr, "aem unseal: %s: %s\n", in, aem_strerror(err));
		return err == AEM_E_IO ? AEM_EXIT_INPUT : aem_cli_exit(err);
	}
	err = aem_cli_tpm_open(tcti, "aem unseal", &t);
	if (!err)
		err = unseal_to(t, &s, out, in, &src);
	aem_tpm_close(t);
	aem_sealed_free(&s);
	return aem_cli_exit(err);
}

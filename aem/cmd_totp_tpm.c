/* aem totp init | reseal: TOTP keys sealed to the measured boot
 * (totp_tpm.h). init makes a fresh 160-bit key, shows the otpauth URI and its
 * QR code, checks a code from the phone, seals the key and writes a
 * password-protected recovery copy (pwbox.h) that reseal reads later. */
#include "cmd_totp.h"
#include "cli.h"
#include "config.h"
#include "err.h"
#include "fileio.h"
#include "pwbox.h"
#include "runtime.h"
#include "state.h"
#include "totp_tpm.h"

#include "disp_err.h"
#include "otpauth.h"
#include "plymouth.h"
#include "qr.h"
#include "totp_item.h"
#include "totp_view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>

#define WHO "aem totp"
#define PW_MAX 256

static const char init_help[] =
	"usage: aem totp init [--label L] [--issuer I] [--out SEALED] [--qr-png F]\n"
	"                     [--recovery-out F | --no-recovery] [--no-confirm]\n"
	"                     [--algorithm sha1|sha256] [--digits 6|7|8] [--period S]\n"
	"                     [--key-in-memory] [--ascii] [--invert] [--no-state] [seal options]\n"
	"       aem totp reseal --recovery F [--out SEALED] [seal options] (same code settings)\n"
	"       aem totp code [--in SEALED] [--time UNIX | --counter N (HOTP)] [--tcti SPEC]\n"
	"       aem totp show [--in SEALED] [--plymouth] [--frames N] [--title T]\n"
	"  --out / --in         the TOTP file (default $AEM_STATE_DIR/totp.aem, /var/lib/aem)\n"
	"  --recovery-out F     recovery copy (default SEALED.recovery), password from\n"
	"                       env AEM_RECOVERY_PASSWORD or the terminal\n"
	"  --no-confirm         do not ask for a code from the phone (scripts)\n"
	"  --key-in-memory      TPM 2.0: seal the key as data and compute codes in software\n"
	"  --no-state           init/reseal: do not keep the key as the totp secret in\n"
	"                       $AEM_STATE_DIR/secrets (which aem reseal / aem update seal\n"
	"                       into the media's bundle for the boot display)\n"
	AEM_CLI_SEALOPTS_HELP;


static int usage(const char *msg)
{
	fprintf(stderr, WHO ": %s\n%s", msg, init_help);
	return AEM_EXIT_USAGE;
}

static int num(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static int take_code_opt(struct aem_totp_opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'a':
		return aem_disp_otp_alg_parse(arg, &o->alg) ? usage("bad --algorithm") : 0;
	case 'd':
		if (num(arg, AEM_DISP_OTP_DIGITS_MAX, &v) || v < AEM_DISP_OTP_DIGITS_MIN)
			return usage("--digits must be 6, 7 or 8");
		o->digits = (unsigned)v;
		return 0;
	case 'p':
		if (num(arg, AEM_TOTP_PERIOD_MAX, &v) || v == 0)
			return usage("--period must be 1..86400 seconds");
		o->period = (unsigned)v;
		return 0;
	case 't':
		if (num(arg, UINT64_MAX, &o->time))
			return usage("--time must be a UNIX time");
		o->have_time = 1;
		return 0;
	case 'c':
		if (num(arg, UINT64_MAX, &o->counter))
			return usage("--counter must be a non-negative integer");
		o->have_counter = 1;
		return 0;
	case 'F':
		if (num(arg, 1000000, &v))
			return usage("--frames must be a number");
		o->frames = (unsigned)v;
		return 0;
	default:
		return usage("bad option");
	}
}

static int take_opt(struct aem_totp_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'l': o->label = arg; return 0;
	case 'i': o->issuer = arg; return 0;
	case 'o': o->out = arg; return 0;
	case 'I': o->in = arg; return 0;
	case 'P': o->png = arg; return 0;
	case 'r': o->recovery = arg; return 0;
	case 'R': o->no_recovery = 1; return 0;
	case 'n': o->no_confirm = 1; return 0;
	case 'k': o->soft = 1; return 0;
	case 'A': o->ascii = 1; return 0;
	case 'v': o->invert = 1; return 0;
	case 'y': o->plymouth = 1; return 0;
	case 'T': o->title = arg; return 0;
	case 'S': o->no_state = 1; return 0;
	case 'h': fputs(init_help, stdout); return -1;
	default: return take_code_opt(o, c, arg);
	}
}

int aem_totp_opts_parse(int argc, char **argv, struct aem_totp_opts *o)
{
	static const struct option lo[] = {
		{ "label", required_argument, NULL, 'l' }, { "issuer", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' }, { "in", required_argument, NULL, 'I' },
		{ "qr-png", required_argument, NULL, 'P' },
		{ "recovery-out", required_argument, NULL, 'r' },
		{ "recovery", required_argument, NULL, 'r' }, { "no-recovery", no_argument, NULL, 'R' },
		{ "no-confirm", no_argument, NULL, 'n' }, { "key-in-memory", no_argument, NULL, 'k' },
		{ "algorithm", required_argument, NULL, 'a' }, { "digits", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' }, { "time", required_argument, NULL, 't' },
		{ "counter", required_argument, NULL, 'c' },
		{ "ascii", no_argument, NULL, 'A' }, { "invert", no_argument, NULL, 'v' },
		{ "plymouth", no_argument, NULL, 'y' }, { "frames", required_argument, NULL, 'F' },
		{ "title", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "no-state", no_argument, NULL, 'S' },
		AEM_CLI_SEALOPTS_LONG, { NULL, 0, NULL, 0 },
	};
	int c, r;

	memset(o, 0, sizeof(*o));
	o->alg = AEM_DISP_OTP_SHA1;
	o->digits = 6;
	o->period = AEM_DISP_OTP_PERIOD;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		r = aem_cli_sealopts_take(&o->so, c, optarg, WHO);
		if (r < 0)
			return AEM_EXIT_USAGE;
		if (r == 0 && (r = take_opt(o, c, optarg)) != 0)
			return r;
	}
	if (optind != argc)
		return usage("unexpected argument");
	return 0;
}

/* The default TOTP file: $AEM_STATE_DIR/totp.aem. */
const char *aem_totp_default_path(char *buf, size_t len)
{
	const char *d = getenv("AEM_STATE_DIR");

	snprintf(buf, len, "%s/totp.aem", d && *d ? d : "/var/lib/aem");
	return buf;
}

static void warn_rtc(void)
{
	if (aem_rt_rtc_is_local())
		fprintf(stderr, WHO ": warning: the hardware clock keeps LOCAL time (/etc/adjtime):\n"
			"  the initramfs reads it as UTC, so boot-time codes will be off by the\n"
			"  time-zone offset. Run `timedatectl set-local-rtc 0` (or hwclock --systohc --utc).\n");
}

static int write_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return AEM_EXIT_IO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The URI on a line of its own, then the QR code (and the PNG when asked). */
static int show_enrolment(const struct aem_totp_opts *o, const char *uri)
{
	enum aem_disp_qr_style st = o->ascii ? AEM_DISP_QR_ASCII : AEM_DISP_QR_UTF8;
	struct aem_disp_qr qr;
	char *text;
	size_t n;
	int rc = write_all(STDOUT_FILENO, uri);

	if (!rc)
		rc = write_all(STDOUT_FILENO, "\n");
	if (rc || aem_disp_qr_encode(uri, &qr))
		return rc ? rc : AEM_EXIT_FAIL;
	n = aem_disp_qr_text_size(&qr, st);
	text = malloc(n);
	rc = !text || aem_disp_qr_render(&qr, st, o->invert, text, n) ? AEM_EXIT_FAIL :
	     write_all(STDOUT_FILENO, text);
	if (text) {
		explicit_bzero(text, n);
		free(text);
	}
	if (!rc && o->png && aem_disp_qr_write_png_path(&qr, o->png, 8)) {
		fprintf(stderr, WHO ": cannot write %s\n", o->png);
		rc = AEM_EXIT_IO;
	}
	aem_disp_qr_free(&qr);
	return rc;
}

/* Does text equal the code of the step before, at or after now? */
static int code_matches(const struct aem_totp_opts *o, struct aem_disp_softkey *k, const char *text)
{
	struct aem_disp_hmac h = { aem_disp_hmac_soft, k };
	uint64_t now = (uint64_t)time(NULL);
	char want[AEM_DISP_OTP_DIGITS_MAX + 1];
	uint32_t c;
	int ok = 0;

	for (int d = -1; d <= 1 && !ok; d++) {
		uint64_t t = now + (uint64_t)((int64_t)d * (int64_t)o->period);

		if (!aem_disp_totp(&h, o->alg, t, o->period, o->digits, &c) &&
		    !aem_disp_otp_format(c, o->digits, want, sizeof(want)))
			ok = !strcmp(want, text);
	}
	explicit_bzero(want, sizeof(want));
	return ok;
}

/* Ask for a code from the phone on stdin: three tries. */
static int confirm(const struct aem_totp_opts *o, const uint8_t *key, size_t len)
{
	struct aem_disp_softkey k;
	char line[64];
	int rc = AEM_EXIT_AUTH;

	if (aem_disp_softkey_init(&k, key, len))
		return AEM_EXIT_FAIL;
	for (int tries = 0; tries < 3; tries++) {
		fputs("Scan the code, then type the code your phone shows: ", stderr);
		if (!fgets(line, sizeof(line), stdin)) {
			fputs("\n" WHO ": no code given: nothing sealed (--no-confirm skips this)\n",
			      stderr);
			rc = AEM_EXIT_INPUT;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (code_matches(o, &k, line)) {
			rc = 0;
			break;
		}
		fputs(WHO ": that is not the current code (is the phone's clock right?)\n", stderr);
	}
	explicit_bzero(line, sizeof(line));
	aem_disp_softkey_wipe(&k);
	return rc;
}

/* Seal key to the selected values and write the TOTP file atomically. */
static int seal_and_write(struct aem_tpm *t, const struct aem_totp_opts *o,
			  const struct aem_pcr_values *v, const uint8_t *key, size_t len,
			  const char *out)
{
	char pin[PW_MAX];
	int pin_len = 0, err;
	uint8_t *file = NULL;
	size_t file_len = 0;

	if (o->so.pin && (pin_len = aem_cli_read_pin("PIN for the TOTP key: ", 1, pin, sizeof(pin))) < 0) {
		fprintf(stderr, WHO ": no PIN given\n");
		return AEM_E_INVAL;
	}
	err = aem_totp_create(t, v, o->so.pin ? pin : NULL, (size_t)pin_len, o->soft, o->alg,
			      o->digits, o->period, key, len, &file, &file_len);
	explicit_bzero(pin, sizeof(pin));
	if (!err && aem_file_write_atomic(out, file, file_len, 0600)) {
		fprintf(stderr, WHO ": cannot write %s\n", out);
		err = AEM_E_IO;
	}
	aem_buf_free(file, file_len);
	return err;
}

static int write_recovery(const char *path, const char *uri)
{
	char pw[PW_MAX];
	uint8_t *box = NULL;
	size_t box_len = 0;
	int n, err;

	n = aem_cli_ask_password("AEM_RECOVERY_PASSWORD", "Password for the recovery copy: ", 1, pw,
			     sizeof(pw));
	if (n <= 0) {
		fprintf(stderr, WHO ": a recovery password is required (or --no-recovery)\n");
		return AEM_EXIT_USAGE;
	}
	err = aem_pwbox_seal(pw, (size_t)n, (const uint8_t *)uri, strlen(uri), &box, &box_len);
	explicit_bzero(pw, sizeof(pw));
	if (!err && aem_file_write_atomic(path, box, box_len, 0600))
		err = AEM_E_IO;
	aem_buf_free(box, box_len);
	if (err)
		fprintf(stderr, WHO ": cannot write the recovery copy %s: %s\n", path,
			aem_strerror(err));
	return err ? aem_cli_exit(err) : 0;
}

/* The key and its settings as the totp secret of the state directory
 * (totp_item.h), for the lifecycle: aem reseal / aem update seal it into the
 * media's bundle and the boot program shows its code. */
static int keep_in_state(const struct aem_totp_opts *o, const uint8_t *key, size_t len)
{
	struct aem_disp_totp_item it = { .alg = o->alg, .digits = o->digits, .period = o->period,
					 .key = key, .key_len = len };
	uint8_t buf[AEM_DISP_TOTP_ITEM_MAX];
	size_t n = 0;
	int err = aem_disp_totp_item_build(&it, buf, &n) ? AEM_E_INVAL :
		  aem_state_secret_write(AEM_ITEM_TOTP, buf, n);

	explicit_bzero(buf, sizeof(buf));
	if (err) {
		fprintf(stderr, WHO ": cannot write %s/secrets/" AEM_ITEM_TOTP ": %s\n",
			aem_state_dir(), aem_strerror(err));
		return aem_cli_exit(err);
	}
	fprintf(stderr, WHO ": key kept as the secret '" AEM_ITEM_TOTP "' in %s/secrets: run aem "
		"reseal (this boot) or aem update (next boot) to seal it to the AEM media\n",
		aem_state_dir());
	return 0;
}

static int open_tpm(struct aem_totp_opts *o, struct aem_tpm **t)
{
	int err = aem_cli_tpm_open(o->so.tcti, WHO, t);

	if (err)
		return aem_cli_exit(err);
	aem_cli_sealopts_defaults(&o->so, *t);
	return 0;
}

static int init_with(struct aem_tpm *t, struct aem_totp_opts *o, const char *out)
{
	uint8_t key[AEM_TOTP_KEY_LEN];
	char uri[AEM_DISP_URI_MAX], rec[1100];
	struct aem_pcr_values v;
	int rc, err;

	/* Refuse an unmeasured state before showing a key that could not be sealed. */
	err = aem_cli_sealopts_values(t, &o->so, &v, WHO);
	if (err)
		return err == AEM_TPM_E_UNMEASURED ? AEM_EXIT_UNMEASURED :
		       (aem_cli_report_tpm_error(t, err, WHO), aem_cli_exit(err));
	if (RAND_priv_bytes(key, sizeof(key)) != 1)
		return AEM_EXIT_FAIL;
	rc = aem_cli_totp_uri(o->label, o->issuer, o->alg, o->digits, o->period, key, sizeof(key), uri,
			      sizeof(uri), WHO);
	if (!rc)
		rc = show_enrolment(o, uri);
	if (!rc && !o->no_confirm)
		rc = confirm(o, key, sizeof(key));
	if (!rc) {
		err = seal_and_write(t, o, &v, key, sizeof(key), out);
		if (err && err != AEM_TPM_E_UNMEASURED)
			aem_cli_report_tpm_error(t, err, WHO);
		rc = aem_cli_exit(err);
	}
	if (!rc && !o->no_recovery && !o->recovery &&
	    (size_t)snprintf(rec, sizeof(rec), "%s.recovery", out) >= sizeof(rec))
		rc = usage("path too long for the recovery copy: give --recovery-out");
	if (!rc && !o->no_recovery)
		rc = write_recovery(o->recovery ? o->recovery : rec, uri);
	if (!rc && !o->no_state)
		rc = keep_in_state(o, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	explicit_bzero(uri, sizeof(uri));
	return rc;
}

int aem_cmd_totp_init(int argc, char **argv)
{
	struct aem_totp_opts o;
	struct aem_tpm *t = NULL;
	char def[1024];
	int rc = aem_totp_opts_parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if (o.alg == AEM_DISP_OTP_SHA512 && !o.soft)
		return usage("TPMs offer HMAC with sha1 and sha256 (sha512 needs --key-in-memory)");
	warn_rtc();
	rc = open_tpm(&o, &t);
	if (!rc)
		rc = init_with(t, &o, o.out ? o.out : aem_totp_default_path(def, sizeof(def)));
	aem_tpm_close(t);
	return rc;
}

/* The recovery copy's URI, decrypted with the password. */
static int read_recovery(const char *path, struct aem_disp_otpauth *u)
{
	uint8_t *box = NULL, uri[AEM_PWBOX_MAX_DATA];
	size_t box_len = 0, n = 0;
	char pw[PW_MAX];
	int len, err;

	err = aem_file_read(path, AEM_PWBOX_OVERHEAD + AEM_PWBOX_MAX_DATA, &box, &box_len);
	if (err)
		return fprintf(stderr, WHO ": cannot read %s\n", path), AEM_EXIT_INPUT;
	len = aem_cli_ask_password("AEM_RECOVERY_PASSWORD", "Recovery password: ", 0, pw, sizeof(pw));
	err = len <= 0 ? AEM_TPM_E_AUTH :
	      aem_pwbox_open(box, box_len, pw, (size_t)len, uri, sizeof(uri), &n);
	explicit_bzero(pw, sizeof(pw));
	aem_buf_free(box, box_len);
	if (!err && aem_disp_otpauth_parse(uri, n, u))
		err = AEM_E_FORMAT;
	explicit_bzero(uri, sizeof(uri));
	if (err == AEM_TPM_E_AUTH)
		fprintf(stderr, WHO ": wrong recovery password (or %s was altered)\n", path);
	else if (err)
		fprintf(stderr, WHO ": %s: %s\n", path, aem_strerror(err));
	return err ? aem_cli_exit(err) : 0;
}

int aem_cmd_totp_reseal(int argc, char **argv)
{
	struct aem_totp_opts o;
	struct aem_disp_otpauth u;
	struct aem_pcr_values v;
	struct aem_tpm *t = NULL;
	char def[1024];
	int rc = aem_totp_opts_parse(argc, argv, &o), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if (!o.recovery)
		return usage("reseal needs --recovery FILE");
	rc = read_recovery(o.recovery, &u);
	if (rc)
		return rc;
	o.alg = u.alg;
	o.digits = u.digits;
	o.period = u.period;
	rc = open_tpm(&o, &t);
	if (!rc) {
		err = aem_cli_sealopts_values(t, &o.so, &v, WHO);
		if (!err)
			err = seal_and_write(t, &o, &v, u.secret, u.secret_len,
					     o.out ? o.out : aem_totp_default_path(def, sizeof(def)));
		if (err && err != AEM_TPM_E_UNMEASURED)
			aem_cli_report_tpm_error(t, err, WHO);
		rc = aem_cli_exit(err);
	}
	if (!rc && !o.no_state)
		rc = keep_in_state(&o, u.secret, u.secret_len);
	aem_disp_otpauth_wipe(&u);
	aem_tpm_close(t);
	return rc;
}

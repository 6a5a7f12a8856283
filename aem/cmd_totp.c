/* aem totp: the otpauth URI, its QR code and codes from a key file. The
 * TPM-backed sub-verbs (init, reseal, code, show) live in cmd_totp_tpm.c and
 * cmd_totp_code.c; they only swap the HMAC back end (struct aem_disp_hmac). */
#include "cli.h"
#include "cmd_totp.h"

#include "base32.h"
#include "disp_err.h"
#include "otp.h"
#include "otpauth.h"
#include "qr.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEYFILE_MAX 256   /* base32 text of a 64-byte key is 103 characters */

enum key_format { KEY_AUTO, KEY_BASE32, KEY_RAW };

struct totp_opts {
	const char *secret_file;
	const char *label;
	const char *issuer;
	const char *png;
	enum key_format key_format;
	enum aem_disp_otp_alg alg;
	unsigned digits, period, scale;
	uint64_t time, counter;
	int have_time, have_counter, ascii, invert;
};

static const char totp_usage[] =
	"usage: aem totp uri --secret-file F [--label L] [--issuer I] [--digits 6|7|8]\n"
	"                    [--algorithm sha1|sha256|sha512] [--period S]\n"
	"       aem totp qr  (same options) [--ascii] [--invert] [--qr-png FILE [--scale PX]]\n"
	"       aem totp init|reseal|code|show ...   (aem totp init --help)\n"
	"       aem totp code-from-key --secret-file F [--time UNIX | --counter N] [--digits N]\n"
	"                    [--algorithm A] [--period S]\n"
	"  --secret-file F   the key: base32 text (any case, '=' allowed) or raw bytes\n"
	"  --key-format auto|base32|raw   how to read F (auto: base32 if it is valid base32)\n"
	"  --label L         account name shown by the app (default: this host's name)\n"
	"  --issuer I        issuer shown by the app (default: AEM)\n"
	"  --ascii           '#' characters instead of UTF-8 half blocks\n"
	"  --invert          for dark-on-light terminals (default suits light-on-dark)\n"
	"  --qr-png FILE     write a PNG (mode 0600) instead of printing the code\n";

static int usage_error(const char *msg)
{
	fprintf(stderr, "aem totp: %s\n%s", msg, totp_usage);
	return AEM_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

static int parse_opts(int argc, char **argv, struct totp_opts *o)
{
	static const struct option lo[] = {
		{ "secret-file", required_argument, NULL, 'f' }, { "label", required_argument, NULL, 'l' },
		{ "issuer", required_argument, NULL, 'i' }, { "digits", required_argument, NULL, 'd' },
		{ "algorithm", required_argument, NULL, 'a' }, { "period", required_argument, NULL, 'p' },
		{ "time", required_argument, NULL, 't' }, { "counter", required_argument, NULL, 'c' },
		{ "ascii", no_argument, NULL, 'A' }, { "invert", no_argument, NULL, 'I' },
		{ "qr-png", required_argument, NULL, 'P' }, { "scale", required_argument, NULL, 's' },
		{ "key-format", required_argument, NULL, 'k' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'f': o->secret_file = optarg; break;
		case 'l': o->label = optarg; break;
		case 'i': o->issuer = optarg; break;
		case 'P': o->png = optarg; break;
		case 'A': o->ascii = 1; break;
		case 'I': o->invert = 1; break;
		case 'd':
			if (parse_u64(optarg, AEM_DISP_OTP_DIGITS_MAX, &v) || v < AEM_DISP_OTP_DIGITS_MIN)
				return usage_error("--digits must be 6, 7 or 8");
			o->digits = (unsigned)v;
			break;
		case 'a':
			if (aem_disp_otp_alg_parse(optarg, &o->alg))
				return usage_error("--algorithm must be sha1, sha256 or sha512");
			break;
		case 'p':
			if (parse_u64(optarg, 86400, &v) || v == 0)
				return usage_error("--period must be 1..86400 seconds");
			o->period = (unsigned)v;
			break;
		case 's':
			if (parse_u64(optarg, AEM_DISP_QR_SCALE_MAX, &v) || v == 0)
				return usage_error("--scale must be 1..64 pixels per module");
			o->scale = (unsigned)v;
			break;
		case 't':
			if (parse_u64(optarg, UINT64_MAX, &o->time))
				return usage_error("--time must be a non-negative UNIX time");
			o->have_time = 1;
			break;
		case 'c':
			if (parse_u64(optarg, UINT64_MAX, &o->counter))
				return usage_error("--counter must be a non-negative integer");
			o->have_counter = 1;
			break;
		case 'k':
			if (!strcmp(optarg, "auto")) o->key_format = KEY_AUTO;
			else if (!strcmp(optarg, "base32")) o->key_format = KEY_BASE32;
			else if (!strcmp(optarg, "raw")) o->key_format = KEY_RAW;
			else return usage_error("--key-format must be auto, base32 or raw");
			break;
		case 'h':
			fputs(totp_usage, stdout);
			return -1;
		default:
			return usage_error("bad option");
		}
	}
	if (optind != argc)
		return usage_error("unexpected argument");
	if (!o->secret_file)
		return usage_error("--secret-file is required");
	return AEM_EXIT_OK;
}

/* Read at most cap bytes of path into buf; more is an error. */
static int read_small_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	do {
		r = read(fd, buf + n, cap - n);
		if (r > 0)
			n += (size_t)r;
	} while ((r > 0 && n < cap) || (r < 0 && errno == EINTR));
	if (r > 0 && n == cap) {   /* full: is there more? */
		uint8_t extra;

		r = read(fd, &extra, 1) == 0 ? 0 : -1;
	}
	close(fd);
	*len = n;
	return r < 0 ? -1 : 0;
}

/* Base32 after dropping trailing whitespace (an editor's newline). */
static int key_from_base32(const uint8_t *buf, size_t n, struct aem_disp_softkey *k)
{
	uint8_t key[AEM_DISP_OTP_KEY_MAX];
	size_t klen = 0;
	int rc;

	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
			 buf[n - 1] == '\t'))
		n--;
	rc = aem_disp_base32_decode(buf, n, key, sizeof(key), &klen);
	if (rc == 0)
		rc = aem_disp_softkey_init(k, key, klen);
	explicit_bzero(key, sizeof(key));
	return rc;
}

static int load_key(const struct totp_opts *o, struct aem_disp_softkey *k)
{
	uint8_t buf[KEYFILE_MAX];
	size_t n = 0;
	int rc;

	if (read_small_file(o->secret_file, buf, sizeof(buf), &n)) {
		fprintf(stderr, "aem totp: cannot read %s (missing, unreadable or over %d bytes)\n",
			o->secret_file, KEYFILE_MAX);
		explicit_bzero(buf, sizeof(buf));
		return AEM_EXIT_INPUT;
	}
	rc = AEM_DISP_E_FORMAT;
	if (o->key_format != KEY_RAW)
		rc = key_from_base32(buf, n, k);
	if (rc && o->key_format != KEY_BASE32)
		rc = aem_disp_softkey_init(k, buf, n);
	explicit_bzero(buf, sizeof(buf));
	if (rc) {
		fprintf(stderr, "aem totp: %s: not a usable key (%s; 1..%d bytes)\n", o->secret_file,
			aem_disp_strerror(rc), AEM_DISP_OTP_KEY_MAX);
		return AEM_EXIT_INPUT;
	}
	return AEM_EXIT_OK;
}

/* Secrets go to stdout with write(2): stdio would keep a copy in a buffer
 * that nobody wipes. */
static int write_out(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "aem totp: writing to standard output failed\n");
			return AEM_EXIT_IO;
		}
		s += w;
		n -= (size_t)w;
	}
	return AEM_EXIT_OK;
}

static int build_uri(const struct totp_opts *o, char *uri, size_t urisz)
{
	struct aem_disp_softkey k;
	int rc = load_key(o, &k);

	if (rc)
		return rc;
	rc = aem_cli_totp_uri(o->label, o->issuer, o->alg, o->digits, o->period, k.key, k.len, uri,
			      urisz, "aem totp");
	aem_disp_softkey_wipe(&k);
	return rc;
}

static int do_uri(const struct totp_opts *o)
{
	char uri[AEM_DISP_URI_MAX];
	int rc = build_uri(o, uri, sizeof(uri));

	if (rc == 0)
		rc = write_out(uri);
	if (rc == 0)
		rc = write_out("\n");
	explicit_bzero(uri, sizeof(uri));
	return rc;
}

static int show_qr(const struct totp_opts *o, const struct aem_disp_qr *qr)
{
	enum aem_disp_qr_style st = o->ascii ? AEM_DISP_QR_ASCII : AEM_DISP_QR_UTF8;
	size_t n = aem_disp_qr_text_size(qr, st);
	char *text = malloc(n);
	int rc;

	if (!text)
		return AEM_EXIT_FAIL;
	rc = aem_disp_qr_render(qr, st, o->invert, text, n);
	rc = rc ? AEM_EXIT_FAIL : write_out(text);
	explicit_bzero(text, n);
	free(text);
	return rc;
}

static int do_qr(const struct totp_opts *o)
{
	char uri[AEM_DISP_URI_MAX];
	struct aem_disp_qr qr;
	int rc = build_uri(o, uri, sizeof(uri)), drc;

	if (rc)
		return rc;
	drc = aem_disp_qr_encode(uri, &qr);
	explicit_bzero(uri, sizeof(uri));
	if (drc) {
		fprintf(stderr, "aem totp: QR encoding failed: %s\n", aem_disp_strerror(drc));
		return AEM_EXIT_FAIL;
	}
	if (o->png) {
		drc = aem_disp_qr_write_png_path(&qr, o->png, o->scale);
		if (drc) {
			fprintf(stderr, "aem totp: cannot write %s: %s\n", o->png, aem_disp_strerror(drc));
			rc = AEM_EXIT_IO;
		}
	} else {
		rc = show_qr(o, &qr);
	}
	aem_disp_qr_free(&qr);
	return rc;
}

static int do_code(const struct totp_opts *o)
{
	struct aem_disp_softkey k;
	struct aem_disp_hmac h = { aem_disp_hmac_soft, &k };
	char text[AEM_DISP_OTP_DIGITS_MAX + 2];
	uint32_t code = 0;
	int rc;

	if (o->have_time && o->have_counter)
		return usage_error("--time and --counter exclude each other");
	rc = load_key(o, &k);
	if (rc)
		return rc;
	if (o->have_counter)
		rc = aem_disp_hotp(&h, o->alg, o->counter, o->digits, &code);
	else
		rc = aem_disp_totp(&h, o->alg, o->have_time ? o->time : (uint64_t)time(NULL),
				   o->period, o->digits, &code);
	aem_disp_softkey_wipe(&k);
	if (rc == 0)
		rc = aem_disp_otp_format(code, o->digits, text, sizeof(text) - 1);
	code = 0;
	if (rc) {
		fprintf(stderr, "aem totp: %s\n", aem_disp_strerror(rc));
		return AEM_EXIT_FAIL;
	}
	strcat(text, "\n");
	rc = write_out(text);
	explicit_bzero(text, sizeof(text));
	return rc;
}

int cmd_totp(int argc, char **argv)
{
	struct totp_opts o = { .alg = AEM_DISP_OTP_SHA1, .digits = 6,
			       .period = AEM_DISP_OTP_PERIOD, .scale = 8 };
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		fputs(totp_usage, sub ? stdout : stderr);
		return sub ? AEM_EXIT_OK : AEM_EXIT_USAGE;
	}
	if (!strcmp(sub, "init"))
		return aem_cmd_totp_init(argc - 1, argv + 1);
	if (!strcmp(sub, "reseal"))
		return aem_cmd_totp_reseal(argc - 1, argv + 1);
	if (!strcmp(sub, "code"))
		return aem_cmd_totp_code(argc - 1, argv + 1);
	if (!strcmp(sub, "show"))
		return aem_cmd_totp_show(argc - 1, argv + 1);
	if (strcmp(sub, "uri") && strcmp(sub, "qr") && strcmp(sub, "code-from-key"))
		return usage_error("unknown sub-command");
	rc = parse_opts(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if (!strcmp(sub, "uri"))
		return do_uri(&o);
	if (!strcmp(sub, "qr"))
		return do_qr(&o);
	return do_code(&o);
}

/* The helpers every aem command shares (cli.h): exit statuses, secret entry
 * on the terminal, TPM opening and error reports, the otpauth URI. They
 * print; the libraries below never do. */
#include "cli.h"

#include "disp_err.h"
#include "err.h"
#include "fileio.h"
#include "state.h"
#include "tpm.h"
#include "otpauth.h"
#include "tpm12.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int aem_cli_exit(int err)
{
	switch (err) {
	case AEM_OK: return AEM_EXIT_OK;
	case AEM_E_INVAL: return AEM_EXIT_USAGE;
	case AEM_E_FORMAT: case AEM_E_VERSION: case AEM_E_NOT_AEM:
	case AEM_E_CRYPTO: return AEM_EXIT_INPUT;
	case AEM_E_IO: return AEM_EXIT_IO;
	case AEM_TPM_E_NOTPM: case AEM_TPM_E_NO_SRK: case AEM_TPM_E_BAD_SRK:
	case AEM_TPM_E_NOT_OWNED: case AEM_TPM_E_DISABLED: case AEM_TPM_E_NV_FOREIGN:
	case AEM_TPM_E_SALT_KEY: return AEM_EXIT_NOTPM;
	case AEM_TPM_E_PCR_MISMATCH: return AEM_EXIT_MISMATCH;
	case AEM_TPM_E_AUTH: case AEM_TPM_E_LOCKOUT: return AEM_EXIT_AUTH;
	case AEM_TPM_E_UNMEASURED: return AEM_EXIT_UNMEASURED;
	case AEM_TPM_E_FAMILY: case AEM_E_UNSUPPORTED: return AEM_EXIT_UNSUPPORTED;
	default: return AEM_EXIT_FAIL;
	}
}

int aem_cli_read_pin(const char *prompt, int confirm, char *buf, size_t len)
{
	/* env AEM_PIN: for tests and scripted setups; documented in aem(1). An
	 * empty PIN is no PIN. */
	int n = aem_cli_ask_password("AEM_PIN", prompt, confirm, buf, len);

	if (n <= 0) {
		explicit_bzero(buf, len);
		return -1;
	}
	return n;
}

static int tty_line(FILE *tty, const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int echo_off = tcgetattr(fileno(tty), &old) == 0;
	size_t n;

	fputs(prompt, stderr);
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	if (!fgets(buf, (int)len, tty))
		buf[0] = '\0';
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", stderr);
	n = strcspn(buf, "\n");
	buf[n] = '\0';
	return (int)n;
}

int aem_cli_ask_password(const char *env, const char *prompt, int confirm, char *buf, size_t len)
{
	const char *v = env ? getenv(env) : NULL;
	char again[256];
	FILE *tty;
	int n;

	if (v) {
		if (strlen(v) + 1 > len)
			return -1;
		strcpy(buf, v);
		return (int)strlen(buf);
	}
	tty = fopen("/dev/tty", "r+");
	if (!tty)
		return -1;
	setvbuf(tty, NULL, _IONBF, 0);
	n = tty_line(tty, prompt, buf, len);
	if (n > 0 && confirm && (tty_line(tty, "Repeat it: ", again, sizeof(again)) != n ||
				 strcmp(again, buf))) {
		fprintf(stderr, "the two entries differ\n");
		n = -1;
	}
	explicit_bzero(again, sizeof(again));
	fclose(tty);
	if (n < 0)
		explicit_bzero(buf, len);
	return n;
}

void aem_cli_report_tpm_error(struct aem_tpm *t, int err, const char *who)
{
	const char *d = aem_tpm_last_detail(t); /* t NULL: why the last open failed */

	fprintf(stderr, "%s: %s%s%s\n", who, aem_strerror(err), *d ? ": " : "", d);
}

int aem_cli_tpm_open(const char *tcti, const char *who, struct aem_tpm **t)
{
	int err;

	aem_tpm12_set_srk_prompt(aem_cli_srk_prompt);
	err = aem_tpm_open(tcti, t);
	if (err)
		aem_cli_report_tpm_error(NULL, err, who);
	return err;
}

int aem_cli_srk_prompt(char *buf, size_t len)
{
	int n = aem_cli_ask_password(NULL, "TPM 1.2 SRK password: ", 0, buf, len);

	if (n <= 0)
		explicit_bzero(buf, len);
	return n > 0 ? n : -1;
}

int aem_cli_totp_uri(const char *label, const char *issuer, enum aem_disp_otp_alg alg,
		     unsigned digits, unsigned period, const uint8_t *key, size_t len, char *uri,
		     size_t urisz, const char *who)
{
	struct aem_disp_otpauth u;
	char host[AEM_DISP_NAME_MAX + 1] = "aem";
	int rc;

	aem_disp_otpauth_init(&u);
	if (!label && gethostname(host, sizeof(host) - 1))
		strcpy(host, "aem");
	host[sizeof(host) - 1] = '\0';
	snprintf(u.account, sizeof(u.account), "%s", label ? label : host);
	snprintf(u.issuer, sizeof(u.issuer), "%s", issuer ? issuer : "AEM");
	memcpy(u.secret, key, len);
	u.secret_len = len;
	u.alg = alg;
	u.digits = digits;
	u.period = period;
	rc = (label && strlen(label) > AEM_DISP_NAME_MAX) ||
	     (issuer && strlen(issuer) > AEM_DISP_NAME_MAX) ? AEM_DISP_E_TOOLONG :
	     aem_disp_otpauth_format(&u, uri, urisz);
	aem_disp_otpauth_wipe(&u);
	if (rc)
		fprintf(stderr, "%s: cannot build the URI: %s (label and issuer: printable UTF-8, "
			"no ':', at most %d bytes)\n", who, aem_disp_strerror(rc), AEM_DISP_NAME_MAX);
	return rc ? AEM_EXIT_USAGE : AEM_EXIT_OK;
}

void aem_cli_load_srk_name(void)
{
	char path[AEM_STATE_PATH_MAX], hex[2 * AEM_TPM2_NAME_LEN + 1];
	uint8_t name[AEM_TPM2_NAME_LEN], *buf = NULL;
	size_t len = 0;

	if (aem_state_path(path, sizeof(path), "%s", AEM_CLI_SRK_NAME_FILE) ||
	    aem_file_read(path, 2 * AEM_TPM2_NAME_LEN + 1, &buf, &len))
		return;
	/* A record that does not parse matches no key: refused, never skipped. */
	memset(name, 0, sizeof(name));
	if (len >= 2 * AEM_TPM2_NAME_LEN) {
		memcpy(hex, buf, 2 * AEM_TPM2_NAME_LEN);
		hex[2 * AEM_TPM2_NAME_LEN] = '\0';
		if (aem_unhex(hex, name, sizeof(name)))
			memset(name, 0, sizeof(name));
	}
	aem_tpm_expect_srk_name(name);
	aem_buf_free(buf, len);
}

/* aem totp code | show: the current code of a TOTP file, computed by the TPM
 * (TPM 2.0 HMAC object) or from the unsealed key (sealed-key files). Nothing
 * reaches stdout unless the TPM agreed; a PCR mismatch names the PCRs. */
#include "cmd_totp.h"
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "totp_tpm.h"

#include "disp_err.h"
#include "plymouth.h"
#include "totp_view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WHO "aem totp"

static int load_file(const char *path, struct aem_totp_file *f)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err = aem_file_read(path, AEM_SEALED_MAX_FILE, &buf, &len);

	if (!err)
		err = aem_totp_file_parse(buf, len, f);
	aem_buf_free(buf, len);
	if (err)
		fprintf(stderr, WHO ": %s: %s\n", path, err == AEM_E_IO ? "cannot read it" :
			aem_strerror(err));
	return err;
}

/* Report err after a refused code: mismatches name the PCRs. */
static int refused(struct aem_tpm *t, const struct aem_totp_file *f, int err)
{
	aem_cli_report_tpm_error(t, err, WHO);
	if (err == AEM_TPM_E_PCR_MISMATCH)
		aem_cli_report_pcr_mismatch(t, &f->sealed.expect, WHO);
	return aem_cli_exit(err);
}

/* Load the file, open the TPM and the key (PIN when needed). */
static int open_all(struct aem_totp_opts *o, struct aem_totp_file *f, struct aem_tpm **t,
		    struct aem_totp *tk)
{
	char def[1024], pin[256];
	int pin_len = 0, err;

	*t = NULL;
	if (load_file(o->in ? o->in : aem_totp_default_path(def, sizeof(def)), f))
		return AEM_EXIT_INPUT;
	err = aem_cli_tpm_open(o->so.tcti, WHO, t);
	if (err)
		return aem_cli_exit(err);
	if ((f->sealed.flags & AEM_SEALED_F_PIN) &&
	    (pin_len = aem_cli_read_pin("TOTP PIN: ", 0, pin, sizeof(pin))) < 0)
		return fprintf(stderr, WHO ": no PIN given\n"), AEM_EXIT_AUTH;
	err = aem_totp_open(tk, *t, f, pin_len > 0 ? pin : NULL, (size_t)pin_len);
	explicit_bzero(pin, sizeof(pin));
	return err ? refused(*t, f, err) : 0;
}

int aem_cmd_totp_code(int argc, char **argv)
{
	struct aem_totp_opts o;
	struct aem_totp_file f;
	struct aem_totp tk;
	struct aem_tpm *t = NULL;
	char code[AEM_DISP_OTP_DIGITS_MAX + 2];
	int rc = aem_totp_opts_parse(argc, argv, &o), err;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	memset(&f, 0, sizeof(f));
	memset(&tk, 0, sizeof(tk));
	rc = open_all(&o, &f, &t, &tk);
	if (!rc) {
		err = o.have_counter ? aem_totp_hotp(&tk, o.counter, code, sizeof(code) - 1) :
		      aem_totp_code(&tk, o.have_time ? o.time : (uint64_t)time(NULL), code,
				    sizeof(code) - 1);
		if (err) {
			rc = refused(t, &f, err);
		} else {
			strcat(code, "\n");
			if (write(STDOUT_FILENO, code, strlen(code)) != (ssize_t)strlen(code))
				rc = AEM_EXIT_IO;
		}
	}
	explicit_bzero(code, sizeof(code));
	aem_totp_close(&tk);
	aem_totp_file_free(&f);
	aem_tpm_close(t);
	return rc;
}

/* The boot display: console on stdin/stdout, or plymouth. */
static int show(const struct aem_totp_opts *o, struct aem_totp *tk, const struct aem_totp_file *f)
{
	struct aem_disp_hmac h = aem_totp_hmac(tk);
	struct aem_disp_plymouth_view pv;
	struct aem_disp_totp_view v = {
		.hmac = &h, .alg = f->alg, .digits = f->digits, .period = f->period,
		.title = o->title ? o->title : "Anti Evil Maid: compare with your phone",
		.out_fd = STDOUT_FILENO, .max_frames = o->frames,
	};
	int in = STDIN_FILENO, rc;
	pid_t watch = -1;

	memset(&pv, 0, sizeof(pv));
	if (o->plymouth) {
		if (!aem_disp_plymouth_running())
			return AEM_DISP_E_IO;
		v.render = aem_disp_plymouth_render;
		v.render_ctx = &pv;
		if (aem_disp_plymouth_watch_start(&watch, &in))
			return AEM_DISP_E_IO;
	}
	rc = aem_disp_totp_show(in, &v);
	if (o->plymouth) {
		aem_disp_plymouth_watch_stop(watch, in);
		aem_disp_plymouth_view_end(&pv);
	}
	return rc;
}

int aem_cmd_totp_show(int argc, char **argv)
{
	struct aem_totp_opts o;
	struct aem_totp_file f;
	struct aem_totp tk;
	struct aem_tpm *t = NULL;
	int rc = aem_totp_opts_parse(argc, argv, &o), drc;

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	memset(&f, 0, sizeof(f));
	memset(&tk, 0, sizeof(tk));
	rc = open_all(&o, &f, &t, &tk);
	if (!rc) {
		drc = show(&o, &tk, &f);
		if (drc == AEM_DISP_E_CRYPTO && tk.tpm_err)
			rc = refused(t, &f, tk.tpm_err);
		else if (drc)
			fprintf(stderr, WHO ": %s\n", aem_disp_strerror(drc)), rc = AEM_EXIT_FAIL;
	}
	aem_totp_close(&tk);
	aem_totp_file_free(&f);
	aem_tpm_close(t);
	return rc;
}

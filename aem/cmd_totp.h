/* The aem totp verb's own parts: cmd_totp.c dispatches, the TPM-backed
 * sub-verbs live in cmd_totp_tpm.c (init, reseal) and cmd_totp_code.c (code,
 * show). Only these files include this header. */
#ifndef AEM_CMD_TOTP_H
#define AEM_CMD_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "otp.h"
#include "cli.h"

/* The options of every TPM-backed sub-verb (each uses its own subset). */
struct aem_totp_opts {
	struct aem_cli_sealopts so;
	const char *label, *issuer, *out, *png, *recovery, *in, *title;
	enum aem_disp_otp_alg alg;
	unsigned digits, period, frames;
	uint64_t time, counter;
	int have_time, have_counter, no_recovery, no_confirm, soft, ascii, invert, plymouth;
	int no_state;   /* init/reseal: do not keep the totp item in the state directory */
};

/* Parse argv (argv[0] is the sub-verb); 0, -1 after --help, else an exit status. */
int aem_totp_opts_parse(int argc, char **argv, struct aem_totp_opts *o);
/* $AEM_STATE_DIR/totp.aem (default /var/lib/aem/totp.aem) into buf. */
const char *aem_totp_default_path(char *buf, size_t len);

int aem_cmd_totp_init(int argc, char **argv);
int aem_cmd_totp_reseal(int argc, char **argv);
int aem_cmd_totp_code(int argc, char **argv);
int aem_cmd_totp_show(int argc, char **argv);

#endif

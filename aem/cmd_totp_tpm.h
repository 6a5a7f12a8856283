/* The TPM-backed `aem totp` sub-verbs (cmd_totp_tpm.c), dispatched by cmd_totp.c. */
#ifndef AEM_CMD_TOTP_TPM_H
#define AEM_CMD_TOTP_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "otp.h"
#include "sealopts.h"

/* The options of every TPM-backed sub-verb (each uses its own subset). */
struct aem_totp_opts {
	struct aem_sealopts so;
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

/* The otpauth URI of key (label NULL: the host name; issuer NULL: "AEM") into
 * uri; 0, or AEM_EXIT_USAGE after saying why (prefixed with who). */
int aem_cli_totp_uri(const char *label, const char *issuer, enum aem_disp_otp_alg alg,
		     unsigned digits, unsigned period, const uint8_t *key, size_t len, char *uri,
		     size_t urisz, const char *who);

/* 1 when the RTC keeps local time (/etc/adjtime, read through runtime.h). */
int aem_rtc_is_local(void);

#endif

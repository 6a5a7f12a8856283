/* The aem command: the verbs main.c dispatches (one cmd_<verb>.c each) and
 * the helpers they share, all named aem_cli_*. A command includes this
 * header and the library rooms' headers, never another command. Helpers
 * print ("who: why") and return an exit status of exitcode.h unless they
 * say otherwise; the libraries below never print. */
#ifndef AEM_CLI_H
#define AEM_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitcode.h"
#include "lifecycle.h"
#include "otp.h"
#include "pcr.h"
#include "tpm.h"

/* The verbs (argv[0] is the verb); each returns an exit status. */
int cmd_version(int argc, char **argv);
int cmd_totp(int argc, char **argv);
int cmd_seal(int argc, char **argv);
int cmd_unseal(int argc, char **argv);
int cmd_pcrs(int argc, char **argv);
int cmd_tpm_setup(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_secret(int argc, char **argv);
int cmd_reseal(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_grub_config(int argc, char **argv);
int cmd_boot_unseal(int argc, char **argv);
int cmd_mfa(int argc, char **argv);

/* --- cli.c: exit statuses, secret entry, the TPM ------------------------- */

/* The exit status for an error code of err.h. */
int aem_cli_exit(int err);
/* A password: from environment variable env when set (tests, scripts),
 * else from /dev/tty with echo off, twice when confirm. Returns its length
 * (0: the user typed nothing) or -1 (no terminal, too long, the two entries
 * differ); buf is wiped on -1. */
int aem_cli_ask_password(const char *env, const char *prompt, int confirm, char *buf, size_t len);
/* A PIN from env AEM_PIN (tests) or the terminal without echo, twice when
 * confirm. Returns the length, or -1 (buf is wiped). */
int aem_cli_read_pin(const char *prompt, int confirm, char *buf, size_t len);
/* The TPM 1.2 SRK password from the terminal, no echo; for
 * aem_tpm12_set_srk_prompt. Returns the length, or -1 (nothing typed). */
int aem_cli_srk_prompt(char *buf, size_t len);
/* Print "who: <sentence>[: <TPM detail>]" for an error code (t NULL: why the
 * last open failed). */
void aem_cli_report_tpm_error(struct aem_tpm *t, int err, const char *who);
/* Open the TPM for a verb (who: "aem seal" ...): the TPM 1.2 SRK password may be
 * asked on the terminal; a failure is reported with why the open failed.
 * Returns 0 or an error code of err.h; *t is NULL on failure. */
int aem_cli_tpm_open(const char *tcti, const char *who, struct aem_tpm **t);
/* The otpauth URI of key (label NULL: the host name; issuer NULL: "AEM") into
 * uri; 0, or AEM_EXIT_USAGE after saying why (prefixed with who). */
int aem_cli_totp_uri(const char *label, const char *issuer, enum aem_disp_otp_alg alg,
		     unsigned digits, unsigned period, const uint8_t *key, size_t len, char *uri,
		     size_t urisz, const char *who);

/* --- cli_evlog.c: the event log of log / predict / verify / seal / unseal -- */

struct aem_evlog;
/* Read and parse one TXT event log, or the per-bank Intel legacy logs of one
 * launch; prints why on failure and returns an error code of err.h. */
int aem_cli_load_evlog(char *const *paths, int n, struct aem_evlog *log);
/* The same for --live (the platform's live log; save: NULL, or a file to copy
 * the raw log to) or the files. Returns an exit status (0 ok). */
int aem_cli_load_evlog_src(const char *verb, char *const *paths, int n, int live,
			   const char *save, struct aem_evlog *log);

/* --- cli_seal.c: the PCR target of the verbs that seal (seal, totp, mfa) -- */

struct aem_cli_sealopts {
	const char *expect, *tcti;
	enum aem_bank bank;
	aem_pcr_mask mask;
	int pin, allow_unmeasured;
};

/* getopt_long entries for the options above (short codes 0x300..0x306). */
#define AEM_CLI_SEALOPTS_LONG                                                          \
	{ "pcrs", required_argument, NULL, 0x300 }, { "bank", required_argument, NULL, 0x301 }, \
	{ "expect", required_argument, NULL, 0x302 }, { "pin", no_argument, NULL, 0x303 },      \
	{ "tcti", required_argument, NULL, 0x304 }, { "tpm", required_argument, NULL, 0x305 },  \
	{ "allow-unmeasured", no_argument, NULL, 0x306 }

#define AEM_CLI_SEALOPTS_HELP                                                               \
	"  --pcrs LIST --bank NAME --expect FILE --pin --tcti SPEC --tpm 1.2|2.0\n"          \
	"  --allow-unmeasured   what to seal to and with what, exactly as for aem seal\n"

/* Handle option c (with arg): 1 when it was one of ours, 0 when not, -1 on a
 * bad value (printed, prefixed with who). */
int aem_cli_sealopts_take(struct aem_cli_sealopts *o, int c, const char *arg, const char *who);
/* The family defaults: sha256 / 13,17,18 on TPM 2.0, sha1 / 13,17,18,19 on 1.2. */
void aem_cli_sealopts_defaults(struct aem_cli_sealopts *o, const struct aem_tpm *t);
/* The values to seal to: --expect FILE (PCRs it lacks read live), else the
 * live PCRs; refuses an unmeasured state unless --allow-unmeasured. Returns
 * an error code of err.h (reported). */
int aem_cli_sealopts_values(struct aem_tpm *t, const struct aem_cli_sealopts *o,
			    struct aem_pcr_values *v, const char *who);
/* Read the live values of expect's selection and print "PCR n differs:
 * sealed X, now Y" for each PCR that differs. */
void aem_cli_report_pcr_mismatch(struct aem_tpm *t, const struct aem_pcr_values *expect,
				 const char *who);

/* --- cli_lc.c: the lifecycle verbs (install, secret, reseal, update, revoke,
 * status, boot-unseal, grub-config) ----------------------------------------- */

/* aem_lc_open with the error printed as "aem VERB: ..."; an exit status. */
int aem_cli_lc_open(struct aem_lc *lc, const char *verb, const char *conf, const char *tcti,
		    bool need_id);
/* Exit status for an engine error, after printing "aem VERB: why". */
int aem_cli_lc_fail(const char *verb, const struct aem_lc *lc, int err);
/* The media to act on: just suffix (when not NULL), else every enrolled one.
 * Prints and returns an exit status when there is none. */
int aem_cli_lc_media(const char *verb, const char *suffix, char ***list, size_t *n);
/* "aem<suffix>" for messages. */
const char *aem_cli_lc_label(const char *suffix, char *buf, size_t len);

#define AEM_CLI_MAX_LUKS 16

/* The options of aem reseal and aem update. */
struct aem_cli_lc_opts {
	const char *suffix, *conf, *tcti;
	const char *luks[AEM_CLI_MAX_LUKS];
	struct aem_lc_src src;
	bool force;   /* reseal: seal even though this boot differs from the recorded update */
};
/* Parse them (update: also --grub-cfg --entry --boot-dir; reseal: --force); 0, -1 after
 * --help, else an exit status. */
int aem_cli_lc_parse(int argc, char **argv, struct aem_cli_lc_opts *o, const char *help,
		     int update);
/* Seal every secret to v as each selected media's pending bundle (expect: the
 * sidecar document, or NULL) and say what was done. */
int aem_cli_lc_seal_all(const char *verb, struct aem_lc *lc, const struct aem_cli_lc_opts *o,
			const struct aem_pcr_values *v, const char *expect);

/* The TPM 2.0 storage root key's name that aem tpm-setup recorded
 * ($AEM_STATE_DIR/tpm2-srk.name, hex), given to libaemtpm to check before
 * any session is salted with the key (aem_tpm_expect_srk_name). Nothing
 * recorded (TPM 1.2, or no tpm-setup yet): nothing checked. */
#define AEM_CLI_SRK_NAME_FILE "tpm2-srk.name"
void aem_cli_load_srk_name(void);

#endif

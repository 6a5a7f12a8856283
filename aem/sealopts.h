/* Front-end helpers shared by the verbs that seal something of their own
 * (aem totp init/reseal, aem mfa enroll): the PCR-target options of
 * `aem seal` (--pcrs --bank --expect --pin --tcti --tpm --allow-unmeasured),
 * the values they select, password entry, and the PCR-mismatch report.
 * These print (they are CLI code); the libraries below never do. */
#ifndef AEM_SEALOPTS_H
#define AEM_SEALOPTS_H

#include <getopt.h>
#include <stddef.h>

#include "pcr.h"
#include "tpm.h"

struct aem_sealopts {
	const char *expect, *tcti;
	enum aem_bank bank;
	aem_pcr_mask mask;
	int pin, allow_unmeasured;
};

/* getopt_long entries for the options above (short codes 0x300..0x306). */
#define AEM_SEALOPTS_LONG                                                          \
	{ "pcrs", required_argument, NULL, 0x300 }, { "bank", required_argument, NULL, 0x301 }, \
	{ "expect", required_argument, NULL, 0x302 }, { "pin", no_argument, NULL, 0x303 },      \
	{ "tcti", required_argument, NULL, 0x304 }, { "tpm", required_argument, NULL, 0x305 },  \
	{ "allow-unmeasured", no_argument, NULL, 0x306 }

#define AEM_SEALOPTS_HELP                                                                   \
	"  --pcrs LIST --bank NAME --expect FILE --pin --tcti SPEC --tpm 1.2|2.0\n"          \
	"  --allow-unmeasured   what to seal to and with what, exactly as for aem seal\n"

/* Handle option c (with arg): 1 when it was one of ours, 0 when not, -1 on a
 * bad value (printed, prefixed with who). */
int aem_sealopts_take(struct aem_sealopts *o, int c, const char *arg, const char *who);
/* The family defaults: sha256 / 13,17,18 on TPM 2.0, sha1 / 13,17,18,19 on 1.2. */
void aem_sealopts_defaults(struct aem_sealopts *o, const struct aem_tpm *t);
/* The values to seal to: --expect FILE (PCRs it lacks read live), else the
 * live PCRs; refuses an unmeasured state unless --allow-unmeasured. */
int aem_sealopts_values(struct aem_tpm *t, const struct aem_sealopts *o, struct aem_pcr_values *v,
			const char *who);
/* Read the live values of expect's selection and print "PCR n differs:
 * sealed X, now Y" for each PCR that differs. */
void aem_report_pcr_mismatch(struct aem_tpm *t, const struct aem_pcr_values *expect,
			     const char *who);
/* A password: from environment variable env when set (tests, scripts),
 * else from /dev/tty with echo off, twice when confirm. Returns its length
 * (0: the user typed nothing) or -1 (no terminal, too long, the two entries
 * differ); buf is wiped on -1. */
int aem_ask_password(const char *env, const char *prompt, int confirm, char *buf, size_t len);
/* Print "who: <sentence>[: <TPM detail>]" for an AEM_TPM_E_* code. */
void aem_report_tpm_error(struct aem_tpm *t, int err, const char *who);
/* Open the TPM for a verb (who: "aem seal" ...): the TPM 1.2 SRK password may be
 * asked on the terminal; a failure is reported with why the open failed.
 * Returns 0 or an AEM_TPM_E_* code; *t is NULL on failure. */
int aem_cli_tpm_open(const char *tcti, const char *who, struct aem_tpm **t);

#endif

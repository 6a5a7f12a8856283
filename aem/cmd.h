/* The aem subcommands: one file each (cmd_<name>.c), dispatched by main.c.
 * Each returns a process exit status from exitcode.h. */
#ifndef AEM_CMD_H
#define AEM_CMD_H

#include <stddef.h>

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
/* tpm_setup_nv.c: the identity half of aem tpm-setup; prints, returns an exit status. */
struct aem_tpm;
int aem_cmd_tpm_setup_nv(struct aem_tpm *t);

/* Shared by log/predict/verify (cmd_log.c): read and parse one TXT event log, or the
 * per-bank Intel legacy logs of one launch; prints why on failure. */
struct aem_evlog;
int aem_cmd_load_evlog(char *const *paths, int n, struct aem_evlog *log);
/* The same for --live (TXT heap; save: NULL, or a file to copy the raw log to) or the
 * files; prints why on failure. Returns an exit status (0 ok). */
int aem_cmd_load_evlog_src(const char *verb, char *const *paths, int n, int live,
			   const char *save, struct aem_evlog *log);

/* Shared by the TPM verbs (cmd_seal.c): exit status for an AEM_TPM_E_* code;
 * read a PIN from env AEM_PIN (tests) or the terminal without echo, twice
 * when confirm is set. Returns the length, or -1 (buf is wiped). */
int aem_exit_from_tpm(int err);
int aem_read_pin(const char *prompt, int confirm, char *buf, size_t len);
/* cmd_tpm_setup.c: the TPM 1.2 SRK password from the terminal, no echo; for
 * aem_tpm12_set_srk_prompt. Returns the length, or -1 (nothing typed). */
int aem_srk_prompt(char *buf, size_t len);

#endif

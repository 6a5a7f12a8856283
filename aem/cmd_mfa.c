/* aem mfa enroll | unlock: the multi-factor LUKS key file (mfa.h).
 *   enroll: new 64-byte key, boxed under a password, added to a LUKS2
 *           keyslot with an existing passphrase; the box is kept as the
 *           luks-key secret of the state (the lifecycle seals it into the
 *           media's bundle; aem-boot asks the password), or with --out
 *           sealed to the PCRs on its own into FILE.
 *   unlock: unseal + password, then activate the device through
 *           libcryptsetup (--name), only check it (--test), or write the key
 *           for rd.luks.key (--key-out). An empty password falls back. */
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "config.h"
#include "mfa.h"
#include "pwbox.h"
#include "state.h"

#include "disp_err.h"
#include "plymouth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#define WHO "aem mfa"
#define PW_MAX 256

static const char mfa_help[] =
	"usage: aem mfa enroll --device LUKS2 [--out FILE [seal options]]\n"
	"       aem mfa unlock --in FILE --device LUKS2 (--name NAME | --test | --key-out F)\n"
	"                      [--plymouth] [--tcti SPEC] [--tpm 1.2|2.0]\n"
	"  the password: env AEM_MFA_PASSWORD, plymouth (--plymouth) or the terminal;\n"
	"  the existing LUKS passphrase (enroll): env AEM_LUKS_PASSPHRASE or the terminal.\n"
	"  unlock with an empty password exits 1 at once: fall back to the passphrase.\n"
	"  enroll without --out keeps the password box as the secret 'luks-key' in\n"
	"  $AEM_STATE_DIR/secrets: aem reseal / aem update seal it into the media's\n"
	"  bundle and aem-boot asks for the password after showing the secret.\n"
	"  With --out the box is sealed to the PCRs on its own (for aem mfa unlock).\n"
	AEM_CLI_SEALOPTS_HELP;

struct mfa_opts {
	struct aem_cli_sealopts so;
	const char *in, *out, *device, *name, *key_out;
	int test, plymouth;
};

static int parse(int argc, char **argv, struct mfa_opts *o)
{
	static const struct option lo[] = {
		{ "in", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' }, { "name", required_argument, NULL, 'n' },
		{ "key-out", required_argument, NULL, 'k' }, { "test", no_argument, NULL, 't' },
		{ "plymouth", no_argument, NULL, 'y' }, { "help", no_argument, NULL, 'h' },
		AEM_CLI_SEALOPTS_LONG, { NULL, 0, NULL, 0 },
	};
	int c, r;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		r = aem_cli_sealopts_take(&o->so, c, optarg, WHO);
		if (r < 0)
			return AEM_EXIT_USAGE;
		if (r)
			continue;
		switch (c) {
		case 'i': o->in = optarg; break;
		case 'o': o->out = optarg; break;
		case 'd': o->device = optarg; break;
		case 'n': o->name = optarg; break;
		case 'k': o->key_out = optarg; break;
		case 't': o->test = 1; break;
		case 'y': o->plymouth = 1; break;
		case 'h': fputs(mfa_help, stdout); return -1;
		default: fputs(mfa_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind != argc || !o->device)
		return fprintf(stderr, WHO ": --device is required\n%s", mfa_help), AEM_EXIT_USAGE;
	return 0;
}

static int finish(struct aem_tpm *t, int err)
{
	if (err && err != AEM_TPM_E_UNMEASURED && err != AEM_TPM_E_PCR_MISMATCH)
		aem_cli_report_tpm_error(t, err, WHO);
	aem_tpm_close(t);
	return aem_cli_exit(err);
}

/* Seal and enrol; the file is written only after the keyslot exists, and
 * the keyslot is removed again when the file cannot be written. */
/* Add key to a keyslot of the device, authorised by an existing passphrase
 * (env AEM_LUKS_PASSPHRASE or the terminal). */
static int enroll_key(const struct mfa_opts *o, const uint8_t key[AEM_MFA_KEY_LEN], int *slot)
{
	char old[PW_MAX];
	int n = aem_cli_ask_password("AEM_LUKS_PASSPHRASE", "Existing LUKS passphrase: ", 0, old,
				 sizeof(old));
	int err = n > 0 ? aem_mfa_enroll(o->device, old, (size_t)n, key, slot) : AEM_TPM_E_AUTH;

	explicit_bzero(old, sizeof(old));
	return err;
}

static int enroll_with(struct aem_tpm *t, const struct mfa_opts *o, const char *pw, size_t pw_len)
{
	uint8_t key[AEM_MFA_KEY_LEN], *file = NULL;
	size_t file_len = 0;
	char pin[PW_MAX];
	struct aem_pcr_values v;
	int pin_len = 0, slot = -1, err;

	err = aem_cli_sealopts_values(t, &o->so, &v, WHO);
	if (err)
		return err;
	if (o->so.pin && (pin_len = aem_cli_read_pin("PIN: ", 1, pin, sizeof(pin))) < 0)
		return AEM_E_INVAL;
	err = aem_mfa_create(t, &v, o->so.pin ? pin : NULL, (size_t)pin_len, pw, pw_len, key, &file,
			     &file_len);
	explicit_bzero(pin, sizeof(pin));
	if (!err)
		err = enroll_key(o, key, &slot);
	explicit_bzero(key, sizeof(key));
	if (!err && aem_file_write_atomic(o->out, file, file_len, 0600)) {
		aem_mfa_unenroll(o->device, slot);
		err = AEM_E_IO;
	}
	aem_buf_free(file, file_len);
	if (!err)
		fprintf(stderr, WHO ": key file enrolled into keyslot %d of %s; sealed in %s\n", slot,
			o->device, o->out);
	else if (err == AEM_TPM_E_AUTH)
		fprintf(stderr, WHO ": the existing passphrase opens no keyslot of %s\n", o->device);
	return err;
}

/* The lifecycle way: no TPM now (aem reseal / aem update seal the bundle);
 * the box goes into the state only after the keyslot exists, and the
 * keyslot is removed again when it cannot. */
static int enroll_state(const struct mfa_opts *o, const char *pw, size_t pw_len)
{
	uint8_t key[AEM_MFA_KEY_LEN], *box = NULL;
	size_t box_len = 0;
	int slot = -1, err = RAND_priv_bytes(key, sizeof(key)) == 1 ? 0 : AEM_E_CRYPTO;

	if (!err)
		err = aem_pwbox_seal(pw, pw_len, key, sizeof(key), &box, &box_len);
	if (!err)
		err = enroll_key(o, key, &slot);
	explicit_bzero(key, sizeof(key));
	if (!err && (err = aem_state_secret_write(AEM_ITEM_LUKS_KEY, box, box_len)) != 0) {
		aem_mfa_unenroll(o->device, slot);
		fprintf(stderr, WHO ": cannot write %s/secrets/" AEM_ITEM_LUKS_KEY ": %s (keyslot "
			"removed again)\n", aem_state_dir(), aem_strerror(err));
	}
	aem_buf_free(box, box_len);
	if (!err)
		printf("key enrolled into keyslot %d of %s; its password box kept as the secret '"
		       AEM_ITEM_LUKS_KEY "' in %s/secrets: run aem reseal (this boot) or aem update "
		       "(next boot) to seal it to the AEM media\n", slot, o->device, aem_state_dir());
	else if (err == AEM_TPM_E_AUTH)
		fprintf(stderr, WHO ": the existing passphrase opens no keyslot of %s\n", o->device);
	return err == AEM_TPM_E_AUTH ? AEM_EXIT_AUTH : err ? aem_cli_exit(err) : AEM_EXIT_OK;
}

static int cmd_enroll(struct mfa_opts *o)
{
	struct aem_tpm *t = NULL;
	char pw[PW_MAX];
	int n, err;

	n = aem_cli_ask_password("AEM_MFA_PASSWORD", "New boot password: ", 1, pw, sizeof(pw));
	if (n <= 0)
		return fprintf(stderr, WHO ": a password is required\n"), AEM_EXIT_USAGE;
	if (!o->out) {
		err = enroll_state(o, pw, (size_t)n);
		explicit_bzero(pw, sizeof(pw));
		return err;
	}
	err = aem_tpm_open(o->so.tcti, &t);
	if (!err) {
		aem_cli_sealopts_defaults(&o->so, t);
		err = enroll_with(t, o, pw, (size_t)n);
	}
	explicit_bzero(pw, sizeof(pw));
	return err == AEM_TPM_E_AUTH ? (aem_tpm_close(t), AEM_EXIT_AUTH) : finish(t, err);
}

/* The password: env, plymouth or the terminal; 0 = typed nothing. */
static int ask(const struct mfa_opts *o, char *pw, size_t len)
{
	size_t n = 0;

	if (o->plymouth && !getenv("AEM_MFA_PASSWORD"))
		return aem_disp_plymouth_ask_password("Boot password (empty: disk passphrase)", pw,
						      len, &n) ? -1 : (int)n;
	return aem_cli_ask_password("AEM_MFA_PASSWORD", "Boot password (Enter alone: disk passphrase): ",
				0, pw, len);
}

static int use_key(const struct mfa_opts *o, const uint8_t key[AEM_MFA_KEY_LEN])
{
	int slot = -1, err;

	if (o->key_out) {
		err = aem_mfa_write_keyfile(o->key_out, key);
		if (err)
			fprintf(stderr, WHO ": cannot create %s (it must not exist yet)\n", o->key_out);
		return err;
	}
	err = aem_mfa_activate(o->device, o->test ? NULL : o->name, key, &slot);
	if (!err)
		fprintf(stderr, WHO ": keyslot %d of %s opened%s%s\n", slot, o->device,
			o->test ? "" : " as /dev/mapper/", o->test ? "" : o->name);
	else if (err == AEM_TPM_E_AUTH)
		fprintf(stderr, WHO ": the key file opens no keyslot of %s\n", o->device);
	return err;
}

static void report_mismatch(struct aem_tpm *t, const uint8_t *buf, size_t len)
{
	struct aem_sealed s;

	aem_cli_report_tpm_error(t, AEM_TPM_E_PCR_MISMATCH, WHO);
	if (aem_sealed_parse(buf, len, &s) == 0) {
		aem_cli_report_pcr_mismatch(t, &s.expect, WHO);
		aem_sealed_free(&s);
	}
}

static int needs_pin(const uint8_t *buf, size_t len)
{
	struct aem_sealed s;
	int pin = 0;

	if (aem_sealed_parse(buf, len, &s) == 0) {
		pin = !!(s.flags & AEM_SEALED_F_PIN);
		aem_sealed_free(&s);
	}
	return pin;
}

static int cmd_unlock(struct mfa_opts *o)
{
	struct aem_tpm *t = NULL;
	struct aem_pcr_values now;
	uint8_t key[AEM_MFA_KEY_LEN], *buf = NULL;
	size_t len = 0;
	char pw[PW_MAX], pin[PW_MAX];
	int n, pin_len = 0, err;

	if (!o->in || (!o->name && !o->test && !o->key_out))
		return fprintf(stderr, "%s", mfa_help), AEM_EXIT_USAGE;
	if (aem_file_read(o->in, AEM_SEALED_MAX_FILE, &buf, &len))
		return fprintf(stderr, WHO ": cannot read %s\n", o->in), AEM_EXIT_INPUT;
	n = ask(o, pw, sizeof(pw));
	if (n <= 0) {
		aem_buf_free(buf, len);
		fprintf(stderr, WHO ": no password: use the disk passphrase\n");
		return AEM_EXIT_FAIL;
	}
	err = aem_tpm_open(o->so.tcti, &t);
	if (!err && needs_pin(buf, len) && (pin_len = aem_cli_read_pin("PIN: ", 0, pin, sizeof(pin))) < 0)
		err = AEM_TPM_E_AUTH;
	if (!err)
		err = aem_mfa_open(t, buf, len, pin_len > 0 ? pin : NULL, pin_len > 0 ? (size_t)pin_len : 0,
				   pw, (size_t)n, key, &now);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(pin, sizeof(pin));
	if (!err)
		err = use_key(o, key);
	explicit_bzero(key, sizeof(key));
	if (err == AEM_TPM_E_AUTH) {
		fprintf(stderr, WHO ": wrong password (or the key file does not fit)\n");
		aem_buf_free(buf, len);
		aem_tpm_close(t);
		return AEM_EXIT_AUTH;
	}
	if (err == AEM_TPM_E_PCR_MISMATCH)
		report_mismatch(t, buf, len);
	aem_buf_free(buf, len);
	return finish(t, err);
}

int cmd_mfa(int argc, char **argv)
{
	struct mfa_opts o;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(mfa_help, sub ? stdout : stderr);
		return sub ? AEM_EXIT_OK : AEM_EXIT_USAGE;
	}
	if (strcmp(sub, "enroll") && strcmp(sub, "unlock"))
		return fprintf(stderr, WHO ": unknown sub-command '%s'\n%s", sub, mfa_help),
		       AEM_EXIT_USAGE;
	rc = parse(argc - 1, argv + 1, &o);
	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	return !strcmp(sub, "enroll") ? cmd_enroll(&o) : cmd_unlock(&o);
}

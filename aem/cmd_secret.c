/* aem secret: the plaintext secrets live only in the state directory
 * (/var/lib/aem/secrets, root-only); the media only ever holds them sealed. */
#include "cli.h"
#include "config.h"
#include "err.h"
#include "fileio.h"
#include "mfa.h"
#include "pwbox.h"
#include "state.h"

#include "totp_item.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TTY_MAX 256

static const char secret_help[] =
	"usage: aem secret set [--name NAME] [--file FILE|- | --text TEXT]\n"
	"       aem secret list\n"
	"Keep a secret (default name \"secret\"; [a-z0-9_-]) in $AEM_STATE_DIR/secrets\n"
	"(/var/lib/aem). It reaches the media only sealed: run aem reseal or aem update.\n"
	"Without --file or --text the text is typed on the terminal (no echo, twice), or\n"
	"read from standard input when that is not a terminal. --text puts the secret on\n"
	"the command line, which every user of this machine can read in /proc: avoid it.\n"
	"Two names are not text: \"totp\" (written by aem totp init) and \"luks-key\"\n"
	"(written by aem mfa enroll); set by hand, they must hold that binary form.\n";

/* The items the boot program reads as binary must parse: refuse anything
 * else here rather than show nothing at the next boot. */
static int check_item(const char *name, const uint8_t *buf, size_t len)
{
	struct aem_disp_totp_item t;
	struct aem_pwbox b;

	if (!strcmp(name, AEM_ITEM_TOTP) && aem_disp_totp_item_parse(buf, len, &t)) {
		fprintf(stderr, "aem secret: this is not a totp item (docs/totp.md, \"The totp bundle "
			"item\"): use aem totp init, or another --name for a text\n");
		return -1;
	}
	if (!strcmp(name, AEM_ITEM_LUKS_KEY) &&
	    (aem_pwbox_parse(buf, len, &b) || b.ct_len != AEM_MFA_KEY_LEN)) {
		fprintf(stderr, "aem secret: this is not a luks-key item (the password box of a "
			"64-byte key, docs/multifactor.md): use aem mfa enroll, or another --name\n");
		return -1;
	}
	return 0;
}

static int secret_set(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "name", required_argument, NULL, 'n' }, { "text", required_argument, NULL, 't' },
		{ "file", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = "secret", *text = NULL, *file = NULL;
	char typed[TTY_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 't': text = optarg; break;
		case 'f': file = optarg; break;
		case 'h': fputs(secret_help, stdout); return AEM_EXIT_OK;
		default: fputs(secret_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if ((text && file) || optind != argc || !aem_bundle_name_ok(name))
		return fputs(secret_help, stderr), AEM_EXIT_USAGE;
	if (!text && !file && isatty(STDIN_FILENO)) {
		/* Typed, not shown: the secret is what the boot shows, and only then. */
		rc = aem_cli_ask_password(NULL, "Secret text (not shown): ", 1, typed, sizeof(typed));
		if (rc <= 0) {
			explicit_bzero(typed, sizeof(typed));
			fprintf(stderr, "aem secret: %s: nothing kept\n", rc == 0 ? "nothing typed" :
				"no terminal, the entries differ, or more than 255 bytes");
			return AEM_EXIT_INPUT;
		}
		text = typed;
	} else if (!text && !file) {
		file = "-";
	}
	if (file) {
		rc = aem_file_read(file, AEM_BUNDLE_MAX_SECRET, &buf, &len);
		if (rc) {
			fprintf(stderr, "aem secret: cannot read %s: %s\n",
				strcmp(file, "-") ? file : "standard input", aem_strerror(rc));
			return AEM_EXIT_INPUT;
		}
	}
	if (check_item(name, file ? buf : (const uint8_t *)text, file ? len : strlen(text))) {
		aem_buf_free(buf, len);
		explicit_bzero(typed, sizeof(typed));
		return AEM_EXIT_INPUT;
	}
	rc = aem_state_secret_write(name, file ? buf : (const uint8_t *)text,
				    file ? len : strlen(text));
	aem_buf_free(buf, len);
	explicit_bzero(typed, sizeof(typed));
	if (rc) {
		fprintf(stderr, "aem secret: cannot write %s/secrets/%s: %s\n", aem_state_dir(), name,
			aem_strerror(rc));
		return AEM_EXIT_IO;
	}
	printf("secret '%s' kept in %s/secrets: run aem reseal (this boot) or aem update "
	       "(next boot) to seal it to the media\n", name, aem_state_dir());
	return AEM_EXIT_OK;
}

int cmd_secret(int argc, char **argv)
{
	char **names = NULL;
	size_t n = 0;

	if (argc >= 2 && !strcmp(argv[1], "set"))
		return secret_set(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		if (aem_state_secret_list(&names, &n))
			return fprintf(stderr, "aem secret: cannot list %s/secrets\n", aem_state_dir()),
			       AEM_EXIT_IO;
		for (size_t i = 0; i < n; i++)
			printf("%s\n", names[i]);
		aem_state_free_list(names, n);
		return AEM_EXIT_OK;
	}
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return fputs(secret_help, stdout), AEM_EXIT_OK;
	fputs(secret_help, stderr);
	return AEM_EXIT_USAGE;
}

/* aem — the Anti Evil Maid command: the verb table and dispatch only; each verb
 * lives in cmd_<verb>.c (docs/architecture.md). */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/prctl.h>

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "seal", cmd_seal, "seal a secret to PCR values (aem seal --help)" },
	{ "unseal", cmd_unseal, "unseal a secret sealed by aem seal" },
	{ "pcrs", cmd_pcrs, "print PCR values of the TPM" },
	{ "tpm-setup", cmd_tpm_setup, "create the storage root key aem seals under" },
	{ "doctor", cmd_doctor, "can this machine run AEM? lint coreboot configs (aem doctor --help)" },
	{ "version", cmd_version, "print the version" },
	{ "log", cmd_log, "print a TXT event log and its replayed PCRs (aem log --help)" },
	{ "predict", cmd_predict, "predict the next boot's DRTM PCRs (aem predict --help)" },
	{ "verify", cmd_verify, "name the first event of a TXT log that differs from a prediction" },
	{ "totp", cmd_totp, "TOTP secret: otpauth URI, QR code, codes (aem totp --help)" },
	{ "mfa", cmd_mfa, "multi-factor LUKS key file: TPM + password (aem mfa --help)" },
	{ "install", cmd_install, "enrol AEM media (device or directory) for this TPM" },
	{ "secret", cmd_secret, "keep a secret to seal (aem secret set --text ...)" },
	{ "reseal", cmd_reseal, "seal every secret to THIS boot (pending file)" },
	{ "update", cmd_update, "seal every secret to the predicted next boot, before rebooting" },
	{ "revoke", cmd_revoke, "revoke AEM media by suffix (or --all)" },
	{ "status", cmd_status, "what is sealed to what; is the next boot resealed?" },
	{ "grub-config", cmd_grub_config, "print GRUB entries for an AEM boot" },
	{ "boot-unseal", cmd_boot_unseal, "boot path: unseal the media, check freshness, rotate" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: aem VERB [OPTIONS]   (aem VERB --help for a verb's options)\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].help);
}

/* Secrets pass through this process: no core dumps, no ptrace by others. */
static void harden(void)
{
	struct rlimit none = { 0, 0 };

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
	harden();
	if (argc < 2) {
		usage(stderr);
		return AEM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return AEM_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	/* The salt key every verb checks, except the one that records it. */
	if (strcmp(argv[1], "tpm-setup"))
		aem_cli_load_srk_name();
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "aem: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return AEM_EXIT_USAGE;
}

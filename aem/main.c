/* aem — the Anti Evil Maid command: verb dispatch only; each verb lives in cmd_<verb>.c. */
#include "cmd.h"
#include "exitcode.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/prctl.h>

#define AEM_VERSION "0.1.0"

static const struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "doctor", cmd_doctor, "can this machine run AEM? lint coreboot configs (aem doctor --help)" },
	{ "totp", cmd_totp, "TOTP secret: otpauth URI, QR code, codes (aem totp --help)" },
	{ "version", cmd_version, "print the version" },
};

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("aem %s\n", AEM_VERSION);
	return AEM_EXIT_OK;
}

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
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "aem: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return AEM_EXIT_USAGE;
}

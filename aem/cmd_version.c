/* aem version: the version of this build and the source commit it was made
 * from, both given by the build (Makefile: the file VERSION, and git's commit
 * or the COMMIT file of a release tarball), so that a user can match a binary
 * to its source and rebuild it bit for bit (docs/install.md). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#ifndef AEM_VERSION
#error "AEM_VERSION is defined by the Makefile (from the file VERSION)"
#endif
#ifndef AEM_COMMIT
#define AEM_COMMIT "unknown"
#endif

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: aem version | aem --version\n"
		       "Print the version and the source commit this program was built from.\n");
		return AEM_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "aem version: takes no arguments (got '%s')\n", argv[1]);
		return AEM_EXIT_USAGE;
	}
	printf("aem %s\ncommit %s\n", AEM_VERSION, AEM_COMMIT);
	return AEM_EXIT_OK;
}

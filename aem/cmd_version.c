/* aem version: the version of this build. */
#include "cli.h"

#include <stdio.h>

#define AEM_VERSION "0.1.0"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("aem %s\n", AEM_VERSION);
	return AEM_EXIT_OK;
}

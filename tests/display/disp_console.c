/* Test tool: run the console display helper on this terminal.
 *
 *   disp_console TITLE TEXTFILE     show the file's text
 *   disp_console TITLE --none       the same frame with nothing to show
 *
 * Exit status 0 when aem_disp_console_show succeeded. */
#include "console.h"
#include "disp_err.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char text[4096] = "";
	size_t n = 0;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: disp_console TITLE TEXTFILE|--none\n");
		return 2;
	}
	if (strcmp(argv[2], "--none")) {
		FILE *f = fopen(argv[2], "r");

		if (!f) {
			perror(argv[2]);
			return 1;
		}
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
	}
	rc = aem_disp_console_show(0, 1, argv[1], n ? text : NULL);
	explicit_bzero(text, sizeof(text));
	if (rc) {
		fprintf(stderr, "disp_console: %s\n", aem_disp_strerror(rc));
		return 1;
	}
	return 0;
}

/* tpm12-nv — test tooling: NV write/read through libaemtpm's facade on the
 * TPM 1.2 backend (spec "tcsd:"), so tests can check it against tpm-tools'
 * tpm_nvread / tpm_nvinfo.
 *   tpm12-nv write INDEX FILE     (defines the index on first write)
 *   tpm12-nv read INDEX SIZE      raw bytes to stdout */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tpm.h"

static int do_write(struct aem_tpm *t, uint32_t index, const char *path)
{
	uint8_t buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return AEM_E_IO;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return aem_tpm_nv_write(t, index, NULL, buf, n);
}

static int do_read(struct aem_tpm *t, uint32_t index, size_t size)
{
	uint8_t buf[4096];
	int err;

	if (size > sizeof(buf))
		return AEM_E_INVAL;
	err = aem_tpm_nv_read(t, index, NULL, buf, size);
	if (!err && fwrite(buf, 1, size, stdout) != size)
		err = AEM_E_IO;
	return err;
}

int main(int argc, char **argv)
{
	struct aem_tpm *t = NULL;
	uint32_t index;
	int err;

	if (argc != 4 || (strcmp(argv[1], "write") && strcmp(argv[1], "read"))) {
		fprintf(stderr, "usage: tpm12-nv write INDEX FILE | read INDEX SIZE\n");
		return 2;
	}
	index = (uint32_t)strtoul(argv[2], NULL, 0);
	err = aem_tpm_open("tcsd:", &t);
	if (!err)
		err = !strcmp(argv[1], "write") ? do_write(t, index, argv[3])
						: do_read(t, index, (size_t)strtoul(argv[3], NULL, 0));
	if (err)
		fprintf(stderr, "tpm12-nv: %s%s%s\n", aem_strerror(err), t ? ": " : "",
			t ? aem_tpm_last_detail(t) : "");
	aem_tpm_close(t);
	return err ? 1 : 0;
}

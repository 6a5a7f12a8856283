/* tpm12-nv — test tooling: NV write/read through libaemtpm's facade on the
 * TPM 1.2 backend (spec "tcsd:"), so tests can check it against tpm-tools'
 * tpm_nvread / tpm_nvinfo.
 *   tpm12-nv write INDEX FILE [KEYHEX]   (owner kind: defined on first write;
 *                                         with KEYHEX: the keyed kind)
 *   tpm12-nv read INDEX SIZE [KEYHEX]    raw bytes to stdout
 *   tpm12-nv define INDEX SIZE KEYHEX    define the keyed kind (owner-authorized) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "pcr.h"
#include "tpm.h"

static const uint8_t *key_arg(int argc, char **argv, int i, uint8_t key[AEM_TPM_NV_KEY_LEN])
{
	return i < argc && !aem_unhex(argv[i], key, AEM_TPM_NV_KEY_LEN) ? key : NULL;
}

static int do_write(struct aem_tpm *t, uint32_t index, const char *path, const uint8_t *key)
{
	uint8_t buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return AEM_E_IO;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return aem_tpm_nv_write(t, index, key, buf, n);
}

static int do_read(struct aem_tpm *t, uint32_t index, size_t size, const uint8_t *key)
{
	uint8_t buf[4096];
	int err;

	if (size > sizeof(buf))
		return AEM_E_INVAL;
	err = aem_tpm_nv_read(t, index, key, buf, size);
	if (!err && fwrite(buf, 1, size, stdout) != size)
		err = AEM_E_IO;
	return err;
}

int main(int argc, char **argv)
{
	struct aem_tpm *t = NULL;
	uint8_t kb[AEM_TPM_NV_KEY_LEN];
	const uint8_t *key;
	uint32_t index;
	int err;

	if (argc < 4 || argc > 5 || (strcmp(argv[1], "write") && strcmp(argv[1], "read") &&
				     strcmp(argv[1], "define"))) {
		fprintf(stderr, "usage: tpm12-nv write INDEX FILE [KEYHEX] | read INDEX SIZE [KEYHEX] "
			"| define INDEX SIZE KEYHEX\n");
		return 2;
	}
	index = (uint32_t)strtoul(argv[2], NULL, 0);
	key = key_arg(argc, argv, 4, kb);
	if (argc == 5 && !key)
		return fprintf(stderr, "tpm12-nv: KEYHEX: 64 hex digits\n"), 2;
	err = aem_tpm_open("tcsd:", &t);
	if (!err && !strcmp(argv[1], "define"))
		err = key ? aem_tpm_nv_define(t, index, key, (size_t)strtoul(argv[3], NULL, 0))
			  : AEM_E_INVAL;
	else if (!err && !strcmp(argv[1], "write"))
		err = do_write(t, index, argv[3], key);
	else if (!err)
		err = do_read(t, index, (size_t)strtoul(argv[3], NULL, 0), key);
	if (err)
		fprintf(stderr, "tpm12-nv: %s%s%s\n", aem_strerror(err), t ? ": " : "",
			t ? aem_tpm_last_detail(t) : "");
	aem_tpm_close(t);
	return err ? 1 : 0;
}

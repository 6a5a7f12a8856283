/* tspi-extend — test tooling: extend a TPM 1.2 PCR through trousers' libtspi
 * (Tspi_TPM_PcrExtend via tcsd; TSS_TCSD_HOSTNAME/PORT select it), as the
 * initramfs hook does with PCR 13. Not the product's code path.
 *   tspi-extend PCR HEX40      prints the new value "PCR hex" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trousers/tss.h>

static int unhex(const char *s, BYTE out[20])
{
	if (strlen(s) != 40)
		return -1;
	for (int i = 0; i < 20; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (BYTE)v;
	}
	return 0;
}

int main(int argc, char **argv)
{
	TSS_HCONTEXT ctx;
	TSS_HTPM tpm;
	TSS_RESULT r;
	BYTE digest[20], *val = NULL;
	UINT32 len = 0;

	if (argc != 3 || unhex(argv[2], digest)) {
		fprintf(stderr, "usage: tspi-extend PCR HEX40\n");
		return 2;
	}
	if ((r = Tspi_Context_Create(&ctx)) || (r = Tspi_Context_Connect(ctx, NULL)) ||
	    (r = Tspi_Context_GetTpmObject(ctx, &tpm))) {
		fprintf(stderr, "tspi-extend: cannot reach tcsd: 0x%x\n", r);
		return 1;
	}
	r = Tspi_TPM_PcrExtend(tpm, (UINT32)atoi(argv[1]), sizeof(digest), digest, NULL, &len, &val);
	if (r) {
		fprintf(stderr, "tspi-extend: PcrExtend %s: 0x%x\n", argv[1], r);
		return 1;
	}
	printf("%s ", argv[1]);
	for (UINT32 j = 0; j < len; j++)
		printf("%02x", val[j]);
	printf("\n");
	Tspi_Context_Close(ctx);
	return 0;
}

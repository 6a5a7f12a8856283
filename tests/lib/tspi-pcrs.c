/* tspi-pcrs — test tooling: print TPM 1.2 PCR values as read by trousers'
 * libtspi (Tspi_TPM_PcrRead through tcsd; TSS_TCSD_HOSTNAME/PORT select it).
 *   tspi-pcrs PCR...      one "PCR hex" line each
 *   tspi-pcrs --ping      exit 0 once tcsd serves a TSS context (works on a
 *                         disabled TPM too, which refuses PCR reads) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trousers/tss.h>

int main(int argc, char **argv)
{
	TSS_HCONTEXT ctx;
	TSS_HTPM tpm;
	TSS_RESULT r;

	if (argc < 2) {
		fprintf(stderr, "usage: tspi-pcrs PCR...\n");
		return 2;
	}
	if ((r = Tspi_Context_Create(&ctx)) || (r = Tspi_Context_Connect(ctx, NULL)) ||
	    (r = Tspi_Context_GetTpmObject(ctx, &tpm))) {
		fprintf(stderr, "tspi-pcrs: cannot reach tcsd: 0x%x\n", r);
		return 1;
	}
	if (!strcmp(argv[1], "--ping")) {
		Tspi_Context_Close(ctx);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		UINT32 len = 0;
		BYTE *val = NULL;

		r = Tspi_TPM_PcrRead(tpm, (UINT32)atoi(argv[i]), &len, &val);
		if (r) {
			fprintf(stderr, "tspi-pcrs: PcrRead %s: 0x%x\n", argv[i], r);
			return 1;
		}
		printf("%s ", argv[i]);
		for (UINT32 j = 0; j < len; j++)
			printf("%02x", val[j]);
		printf("\n");
		Tspi_Context_FreeMemory(ctx, val);
	}
	Tspi_Context_Close(ctx);
	return 0;
}

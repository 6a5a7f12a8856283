/* Test tool: print the policy digest aem computes offline for a sequence of
 * policy commands, for comparison with a TPM trial session (tpm2-tools).
 *
 *   policy-digest STEP...     STEP = pcr BANK LIST FILE | authvalue
 *
 * FILE holds the PCR values as tpm2_pcrread -o writes them (or aem's JSON).
 * Prints the 32-byte digest as lower-case hex. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fileio.h"
#include "policy.h"
#include "values.h"

static int step_pcr(uint8_t pol[AEM_POLICY_SIZE], const char *bank_s, const char *list, const char *file)
{
	struct aem_pcr_values v;
	enum aem_bank bank = aem_bank_from_name(bank_s);
	aem_pcr_mask mask;
	uint8_t *buf;
	size_t len;
	int rc;

	if (!bank || aem_pcr_mask_parse(list, &mask)) {
		fprintf(stderr, "policy-digest: bad bank or PCR list: %s %s\n", bank_s, list);
		return 1;
	}
	rc = aem_file_read(file, 1 << 20, &buf, &len);
	if (!rc) {
		rc = aem_values_parse(buf, len, bank, mask, &v);
		aem_buf_free(buf, len);
	}
	if (!rc)
		rc = aem_policy_pcr(pol, &v);
	if (rc)
		fprintf(stderr, "policy-digest: %s: %s\n", file, aem_strerror(rc));
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t pol[AEM_POLICY_SIZE];
	char hex[2 * AEM_POLICY_SIZE + 1];
	int i = 1;

	aem_policy_init(pol);
	while (i < argc) {
		if (strcmp(argv[i], "authvalue") == 0) {
			if (aem_policy_authvalue(pol))
				return 1;
			i++;
		} else if (strcmp(argv[i], "pcr") == 0 && i + 3 < argc) {
			if (step_pcr(pol, argv[i + 1], argv[i + 2], argv[i + 3]))
				return 1;
			i += 4;
		} else {
			fprintf(stderr, "usage: policy-digest [pcr BANK LIST FILE | authvalue]...\n");
			return 2;
		}
	}
	puts(aem_hex(pol, AEM_POLICY_SIZE, hex));
	return 0;
}

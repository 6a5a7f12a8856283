/* libFuzzer target: aem_pwbox_parse (the recovery copy and the multi-factor
 * key box) on arbitrary bytes. Whatever parses must describe a slice of the
 * input: ciphertext inside the buffer, running to its end, and parameters
 * within the documented limits. No password is tried (scrypt is slow by
 * design); tests/unit/test_mfa.c covers opening. */
#include <stdint.h>
#include <stdlib.h>

#include "pwbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_pwbox b;

	if (aem_pwbox_parse(data, size, &b))
		return 0;
	if (b.ct != data + AEM_PWBOX_OVERHEAD || b.ct_len + AEM_PWBOX_OVERHEAD != size ||
	    b.ct_len == 0 || b.ct_len > AEM_PWBOX_MAX_DATA)
		abort();
	if (b.log2n < AEM_PWBOX_LOG2N_MIN || b.log2n > AEM_PWBOX_LOG2N_MAX || b.r < 1 ||
	    b.r > AEM_PWBOX_R_MAX || b.p < 1 || b.p > AEM_PWBOX_P_MAX)
		abort();
	return 0;
}

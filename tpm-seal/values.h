/* Expected PCR values given to `aem seal --expect FILE`: either JSON (the
 * output of `aem predict`) or the binary file of `tpm2_pcrread -o`. */
#ifndef AEM_TPM_VALUES_H
#define AEM_TPM_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"

/* Parse buf into out for one bank and the PCRs in want.
 *   JSON: {"bank":"sha256","pcrs":{"17":"hex",...}, ...}; other keys are
 *     ignored, PCRs outside want are checked but not returned; "bank" may be
 *     omitted (then it is `bank`).
 *   binary (anything not starting with '{' after white space): the digests
 *     concatenated in ascending PCR order for want, exactly
 *     popcount(want) * aem_bank_size(bank) bytes, as `tpm2_pcrread -o` writes.
 * Returns 0 with out->mask == want. AEM_E_FORMAT when malformed or for
 * the other bank (out->mask 0), or when the file is well-formed but lacks PCRs
 * of want: then out->mask holds those present, so a caller may ask again for
 * them alone and fill the rest (e.g. 13) from the live TPM.
 * AEM_E_INVAL for a bad bank / want. */
int aem_values_parse(const uint8_t *buf, size_t len, enum aem_bank bank, aem_pcr_mask want,
		     struct aem_pcr_values *out);

/* 0 when v looks like the state after a measured launch; else
 * AEM_TPM_E_UNMEASURED with *bad_pcr set to the first suspicious PCR:
 * any selected PCR 17-22 all-FF (no DRTM ran), PCR 17 or 18 all-00 (never
 * extended), PCR 13 all-00 (the LUKS-header measurement did not happen).
 * PCRs 19-22 may read zero after a TPM 2.0 tboot launch and are accepted. */
int aem_tpm_check_measured(const struct aem_pcr_values *v, unsigned *bad_pcr);

#endif

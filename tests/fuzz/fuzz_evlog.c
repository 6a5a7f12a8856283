/* libFuzzer target: the TXT event-log parsers (all three families) and replay. */
#include <stddef.h>
#include <stdint.h>

#include "evlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*parsers[])(const uint8_t *, size_t, struct aem_evlog *) = {
		aem_evlog_parse, aem_evlog_parse_tpm12, aem_evlog_parse_legacy, aem_evlog_parse_tcg,
	};

	for (size_t p = 0; p < sizeof(parsers) / sizeof(parsers[0]); p++) {
		struct aem_evlog log = { 0 };

		if (parsers[p](data, size, &log) == 0) {
			for (unsigned b = 0; b < log.nbanks; b++) {
				struct aem_pcr_values v;

				aem_evlog_replay(&log, log.banks[b], log.n, &v);
			}
			(void)aem_evlog_find(&log, AEM_EV_TBOOT);
		}
		aem_evlog_free(&log);
	}
	return 0;
}

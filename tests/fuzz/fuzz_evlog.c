/* libFuzzer target: the event-log parsers (TXT families, TCG2, TrenchBoot AMD's TCG 1.2
 * header), replay, event naming, and the parser of Xen's "reserving event log" line. */
#include <stddef.h>
#include <stdint.h>

#include "evlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*parsers[])(const uint8_t *, size_t, struct aem_evlog *) = {
		aem_evlog_parse, aem_evlog_parse_tpm12, aem_evlog_parse_legacy, aem_evlog_parse_tcg,
		aem_evlog_parse_tcg12,
	};
	uint64_t base, end;
	bool found;

	for (size_t p = 0; p < sizeof(parsers) / sizeof(parsers[0]); p++) {
		struct aem_evlog log = { 0 };

		if (parsers[p](data, size, &log) == 0) {
			char name[80];

			for (unsigned b = 0; b < log.nbanks; b++) {
				struct aem_pcr_values v;

				aem_evlog_replay(&log, log.banks[b], log.n, &v);
			}
			(void)aem_evlog_find(&log, AEM_EV_TBOOT);
			for (size_t i = 0; i < log.n; i++) {
				(void)aem_evlog_event_name(&log, i, name, sizeof(name));
				(void)aem_evlog_event_name(&log, i, name, 4);
			}
		}
		aem_evlog_free(&log);
	}
	(void)aem_xen_slaunch_log_range((const char *)data, size, &found, &base, &end);
	return 0;
}

/* libFuzzer target: the sealed bundle and the NV freshness slot (aem/lifecycle/fresh.c),
 * and the aem.conf reader. A bundle that parses must build back to the same
 * bytes; a slot that parses must serialize back to a slot that parses alike. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "fileio.h"
#include "fresh.h"
#include "sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void bundle(const uint8_t *data, size_t size)
{
	struct aem_bundle b;
	uint8_t *out = NULL;
	size_t len = 0;

	if (aem_bundle_parse(data, size, &b))
		return;
	if (aem_bundle_build(&b, &out, &len) || len != size || memcmp(out, data, size))
		abort();
	aem_buf_free(out, len);
}

static void slot(const uint8_t *data, size_t size)
{
	struct aem_fresh_slot s, t;
	uint8_t out[AEM_FRESH_NV_SIZE];

	if (aem_fresh_slot_parse(data, size, &s))
		return;
	aem_fresh_slot_serialize(&s, out);
	if (aem_fresh_slot_parse(out, sizeof(out), &t) || memcmp(&s, &t, sizeof(s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aem_config c;
	char err[128];

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0: bundle(data + 1, size - 1); break;
	case 1: slot(data + 1, size - 1); break;
	default:
		aem_config_defaults(&c);
		aem_config_parse((const char *)data + 1, size - 1, &c, err, sizeof(err));
		break;
	}
	return 0;
}

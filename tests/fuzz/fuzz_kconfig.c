/* libFuzzer target: Kconfig files and the baseline syntax (aem/doctor/kconfig.c),
 * then a lint of the one against the other. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct aem_baseline bl;
	static struct aem_lint_result res[AEM_BL_MAX_RULES];
	struct aem_kconfig kc = { 0 };
	unsigned bad;

	if (aem_kconfig_parse(data, size, &kc, &bad) == 0 &&
	    aem_baseline_parse(data, size, &bl, &bad) == 0) {
		const struct aem_bl_board *b = aem_baseline_board_for(&bl, &kc);
		char expr[600];

		aem_lint(&bl, b, &kc, res);
		for (size_t i = 0; i < bl.nrules; i++)
			aem_bl_rule_expr(&bl.rules[i], expr, sizeof(expr));
	} else {
		aem_baseline_parse(data, size, &bl, &bad);
	}
	aem_kconfig_free(&kc);
	return 0;
}

/* Unit tests of tpm-seal/tpm2_rc.c: TPM 2.0 response codes -> AEM_TPM_E_*.
 * The numbers are written out from TPM 2.0 Part 2 (TPM_RC table: RC_VER1
 * 0x100, RC_FMT1 0x080, RC_WARN 0x900, handle/session/parameter numbers in
 * bits 8-11, P bit 0x040) and from the TSS layer numbers of tss2_common.h's
 * specification (TCTI layer 10, ESAPI 7, resource manager 12), not taken
 * from the macros the code uses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "tpm.h"

static void test_success(void **state)
{
	(void)state;
	assert_int_equal(aem_tpm2_rc_to_err(0), 0);
	assert_string_equal(aem_tpm2_rc_sentence(0), "success");
}

static void test_auth_and_lockout(void **state)
{
	(void)state;
	/* TPM_RC_AUTH_FAIL (0x08E) in session n carries N = 8 + n in bits 8-11:
	 * session 1 = 0x900 | 0x08E = 0x98E. */
	assert_int_equal(aem_tpm2_rc_to_err(0x98E), AEM_TPM_E_AUTH);
	assert_int_equal(aem_tpm2_rc_to_err(0xA8E), AEM_TPM_E_AUTH); /* session 2 */
	assert_int_equal(aem_tpm2_rc_to_err(0x9A2), AEM_TPM_E_AUTH); /* BAD_AUTH 0x0A2, session 1 */
	assert_int_equal(aem_tpm2_rc_to_err(0x921), AEM_TPM_E_LOCKOUT); /* RC_WARN + 0x021 */
	assert_non_null(strstr(aem_tpm2_rc_sentence(0x921), "lockout"));
	assert_non_null(strstr(aem_tpm2_rc_sentence(0x98E), "PIN"));
}

static void test_policy_and_pcr(void **state)
{
	(void)state;
	assert_int_equal(aem_tpm2_rc_to_err(0x99D), AEM_TPM_E_POLICY); /* POLICY_FAIL, session 1 */
	assert_int_equal(aem_tpm2_rc_to_err(0x128), AEM_TPM_E_PCR_MISMATCH); /* PCR_CHANGED */
	/* TPM_RC_VALUE on parameter 1: 0x084 | 0x040 (P) | 0x100 = 0x1C4. */
	assert_int_equal(aem_tpm2_rc_to_err(0x1C4), AEM_TPM_E_TPM);
	assert_non_null(strstr(aem_tpm2_rc_sentence(0x1C4), "PolicyPCR"));
}

static void test_handles_and_objects(void **state)
{
	(void)state;
	/* TPM_RC_HANDLE (0x08B) on handle 1 = 0x18B: nothing at that handle. */
	assert_int_equal(aem_tpm2_rc_to_err(0x18B), AEM_TPM_E_TPM);
	assert_non_null(strstr(aem_tpm2_rc_sentence(0x18B), "no such handle"));
	/* TPM_RC_INTEGRITY (0x09F) on parameter 1: 0x1DF -> damaged blob. */
	assert_int_equal(aem_tpm2_rc_to_err(0x1DF), AEM_E_FORMAT);
	assert_int_equal(aem_tpm2_rc_to_err(0x902), AEM_TPM_E_TPM); /* OBJECT_MEMORY */
	assert_int_equal(aem_tpm2_rc_to_err(0x100), AEM_TPM_E_NOTPM); /* INITIALIZE */
	assert_int_equal(aem_tpm2_rc_to_err(0x101), AEM_TPM_E_NOTPM); /* FAILURE */
	assert_int_equal(aem_tpm2_rc_to_err(0x120), AEM_TPM_E_DISABLED); /* DISABLED */
	assert_int_equal(aem_tpm2_rc_to_err(0x185), AEM_TPM_E_DISABLED); /* HIERARCHY, handle 1 */
	assert_int_equal(aem_tpm2_rc_to_err(0x2C3), AEM_E_UNSUPPORTED); /* HASH, parameter 2 */
	assert_int_equal(aem_tpm2_rc_to_err(0x1E6), AEM_E_UNSUPPORTED); /* CURVE, parameter 1 */
}

static void test_layers(void **state)
{
	(void)state;
	/* TCTI layer (10 << 16) I/O error (base 10). */
	assert_int_equal(aem_tpm2_rc_to_err(0x000A000A), AEM_TPM_E_NOTPM);
	/* ESAPI layer (7 << 16) out of memory (base 23). */
	assert_int_equal(aem_tpm2_rc_to_err(0x00070017), AEM_E_NOMEM);
	/* Any other ESAPI failure (here base 27): a TPM-side error. */
	assert_int_equal(aem_tpm2_rc_to_err(0x0007001B), AEM_TPM_E_TPM);
	/* Resource manager passing a TPM code on (layer 12): lockout still lockout. */
	assert_int_equal(aem_tpm2_rc_to_err(0x000C0921), AEM_TPM_E_LOCKOUT);
	/* Unknown TPM code: generic, with a non-empty sentence. */
	assert_int_equal(aem_tpm2_rc_to_err(0x17F), AEM_TPM_E_TPM);
	assert_true(strlen(aem_tpm2_rc_sentence(0x17F)) > 0);
}

static void test_every_err_has_text(void **state)
{
	(void)state;
	for (int e = AEM_TPM_E_POLICY; e <= 0; e++)
		assert_string_not_equal(aem_strerror(e), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_auth_and_lockout),
		cmocka_unit_test(test_policy_and_pcr),
		cmocka_unit_test(test_handles_and_objects),
		cmocka_unit_test(test_layers),
		cmocka_unit_test(test_every_err_has_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

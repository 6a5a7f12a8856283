/* The otpauth spellings of the HMAC algorithms (otp.h), apart from otp.c so
 * that the boot program, which reads algorithms as numbers, links no names. */
#include "otp.h"
#include "disp_err.h"

#include <strings.h>

static const struct {
	enum aem_disp_otp_alg alg;
	const char *name;
	const char *dashed;
} algs[] = {
	{ AEM_DISP_OTP_SHA1, "SHA1", "SHA-1" },
	{ AEM_DISP_OTP_SHA256, "SHA256", "SHA-256" },
	{ AEM_DISP_OTP_SHA512, "SHA512", "SHA-512" },
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

const char *aem_disp_otp_alg_name(enum aem_disp_otp_alg alg)
{
	for (size_t i = 0; i < NALGS; i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return NULL;
}

int aem_disp_otp_alg_parse(const char *s, enum aem_disp_otp_alg *alg)
{
	if (!s || !alg)
		return AEM_DISP_E_INVAL;
	for (size_t i = 0; i < NALGS; i++) {
		if (!strcasecmp(s, algs[i].name) || !strcasecmp(s, algs[i].dashed)) {
			*alg = algs[i].alg;
			return AEM_DISP_OK;
		}
	}
	return AEM_DISP_E_INVAL;
}

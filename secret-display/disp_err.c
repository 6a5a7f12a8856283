#include "disp_err.h"

const char *aem_disp_strerror(int err)
{
	switch (err) {
	case AEM_DISP_OK: return "success";
	case AEM_DISP_E_INVAL: return "invalid argument";
	case AEM_DISP_E_NOMEM: return "out of memory";
	case AEM_DISP_E_IO: return "writing the output failed";
	case AEM_DISP_E_FORMAT: return "malformed input (base32 text or otpauth URI)";
	case AEM_DISP_E_SPACE: return "output buffer too small";
	case AEM_DISP_E_CRYPTO: return "computing the HMAC failed";
	case AEM_DISP_E_TOOLONG: return "value too long";
	case AEM_DISP_E_QR: return "the text could not be encoded as a QR code";
	case AEM_DISP_E_PNG: return "writing the PNG image failed";
	}
	return "unknown error";
}

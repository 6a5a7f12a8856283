/* libaemdisplay: the one error type of the display library. Functions return
 * 0 or a negative AEM_DISP_E_* code; only the front end turns them into
 * messages and exit codes (see aem_disp_strerror). */
#ifndef AEM_DISP_ERR_H
#define AEM_DISP_ERR_H

enum aem_disp_err {
	AEM_DISP_OK = 0,
	AEM_DISP_E_INVAL = -1,     /* bad argument or option value */
	AEM_DISP_E_NOMEM = -2,
	AEM_DISP_E_IO = -3,        /* writing output (file, terminal) failed */
	AEM_DISP_E_FORMAT = -4,    /* malformed input: base32 text, otpauth URI */
	AEM_DISP_E_SPACE = -5,     /* the caller's output buffer is too small */
	AEM_DISP_E_CRYPTO = -6,    /* the HMAC back end (OpenSSL or TPM) failed */
	AEM_DISP_E_TOOLONG = -7,   /* data too long for its field or for a QR code */
	AEM_DISP_E_QR = -8,        /* libqrencode could not encode the text */
	AEM_DISP_E_PNG = -9,       /* libpng failed */
};

/* A static sentence for an error code; never NULL. */
const char *aem_disp_strerror(int err);

#endif

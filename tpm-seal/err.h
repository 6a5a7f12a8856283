/* The one error type of aem's libraries, from the lowest room up: functions
 * return 0 or a negative code; only the front ends turn one into a message
 * (aem_strerror) and an exit status. AEM_E_* say what went wrong with an
 * input, a file or memory whatever room reports it; AEM_TPM_E_* are the TPM's
 * and the measured boot's own answers. */
#ifndef AEM_ERR_H
#define AEM_ERR_H

enum aem_err {
	AEM_OK = 0,
	AEM_E_INVAL = -1,       /* bad argument or option value */
	AEM_E_NOMEM = -2,
	AEM_E_IO = -3,          /* file read/write failed (errno kept by caller) */
	AEM_E_FORMAT = -4,      /* malformed input: sealed file, value file, log, grub.cfg... */
	AEM_E_VERSION = -5,     /* sealed file of an unknown format version */
	AEM_E_NOT_AEM = -6,     /* input is not an aem sealed file at all */
	AEM_E_CRYPTO = -7,      /* OpenSSL failure, or AEAD tag mismatch */
	AEM_TPM_E_NOTPM = -8,       /* no TPM reachable (device, TCTI, tcsd) */
	AEM_TPM_E_TPM = -9,         /* TPM returned an error not mapped below */
	AEM_TPM_E_PCR_MISMATCH = -10, /* PCRs differ from the sealed expectation */
	AEM_TPM_E_AUTH = -11,       /* wrong PIN / password */
	AEM_TPM_E_LOCKOUT = -12,    /* dictionary-attack lockout */
	AEM_TPM_E_NO_SRK = -13,     /* storage root key missing: run tpm-setup */
	AEM_TPM_E_BAD_SRK = -14,    /* key at the SRK handle is not the expected kind */
	AEM_TPM_E_UNMEASURED = -15, /* selected DRTM PCRs show no measured launch */
	AEM_TPM_E_FAMILY = -16,     /* file or request for the other TPM family */
	AEM_E_UNSUPPORTED = -17,   /* bank / feature / format aem or this TPM does not offer */
	AEM_TPM_E_NOT_OWNED = -18,  /* TPM 1.2 has no owner */
	AEM_TPM_E_DISABLED = -19,   /* TPM disabled or deactivated */
	AEM_TPM_E_POLICY = -20,     /* policy session failed (not a PCR mismatch) */
	AEM_TPM_E_NV_FOREIGN = -21, /* an NV index of aem's is not the one aem defined */
	AEM_TPM_E_SALT_KEY = -22,   /* the key at the SRK handle is not the one tpm-setup recorded */
};

/* A static sentence for an error code; never NULL. */
const char *aem_strerror(int err);

#endif

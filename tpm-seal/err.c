#include "err.h"

const char *aem_strerror(int err)
{
	switch (err) {
	case AEM_OK: return "success";
	case AEM_E_INVAL: return "invalid argument";
	case AEM_E_NOMEM: return "out of memory";
	case AEM_E_IO: return "input/output error";
	case AEM_E_FORMAT: return "malformed sealed file or value file";
	case AEM_E_VERSION: return "sealed file of a format version this aem does not know (upgrade aem)";
	case AEM_E_NOT_AEM: return "not an aem sealed file";
	case AEM_E_CRYPTO: return "decryption failed: the sealed file is damaged or was altered";
	case AEM_TPM_E_NOTPM: return "no TPM reachable (check the device, the TCTI or tcsd)";
	case AEM_TPM_E_TPM: return "the TPM refused the command";
	case AEM_TPM_E_PCR_MISMATCH: return "the system state has changed: PCR values differ from the sealed ones";
	case AEM_TPM_E_AUTH: return "wrong PIN or password";
	case AEM_TPM_E_LOCKOUT: return "the TPM is in dictionary-attack lockout: wait for the lockout to expire";
	case AEM_TPM_E_NO_SRK: return "no storage root key in the TPM: run 'aem tpm-setup' first";
	case AEM_TPM_E_BAD_SRK: return "the key at the SRK handle is not a restricted storage key of the expected template";
	case AEM_TPM_E_UNMEASURED: return "the measured launch did not happen (DRTM PCRs unset): check TXT and the SINIT ACM";
	case AEM_TPM_E_FAMILY: return "sealed for the other TPM family";
	case AEM_E_UNSUPPORTED: return "not supported by this TPM";
	case AEM_TPM_E_NOT_OWNED: return "the TPM has no owner: run 'aem tpm-setup'";
	case AEM_TPM_E_DISABLED: return "the TPM is disabled or deactivated: enable it in the firmware setup";
	case AEM_TPM_E_POLICY: return "the TPM policy session failed";
	case AEM_TPM_E_NV_FOREIGN: return "a TPM NV index of aem is not the one aem defined (its type, attributes, size or authorization differ): someone undefined and redefined it, or an older aem made it; run 'aem tpm-setup', then 'aem reseal'";
	case AEM_TPM_E_SALT_KEY: return "refused: the key at the storage root key handle 0x81000001 is not the one 'aem tpm-setup' recorded, so a session salted with it could be read by whoever put it there; nothing secret was sent. Run 'aem tpm-setup' again only if you replaced the key yourself";
	}
	return "unknown error";
}

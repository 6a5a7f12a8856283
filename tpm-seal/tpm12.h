/* libaemtpm: the TPM 1.2 backend on trousers' libtspi (through tcsd), and the
 * pieces of it the facade and the unit tests use. The backend claims specs
 * that start with "tcsd:" ("tcsd:" = the tcsd of TSS_TCSD_HOSTNAME /
 * TSS_TCSD_PORT, else localhost; "tcsd:HOST" = that host). */
#ifndef AEM_TPM_TPM12_H
#define AEM_TPM_TPM12_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "tpm.h"

/* The spec prefix of the TPM 1.2 backend, and the spec aem picks for it. */
#define AEM_TPM12_SPEC "tcsd:"
/* TPM 1.2 has no persistent handles: its SRK lives at the key handle below
 * (TPM_KH_SRK), it is made when ownership is taken. */
#define AEM_TPM12_SRK_HANDLE 0x40000000u
/* Environment of the secrets: unset = the well-known secret (20 zero bytes,
 * what tboot and tpm-tools' -z use); set = that password (hashed with SHA-1
 * by the TSS, as tpm-tools does for a typed password). See also
 * aem_tpm12_set_owner_secret and aem_tpm12_set_srk_prompt below. */
#define AEM_TPM12_SRK_ENV "AEM_SRK_PASSWORD"
#define AEM_TPM12_OWNER_ENV "AEM_OWNER_PASSWORD"

extern const struct aem_tpm_ops aem_tpm12_ops;
extern const struct aem_tpm_admin_ops aem_tpm12_admin_ops;

/* Process-wide secrets of the front end, set before aem_tpm_open.
 * The owner secret: pw (plain text, hashed with SHA-1 by the TSS as
 * tpm-tools does) instead of AEM_OWNER_PASSWORD / the well-known one; NULL
 * forgets it. AEM_E_INVAL when longer than AEM_TPM12_SECRET_MAX - 1. */
#define AEM_TPM12_SECRET_MAX 256
int aem_tpm12_set_owner_secret(const char *pw);
/* How the SRK password is asked when AEM_SRK_PASSWORD is unset: the TPM
 * is first tried with the well-known secret (tpm-setup's default); when it
 * answers TPM_AUTHFAIL for the SRK, prompt(buf, len) is called once (it
 * returns the length read, or -1) and the command retried with that
 * password. The failed try counts against the dictionary-attack defence.
 * NULL (the default) = never ask. */
typedef int (*aem_tpm12_prompt_fn)(char *buf, size_t len);
void aem_tpm12_set_srk_prompt(aem_tpm12_prompt_fn prompt);

/* TPM_GetCapability(TPM_CAP_DA_LOGIC), parsed: TPM_DA_INFO or, when the
 * owner hid the counts, TPM_DA_INFO_LIMITED (limited = 1, counts 0). */
struct aem_tpm12_da_info {
	int limited;
	int locked;          /* TPM_DA_STATE_ACTIVE: defend-lock is running */
	uint16_t count;      /* authorization failures counted */
	uint16_t threshold;  /* count at which the TPM acts */
	uint32_t actions;    /* TPM_DA_ACTION_TYPE bits (1 = timeout) */
	uint32_t depend;     /* with a timeout: seconds of lockout left */
};
/* Parse a DA answer; AEM_E_FORMAT for anything else (truncated,
 * trailing bytes, bad tags); never reads outside buf[0..len). */
int aem_tpm12_da_parse(const uint8_t *buf, size_t len, struct aem_tpm12_da_info *out);

/* Map a TSS_RESULT (any layer) to an AEM_TPM_E_* code (0 stays 0). */
int aem_tpm12_rc_to_err(uint32_t rc);
/* A sentence for a TSS_RESULT saying what to do (never NULL). */
const char *aem_tpm12_rc_sentence(uint32_t rc);

/* digestAtRelease of a TPM 1.2 seal to v (sha1, PCRs 0-23): SHA-1 of the
 * TPM_PCR_COMPOSITE = be16(3) || 3-byte selection || be32(20 * n) || the n
 * values in ascending PCR order. Computed offline, never asked of the TPM. */
int aem_tpm12_composite_hash(const struct aem_pcr_values *v, uint8_t out[20]);

/* What a TPM 1.2 sealed blob (TPM_STORED_DATA12 with a TPM_PCR_INFO_LONG,
 * what Tspi_Data_Seal returns) says about its release condition. */
struct aem_tpm12_blob_info {
	aem_pcr_mask release_mask;   /* PCRs of the release selection */
	uint8_t release_locality;    /* TPM_LOCALITY_SELECTION bits */
	uint8_t digest_release[20];  /* digestAtRelease the TPM will enforce */
	uint32_t enc_len;            /* size of the encrypted part */
};
/* Parse a sealed blob; AEM_E_FORMAT when it is anything else (a TPM 1.1
 * TPM_STORED_DATA, truncated, trailing bytes); never reads outside
 * buf[0..len). */
int aem_tpm12_blob_parse(const uint8_t *buf, size_t len, struct aem_tpm12_blob_info *out);

/* What aem checks of a TPM_NV_DATA_PUBLIC (TPM_GetCapability(TPM_CAP_NV_INDEX)). */
struct aem_tpm12_nv_public {
	uint32_t index;
	uint32_t permission;   /* TPM_NV_PER_* */
	uint32_t size;
	int pcrs;              /* a PCR selection restricts reading or writing */
	int locks;             /* bReadSTClear, bWriteSTClear or bWriteDefine set */
};
/* Parse one; AEM_E_FORMAT for anything else (truncated, trailing bytes, bad
 * tags, a selection over 8 bytes); never reads outside buf[0..len). */
int aem_tpm12_nv_public_parse(const uint8_t *buf, size_t len, struct aem_tpm12_nv_public *out);

#endif

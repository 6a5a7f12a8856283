/* libaemtpm: the backend-neutral TPM facade. One ops table per TPM family
 * (tpm2*.c on tpm2-tss ESAPI, tpm12*.c on trousers), listed in
 * tpm_backends.c; callers never name a family's code. Every function
 * returns 0 or a negative AEM_TPM_E_* code (err.h); nothing here prints. */
#ifndef AEM_TPM_TPM_H
#define AEM_TPM_TPM_H

#include <stddef.h>
#include <stdint.h>

#include "pcr.h"
#include "sealed.h"

/* The persistent handle of the storage root key aem uses on TPM 2.0. */
#define AEM_TPM2_SRK_HANDLE 0x81000001u
/* Size of the random key a TPM protects; the payload is AEAD-encrypted under it. */
#define AEM_TPM_KEY_LEN 32
/* Size of a PIN-derived authValue (aem_pin_stretch output). */
#define AEM_TPM_AUTH_LEN 32

struct aem_tpm;

/* Dictionary-attack state, for "N tries left" messages. */
struct aem_tpm_da {
	uint32_t counter;     /* failures counted so far */
	uint32_t max_tries;   /* failures before lockout */
	uint32_t recovery_s;  /* seconds for one failure to be forgotten (0: never, TPM 1.2) */
	int in_lockout;
	uint32_t lockout_left_s; /* seconds the running lockout still lasts (0: unknown) */
};

/* One family's implementation. `impl` is the backend's private state.
 * seal_key/unseal_key never create keys: a missing SRK is AEM_TPM_E_NO_SRK. */
struct aem_tpm_ops {
	enum aem_family family;
	const char *name;
	int (*open)(const char *spec, void **impl);
	void (*close)(void *impl);
	/* Fill v->v[i] for every i in v->mask of bank v->bank. */
	int (*pcr_read)(void *impl, struct aem_pcr_values *v);
	int (*pcr_extend)(void *impl, enum aem_bank bank, unsigned pcr, const uint8_t *digest);
	/* Seal key to exactly the values in expect (auth: optional authValue).
	 * Fills s->family, s->policy*, s->blob_*; leaves the rest of s alone. */
	int (*seal_key)(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
			size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s);
	/* Recover the key sealed in s; AEM_TPM_E_PCR_MISMATCH when the PCRs differ. */
	int (*unseal_key)(void *impl, const struct aem_sealed *s, const uint8_t *auth,
			  size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN]);
	/* NV of aem's two kinds (aem_tpm_nv_read below): key NULL = the owner
	 * kind, else the keyed kind with that AEM_TPM_NV_KEY_LEN-byte key. */
	int (*nv_read)(void *impl, uint32_t index, const uint8_t *key, uint8_t *buf, size_t len);
	int (*nv_write)(void *impl, uint32_t index, const uint8_t *key, const uint8_t *buf,
			size_t len);
	/* Sentence for the last TPM response code ("" when none). */
	const char *(*last_detail)(const void *impl);
	/* Optional: sentence for this process's last failed open ("" when none),
	 * where there is no impl to ask (e.g. "tcsd is not running: ..."). */
	const char *(*open_detail)(void);
};

/* The operations only the administration commands need (tpm-setup, DA state,
 * random bytes, TPM-resident HMAC keys). A table of their own, reached through
 * tpm_admin.c, so a program that never calls them (the boot path) does not
 * link them. */
struct aem_tpm_admin_ops {
	int (*random)(void *impl, uint8_t *buf, size_t len);
	int (*da_info)(void *impl, struct aem_tpm_da *da);
	/* Provision the storage key; *created = 1 when it was made now, 0 when a
	 * good one was already there. */
	int (*setup)(void *impl, int *created);
	/* Optional (NULL: AEM_E_UNSUPPORTED). Create an HMAC key object holding
	 * key (1..AEM_TPM_HMAC_KEY_MAX bytes) whose HMAC hash is `hash`, usable only
	 * under the policy of expect (+ auth as with seal_key). Fills s like
	 * seal_key; s->ct stays empty. */
	int (*hmac_seal)(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
			 size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
			 struct aem_sealed *s);
	/* The TPM computes HMAC(key of s, msg) into mac (AEM_MAX_DIGEST bytes of
	 * room), *mac_len set; AEM_TPM_E_PCR_MISMATCH when the PCRs differ. */
	int (*hmac)(void *impl, const struct aem_sealed *s, const uint8_t *auth, size_t auth_len,
		    const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len);
	/* NV administration (owner-authorized; see aem_tpm_nv_define). */
	int (*nv_define)(void *impl, uint32_t index, const uint8_t *key, size_t len);
	int (*nv_undefine)(void *impl, uint32_t index);
	int (*nv_kind)(void *impl, uint32_t index, int *kind, size_t *size);
};

/* The backends a program can open: {prefix, ops} rows (prefix "" = the
 * default). tpm_backends.c defines them; a boot-path program built for one
 * family links a one-row copy (compiled with AEM_BACKEND_ONLY). */
struct aem_tpm_backend {
	const char *prefix;
	const struct aem_tpm_ops *ops;
};
extern const struct aem_tpm_backend aem_tpm_backends[];
extern const size_t aem_tpm_nbackends;

/* The TCTI/device spec to use: opt (e.g. from --tcti) when set, else env
 * AEM_TCTI, else TPM2TOOLS_TCTI, else TSS2_TCTI, else "device:/dev/tpmrm0" or
 * "device:/dev/tpm0" (first that exists). Writes into out; AEM_TPM_E_NOTPM
 * when nothing is found, AEM_E_INVAL when out is too small. */
int aem_tpm_choose_spec(const char *opt, char *out, size_t len);

/* Which family the spec chooser should prefer without any other hint:
 * 12 when env AEM_TPM_FAMILY is "1.2" or the kernel says the TPM is a 1.2
 * one (sysfs tpm_version_major = 1), 20 when AEM_TPM_FAMILY is "2.0",
 * 0 when nothing says; -1 when AEM_TPM_FAMILY holds something else. */
int aem_tpm_family_hint(void);
/* Force the family the spec chooser picks (the CLI's --tpm 1.2|2.0): "1.2"
 * or "2.0", process-wide, stronger than AEM_TPM_FAMILY and sysfs.
 * AEM_E_INVAL for any other name. */
int aem_tpm_prefer_family(const char *name);

/* Open a TPM by spec (see aem_tpm_choose_spec; NULL = choose). *out owned by
 * the caller, released with aem_tpm_close. */
int aem_tpm_open(const char *spec, struct aem_tpm **out);
void aem_tpm_close(struct aem_tpm *t);
enum aem_family aem_tpm_family(const struct aem_tpm *t);

int aem_tpm_pcr_read(struct aem_tpm *t, struct aem_pcr_values *v);
int aem_tpm_pcr_extend(struct aem_tpm *t, enum aem_bank bank, unsigned pcr, const uint8_t *digest);
int aem_tpm_random(struct aem_tpm *t, uint8_t *buf, size_t len);
int aem_tpm_seal_key(struct aem_tpm *t, const struct aem_pcr_values *expect, const uint8_t *auth,
		     size_t auth_len, const uint8_t key[AEM_TPM_KEY_LEN], struct aem_sealed *s);
int aem_tpm_unseal_key(struct aem_tpm *t, const struct aem_sealed *s, const uint8_t *auth,
		       size_t auth_len, uint8_t key[AEM_TPM_KEY_LEN]);
int aem_tpm_da_info(struct aem_tpm *t, struct aem_tpm_da *da);
int aem_tpm_setup(struct aem_tpm *t, int *created);
/* NV indices, of the two kinds aem defines:
 *  - owner kind (key NULL): written with the owner's authorization, read by
 *    anyone (the TPM identity). aem_tpm_nv_write defines it on first use.
 *  - keyed kind (key = AEM_TPM_NV_KEY_LEN secret bytes): written and read
 *    only with that key as the index's own authorization; the owner cannot
 *    write it (the freshness slots: the key travels inside the sealed data, so
 *    only a genuine measured boot and the enrolling system know it). Defined
 *    by aem_tpm_nv_define only.
 * Every read and write first checks the index's public area (type,
 * attributes, size, and on TPM 2.0 nameAlg and policy) against the kind:
 * AEM_TPM_E_NV_FOREIGN when it differs, or when a keyed index refuses the key
 * (someone undefined it and defined it again). AEM_E_INVAL: not defined, or
 * another size. On TPM 2.0 no secret crosses the bus in a password session:
 * owner and key authorizations run in HMAC sessions. */
#define AEM_TPM_NV_KEY_LEN 32
enum aem_tpm_nv_kind {
	AEM_TPM_NV_ABSENT = 0, AEM_TPM_NV_OWNER, AEM_TPM_NV_KEYED, AEM_TPM_NV_OTHER,
};
int aem_tpm_nv_read(struct aem_tpm *t, uint32_t index, const uint8_t *key, uint8_t *buf,
		    size_t len);
int aem_tpm_nv_write(struct aem_tpm *t, uint32_t index, const uint8_t *key, const uint8_t *buf,
		     size_t len);
/* Administration (tpm_admin.c). Define index as the kind of key with len
 * bytes of data, owner-authorized; an index already there is undefined first
 * (a keyed index gets a new key). */
int aem_tpm_nv_define(struct aem_tpm *t, uint32_t index, const uint8_t *key, size_t len);
/* Owner-authorized undefine; 0 when it was not defined. */
int aem_tpm_nv_undefine(struct aem_tpm *t, uint32_t index);
/* Which of aem's kinds index is (its public area), and its size. */
int aem_tpm_nv_kind(struct aem_tpm *t, uint32_t index, enum aem_tpm_nv_kind *kind, size_t *size);

/* TPM 2.0: the name of the storage root key aem tpm-setup made
 * (nameAlg || SHA-256 of its public area). Process-wide, set before sealing
 * or unsealing (the front end reads it from where tpm-setup recorded it):
 * the key at AEM_TPM2_SRK_HANDLE must have this name, checked on the public
 * area that the SRK lookup reads anyway, before any session is salted with
 * it: AEM_TPM_E_SALT_KEY otherwise. NULL = not recorded, not checked. */
#define AEM_TPM2_NAME_LEN 34
void aem_tpm_expect_srk_name(const uint8_t name[AEM_TPM2_NAME_LEN]);
/* The name of the key at AEM_TPM2_SRK_HANDLE, as the TPM gives its public
 * area (for tpm-setup to record). */
int aem_tpm_srk_name(struct aem_tpm *t, uint8_t name[AEM_TPM2_NAME_LEN]);
/* What aem_tpm_expect_srk_name set (NULL: nothing), for the backend. */
const uint8_t *aem_tpm_expected_srk_name(void);

/* Longest key an HMAC key object holds (TPM 2.0 MAX_SYM_DATA). */
#define AEM_TPM_HMAC_KEY_MAX 128
/* TPM-resident HMAC keys (TPM 2.0; see the ops above). */
int aem_tpm_hmac_seal(struct aem_tpm *t, const struct aem_pcr_values *expect, const uint8_t *auth,
		      size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
		      struct aem_sealed *s);
int aem_tpm_hmac(struct aem_tpm *t, const struct aem_sealed *s, const uint8_t *auth,
		 size_t auth_len, const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len);

/* A sentence for the last TPM response code seen on t ("" when none); for
 * the front end's diagnostics next to aem_strerror. t == NULL (what
 * aem_tpm_open leaves after failing) gives the sentence of this process's
 * last failed aem_tpm_open, e.g. why tcsd could not be reached. */
const char *aem_tpm_last_detail(const struct aem_tpm *t);
/* The backend state behind t (for tpm_admin.c). */
void *aem_tpm_impl(const struct aem_tpm *t);

/* TPM 2.0 backend pieces shared between tpm2*.c and the unit tests. */
extern const struct aem_tpm_ops aem_tpm2_ops;
extern const struct aem_tpm_admin_ops aem_tpm2_admin_ops;
/* Map a TSS2_RC to an AEM_TPM_E_* code (0 stays 0). */
int aem_tpm2_rc_to_err(uint32_t rc);
/* A short sentence for a TSS2_RC (never NULL). */
const char *aem_tpm2_rc_sentence(uint32_t rc);
int aem_tpm2_hmac_seal(void *impl, const struct aem_pcr_values *expect, const uint8_t *auth,
		       size_t auth_len, enum aem_bank hash, const uint8_t *key, size_t key_len,
		       struct aem_sealed *s);
int aem_tpm2_hmac(void *impl, const struct aem_sealed *s, const uint8_t *auth, size_t auth_len,
		  const uint8_t *msg, size_t msg_len, uint8_t *mac, size_t *mac_len);
int aem_tpm2_srk_name(void *impl, uint8_t name[AEM_TPM2_NAME_LEN]);

#endif

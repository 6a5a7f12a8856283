/* The lifecycle's files (docs/lifecycle.md).
 *
 *   $AEM_STATE_DIR (default /var/lib/aem), root-only, never on the media:
 *     secrets/<name>          plaintext secrets (0600)
 *     media/<suffix>.conf     one enrolled AEM media per suffix
 *   on the media (a directory, or the root of the mounted ext4 "aem<suffix>"):
 *     aem/<tpm-id>/secret.sealed       the current sealed bundle
 *     aem/<tpm-id>/secret.next.sealed  sealed to the predicted next boot
 *     aem/<tpm-id>/secret.new.sealed   written before NV changes (write-ahead)
 * Functions return 0 or a negative error code (err.h); nothing prints. */
#ifndef AEM_STATE_H
#define AEM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fresh.h"

#define AEM_STATE_DEFAULT "/var/lib/aem"
#define AEM_STATE_PATH_MAX 1024
#define AEM_SUFFIX_MAX 16

enum aem_media_kind { AEM_MEDIA_DIR = 1, AEM_MEDIA_DEVICE };
enum aem_sealed_which { AEM_SEALED_CUR = 0, AEM_SEALED_NEXT, AEM_SEALED_NEW };

/* One enrolled media (media/<suffix>.conf, "key=value" lines). */
struct aem_media_rec {
	char suffix[AEM_SUFFIX_MAX + 1];   /* "" is a valid suffix: label "aem" */
	enum aem_media_kind kind;
	char path[AEM_STATE_PATH_MAX];     /* the directory, or the device */
	char uuid[37];                     /* ext4 UUID for aem.uuid= ("" for a directory) */
	char usb[160];                     /* VVVV:PPPP:SERIAL when on USB, else "" */
	unsigned slot;                     /* freshness NV slot */
	bool has_slot_key;                 /* slot_key= present (aem tpm-setup / install) */
	uint8_t slot_key[32];              /* the slot's own authorization (keyed NV index) */
	char tpm_id[2 * AEM_TPM_ID_LEN + 1];
	int family;                        /* enum aem_family */
};

/* The state directory (env AEM_STATE_DIR, else the default). Never NULL. */
const char *aem_state_dir(void);
/* dir/<fmt...> into out; AEM_E_INVAL when it does not fit. */
int aem_state_path(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* mkdir -p with the given mode for each created level. */
int aem_state_mkdirs(const char *path, unsigned mode);

/* True for a suffix: [a-z0-9_-], 0..AEM_SUFFIX_MAX chars. */
bool aem_state_suffix_ok(const char *suffix);
int aem_state_media_load(const char *suffix, struct aem_media_rec *m);
int aem_state_media_save(const struct aem_media_rec *m);
int aem_state_media_remove(const char *suffix);
/* Suffixes of all enrolled media, sorted; free with aem_state_free_list. */
int aem_state_media_list(char ***suffixes, size_t *n);
void aem_state_free_list(char **v, size_t n);

/* The media's root directory now: the directory itself, or where the device
 * is mounted (/proc/self/mounts, through the runtime). AEM_TPM_E_NOTPM is
 * never returned; AEM_E_IO (errno ENODEV) when the media is not there. */
int aem_state_media_root(const struct aem_media_rec *m, char *out, size_t len);
/* root/aem/<tpm-id>/secret[.next|.new].sealed */
int aem_state_sealed_path(const char *root, const char *tpm_id, enum aem_sealed_which w,
			  char *out, size_t len);

/* Plaintext secrets of the state directory. */
int aem_state_secret_write(const char *name, const uint8_t *buf, size_t len);
int aem_state_secret_list(char ***names, size_t *n);
/* Read one secret into a malloc'd buffer (free with aem_buf_free). */
int aem_state_secret_read(const char *name, uint8_t **buf, size_t *len);
int aem_state_secret_remove(const char *name);

#endif

/* Multi-factor unlock (mfa.h): pwbox inside a sealed file, libcryptsetup. */
#include "mfa.h"
#include "err.h"
#include "fileio.h"
#include "pwbox.h"
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libcryptsetup.h>
#include <openssl/rand.h>

int aem_mfa_create(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
		   size_t pin_len, const char *pw, size_t pw_len, uint8_t key[AEM_MFA_KEY_LEN],
		   uint8_t **out, size_t *out_len)
{
	uint8_t *box = NULL;
	size_t box_len = 0;
	int err;

	*out = NULL;
	*out_len = 0;
	if (!pw || pw_len == 0)
		return AEM_E_INVAL;
	if (RAND_priv_bytes(key, AEM_MFA_KEY_LEN) != 1)
		return AEM_E_CRYPTO;
	err = aem_pwbox_seal(pw, pw_len, key, AEM_MFA_KEY_LEN, &box, &box_len);
	if (!err)
		err = aem_tpm_seal_payload(t, v, pin, pin_len, box, box_len, out, out_len);
	aem_buf_free(box, box_len);
	if (err)
		explicit_bzero(key, AEM_MFA_KEY_LEN);
	return err;
}

static int open_box(const uint8_t *box, size_t box_len, const char *pw, size_t pw_len,
		    uint8_t key[AEM_MFA_KEY_LEN])
{
	uint8_t pt[AEM_PWBOX_MAX_DATA];
	size_t n = 0;
	int err = aem_pwbox_open(box, box_len, pw, pw_len, pt, sizeof(pt), &n);

	if (!err && n != AEM_MFA_KEY_LEN)
		err = AEM_E_FORMAT;
	if (!err)
		memcpy(key, pt, AEM_MFA_KEY_LEN);
	explicit_bzero(pt, sizeof(pt));
	return err;
}

int aem_mfa_open(struct aem_tpm *t, const uint8_t *buf, size_t len, const char *pin,
		 size_t pin_len, const char *pw, size_t pw_len, uint8_t key[AEM_MFA_KEY_LEN],
		 struct aem_pcr_values *now)
{
	struct aem_sealed s;
	uint8_t *box = NULL;
	int err;

	explicit_bzero(key, AEM_MFA_KEY_LEN);
	if (!pw || pw_len == 0)
		return AEM_E_INVAL;
	err = aem_sealed_parse(buf, len, &s);
	if (err)
		return err;
	if (s.ct_len < AEM_PWBOX_OVERHEAD || s.ct_len > AEM_PWBOX_OVERHEAD + AEM_PWBOX_MAX_DATA) {
		aem_sealed_free(&s);
		return AEM_E_FORMAT;
	}
	box = malloc(s.ct_len);
	err = box ? aem_tpm_unseal_payload(t, &s, pin, pin_len, box, now) : AEM_E_NOMEM;
	if (!err)
		err = open_box(box, s.ct_len, pw, pw_len, key);
	if (box)
		aem_buf_free(box, s.ct_len);
	aem_sealed_free(&s);
	return err;
}

int aem_mfa_enroll(const char *device, const char *old, size_t old_len,
		   const uint8_t key[AEM_MFA_KEY_LEN], int *slot)
{
	struct crypt_pbkdf_type fast = {
		.type = CRYPT_KDF_PBKDF2, .hash = "sha256", .iterations = 1000,
		.flags = CRYPT_PBKDF_NO_BENCHMARK,
	};
	struct crypt_device *cd = NULL;
	int r, err = aem_mfa_luks_load(device, &cd);

	*slot = -1;
	if (err)
		return err;
	r = crypt_set_pbkdf_type(cd, &fast);
	if (r == 0)
		r = crypt_keyslot_add_by_passphrase(cd, CRYPT_ANY_SLOT, old, old_len,
						    (const char *)key, AEM_MFA_KEY_LEN);
	crypt_free(cd);
	if (r < 0)
		return aem_mfa_luks_err(r);
	*slot = r;
	return 0;
}

int aem_mfa_unenroll(const char *device, int slot)
{
	struct crypt_device *cd = NULL;
	int r, err = aem_mfa_luks_load(device, &cd);

	if (err)
		return err;
	r = crypt_keyslot_destroy(cd, slot);
	crypt_free(cd);
	return r < 0 ? AEM_E_IO : 0;
}

int aem_mfa_write_keyfile(const char *path, const uint8_t key[AEM_MFA_KEY_LEN])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	size_t off = 0;

	if (fd < 0)
		return AEM_E_IO;
	while (off < AEM_MFA_KEY_LEN) {
		ssize_t w = write(fd, key + off, AEM_MFA_KEY_LEN - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != AEM_MFA_KEY_LEN || fsync(fd)) {
		close(fd);
		unlink(path);
		return AEM_E_IO;
	}
	return close(fd) ? AEM_E_IO : 0;
}

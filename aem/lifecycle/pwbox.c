/* Password boxes (pwbox.h): scrypt-stretched password, AES-256-GCM. Parsing
 * and opening, which the boot program links; making a box is pwbox_seal.c. */
#include "pwbox.h"
#include "aead.h"
#include "err.h"
#include "kdf.h"
#include "rd.h"

#include <string.h>

int aem_pwbox_kdf_ok(unsigned log2n, unsigned r, unsigned p)
{
	return log2n >= AEM_PWBOX_LOG2N_MIN && log2n <= AEM_PWBOX_LOG2N_MAX && r >= 1 &&
	       r <= AEM_PWBOX_R_MAX && p >= 1 && p <= AEM_PWBOX_P_MAX &&
	       (1ull << log2n) * r <= (1ull << 22); /* at most 512 MiB of scrypt memory */
}

int aem_pwbox_parse(const uint8_t *buf, size_t len, struct aem_pwbox *out)
{
	struct aem_rd r;
	uint8_t magic[AEM_PWBOX_MAGIC_SIZE], version, kdf, reserved;
	uint32_t ct_len;

	memset(out, 0, sizeof(*out));
	aem_rd_init(&r, buf, len);
	if (!buf || aem_rd_bytes(&r, magic, sizeof(magic)) ||
	    memcmp(magic, AEM_PWBOX_MAGIC, AEM_PWBOX_MAGIC_SIZE))
		return AEM_E_NOT_AEM;
	if (aem_rd_u8(&r, &version))
		return AEM_E_FORMAT;
	if (version != AEM_PWBOX_VERSION)
		return AEM_E_VERSION;
	if (aem_rd_u8(&r, &kdf) || aem_rd_u8(&r, &out->log2n) || aem_rd_u8(&r, &out->r) ||
	    aem_rd_u8(&r, &out->p) || aem_rd_u8(&r, &reserved) || aem_rd_bytes(&r, out->salt, 16) ||
	    aem_rd_bytes(&r, out->nonce, 12) || aem_rd_bytes(&r, out->tag, 16) || aem_rd_be32(&r, &ct_len))
		return AEM_E_FORMAT;
	if (kdf != AEM_KDF_SCRYPT || reserved || !aem_pwbox_kdf_ok(out->log2n, out->r, out->p) ||
	    ct_len == 0 || ct_len > AEM_PWBOX_MAX_DATA || ct_len != aem_rd_left(&r))
		return AEM_E_FORMAT;
	out->ct = aem_rd_view(&r, ct_len);
	out->ct_len = ct_len;
	return 0;
}

int aem_pwbox_derive(const char *pw, size_t pw_len, const struct aem_pwbox *b,
		     uint8_t key[AEM_AEAD_KEY_SIZE])
{
	if (!pw || pw_len == 0)
		return AEM_E_INVAL;
	return aem_pin_stretch_scrypt(pw, pw_len, b->salt, sizeof(b->salt), b->log2n, b->r, b->p,
				      key, AEM_AEAD_KEY_SIZE);
}

int aem_pwbox_open(const uint8_t *buf, size_t len, const char *pw, size_t pw_len, uint8_t *pt,
		   size_t cap, size_t *pt_len)
{
	struct aem_pwbox b;
	uint8_t key[AEM_AEAD_KEY_SIZE];
	int err;

	*pt_len = 0;
	err = aem_pwbox_parse(buf, len, &b);
	if (err)
		return err;
	if (b.ct_len > cap)
		return AEM_E_INVAL;
	err = aem_pwbox_derive(pw, pw_len, &b, key);
	if (!err)
		err = aem_aead_decrypt(key, buf, AEM_PWBOX_HEAD, b.ct, b.ct_len, b.nonce, b.tag, pt);
	explicit_bzero(key, sizeof(key));
	if (err == AEM_E_CRYPTO)
		err = AEM_TPM_E_AUTH;
	if (err) {
		explicit_bzero(pt, cap);
		return err;
	}
	*pt_len = b.ct_len;
	return 0;
}

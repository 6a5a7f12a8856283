/* Sealed-file format v1. Byte layout and the rules
 * behind each check: docs/sealed-format.md. */
#include "sealed.h"
#include "rd.h"
#include "err.h"
#include "kdf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXED_HEAD 26   /* magic .. pcr mask */
#define TPM2_POLICY_LEN 32
#define TPM12_POLICY_LEN 20

/* ---- bounds-checked reader and writer ---- */

/* A big-endian u16 length, then that many bytes into dst (capacity cap). */
static int rd_blob16(struct aem_rd *r, uint8_t *dst, size_t cap, size_t *out_len)
{
	uint16_t n;

	if (aem_rd_be16(r, &n) || n > cap || aem_rd_bytes(r, dst, n))
		return -1;
	*out_len = n;
	return 0;
}

struct wr {
	uint8_t *p;
	size_t cap, off;
};

/* The writer's buffer is sized exactly beforehand; a short one is a bug that
 * must not turn into an overflow, so every put is checked anyway. */
static bool wr_bytes(struct wr *w, const void *src, size_t n)
{
	if (n > w->cap - w->off)
		return false;
	if (n)
		memcpy(w->p + w->off, src, n);
	w->off += n;
	return true;
}

static bool wr_u8(struct wr *w, uint8_t v)
{
	return wr_bytes(w, &v, 1);
}

static bool wr_u16(struct wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return wr_bytes(w, b, 2);
}

static bool wr_u32(struct wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return wr_bytes(w, b, 4);
}

/* ---- semantic checks shared by parse and serialize ---- */

static unsigned popcount(aem_pcr_mask m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* Everything a v1 file may hold; a struct that fails here is never written
 * and a file that fails here is never returned. */
static bool sealed_valid(const struct aem_sealed *s)
{
	bool tpm2 = s->family == AEM_FAMILY_TPM20;

	if (s->family != AEM_FAMILY_TPM20 && s->family != AEM_FAMILY_TPM12)
		return false;
	if (s->flags & ~AEM_SEALED_F_PIN)
		return false;
	if (!aem_bank_size(s->expect.bank) || (!tpm2 && s->expect.bank != AEM_BANK_SHA1))
		return false;
	if (s->expect.mask == 0 || s->expect.mask >> AEM_PCR_COUNT)
		return false;
	if (s->policy_len != (tpm2 ? TPM2_POLICY_LEN : TPM12_POLICY_LEN))
		return false;
	if (s->blob_pub_len > AEM_SEALED_MAX_PUB || (tpm2 ? !s->blob_pub_len : s->blob_pub_len))
		return false;
	if (!s->blob_priv_len || s->blob_priv_len > AEM_SEALED_MAX_PRIV)
		return false;
	if (s->ct_len > AEM_SEALED_MAX_PAYLOAD || (s->ct_len && !s->ct))
		return false;
	return true;
}

static size_t aad_size(const struct aem_sealed *s)
{
	return FIXED_HEAD + popcount(s->expect.mask) * aem_bank_size(s->expect.bank) +
	       2 + s->policy_len + AEM_SEALED_SALT_SIZE + 2 + s->blob_pub_len + 2 + s->blob_priv_len;
}

static size_t tail_size(const struct aem_sealed *s)
{
	return AEM_SEALED_NONCE_SIZE + AEM_SEALED_TAG_SIZE + 4 + s->ct_len;
}

/* The KDF description stored in the file: fixed per version, see kdf.h. */
static void kdf_fields(uint32_t flags, uint8_t k[4])
{
	bool pin = flags & AEM_SEALED_F_PIN;

	k[0] = pin ? AEM_KDF_SCRYPT : 0;
	k[1] = pin ? AEM_KDF_SCRYPT_LOG2N : 0;
	k[2] = pin ? AEM_KDF_SCRYPT_R : 0;
	k[3] = pin ? AEM_KDF_SCRYPT_P : 0;
}

static bool write_header(struct wr *w, const struct aem_sealed *s)
{
	static const uint8_t zero_salt[AEM_SEALED_SALT_SIZE];
	size_t dsize = aem_bank_size(s->expect.bank);
	uint8_t kdf[4];
	bool ok, pin = s->flags & AEM_SEALED_F_PIN;

	kdf_fields(s->flags, kdf);
	ok = wr_bytes(w, AEM_SEALED_MAGIC, AEM_SEALED_MAGIC_SIZE) && wr_u16(w, AEM_SEALED_VERSION) &&
	     wr_u8(w, (uint8_t)s->family) && wr_bytes(w, kdf, 4) && wr_u8(w, 0) &&
	     wr_u32(w, s->flags) && wr_u16(w, (uint16_t)s->expect.bank) && wr_u32(w, s->expect.mask);
	for (unsigned i = 0; ok && i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(s->expect.mask, i))
			ok = wr_bytes(w, s->expect.v[i], dsize);
	return ok && wr_u16(w, (uint16_t)s->policy_len) && wr_bytes(w, s->policy, s->policy_len) &&
	       wr_bytes(w, pin ? s->pin_salt : zero_salt, AEM_SEALED_SALT_SIZE) &&
	       wr_u16(w, (uint16_t)s->blob_pub_len) && wr_bytes(w, s->blob_pub, s->blob_pub_len) &&
	       wr_u16(w, (uint16_t)s->blob_priv_len) && wr_bytes(w, s->blob_priv, s->blob_priv_len);
}

static int emit(const struct aem_sealed *s, bool with_tail, uint8_t **buf, size_t *len)
{
	struct wr w = { 0 };

	if (!s || !buf || !len || !sealed_valid(s))
		return AEM_E_INVAL;
	w.cap = aad_size(s) + (with_tail ? tail_size(s) : 0);
	w.p = malloc(w.cap);
	if (!w.p)
		return AEM_E_NOMEM;
	bool ok = write_header(&w, s);
	if (ok && with_tail)
		ok = wr_bytes(&w, s->nonce, sizeof(s->nonce)) && wr_bytes(&w, s->tag, sizeof(s->tag)) &&
		     wr_u32(&w, (uint32_t)s->ct_len) && wr_bytes(&w, s->ct, s->ct_len);
	if (!ok || w.off != w.cap) {
		free(w.p);
		return AEM_E_INVAL;
	}
	*buf = w.p;
	*len = w.off;
	return 0;
}

int aem_sealed_serialize(const struct aem_sealed *s, uint8_t **buf, size_t *len)
{
	return emit(s, true, buf, len);
}

int aem_sealed_aad(const struct aem_sealed *s, uint8_t **buf, size_t *len)
{
	return emit(s, false, buf, len);
}

/* ---- parse ---- */

/* magic, version; the rest of the fixed head. Distinguishes the three errors. */
static int parse_head(struct aem_rd *r, struct aem_sealed *out)
{
	uint8_t magic[AEM_SEALED_MAGIC_SIZE], fam, kdf[4], want_kdf[4], reserved;
	uint16_t version, bank;

	if (aem_rd_bytes(r, magic, sizeof(magic)) || memcmp(magic, AEM_SEALED_MAGIC, sizeof(magic)))
		return AEM_E_NOT_AEM;
	if (aem_rd_be16(r, &version))
		return AEM_E_FORMAT;
	if (version != AEM_SEALED_VERSION)
		return AEM_E_VERSION;
	if (aem_rd_u8(r, &fam) || aem_rd_bytes(r, kdf, 4) || aem_rd_u8(r, &reserved) ||
	    aem_rd_be32(r, &out->flags) || aem_rd_be16(r, &bank) || aem_rd_be32(r, &out->expect.mask))
		return AEM_E_FORMAT;
	out->family = (enum aem_family)fam;
	out->expect.bank = aem_bank_from_alg(bank);
	kdf_fields(out->flags, want_kdf);
	if (reserved || memcmp(kdf, want_kdf, 4))
		return AEM_E_FORMAT;
	return 0;
}

static int parse_body(struct aem_rd *r, struct aem_sealed *out)
{
	size_t dsize = aem_bank_size(out->expect.bank);
	uint32_t ct_len;

	/* Validate bank and mask before their sizes steer the reads below. */
	if (!dsize || out->expect.mask == 0 || out->expect.mask >> AEM_PCR_COUNT)
		return AEM_E_FORMAT;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(out->expect.mask, i) && aem_rd_bytes(r, out->expect.v[i], dsize))
			return AEM_E_FORMAT;
	if (rd_blob16(r, out->policy, sizeof(out->policy), &out->policy_len) ||
	    aem_rd_bytes(r, out->pin_salt, sizeof(out->pin_salt)) ||
	    rd_blob16(r, out->blob_pub, sizeof(out->blob_pub), &out->blob_pub_len) ||
	    rd_blob16(r, out->blob_priv, sizeof(out->blob_priv), &out->blob_priv_len) ||
	    aem_rd_bytes(r, out->nonce, sizeof(out->nonce)) || aem_rd_bytes(r, out->tag, sizeof(out->tag)) ||
	    aem_rd_be32(r, &ct_len))
		return AEM_E_FORMAT;
	/* The length must fit the bytes left, exactly: no trailing data. */
	if (ct_len > AEM_SEALED_MAX_PAYLOAD || ct_len != aem_rd_left(r))
		return AEM_E_FORMAT;
	if (!(out->flags & AEM_SEALED_F_PIN) &&
	    !aem_all_bytes(out->pin_salt, sizeof(out->pin_salt), 0))
		return AEM_E_FORMAT;
	if (ct_len) {
		out->ct = malloc(ct_len);
		if (!out->ct)
			return AEM_E_NOMEM;
		aem_rd_bytes(r, out->ct, ct_len);
	}
	out->ct_len = ct_len;
	return sealed_valid(out) ? 0 : AEM_E_FORMAT;
}

int aem_sealed_parse(const uint8_t *buf, size_t len, struct aem_sealed *out)
{
	struct aem_rd r;
	int rc;

	if (!out)
		return AEM_E_INVAL;
	memset(out, 0, sizeof(*out));
	if (!buf)
		return len ? AEM_E_INVAL : AEM_E_NOT_AEM;
	aem_rd_init(&r, buf, len);
	rc = parse_head(&r, out);
	if (!rc)
		rc = parse_body(&r, out);
	if (rc)
		aem_sealed_free(out);
	return rc;
}

void aem_sealed_free(struct aem_sealed *s)
{
	if (!s)
		return;
	free(s->ct);    /* ciphertext: not secret, but the struct is wiped whole */
	explicit_bzero(s, sizeof(*s));
}

/* Freshness slots and the sealed bundle format (fresh.h). */
#include "fresh.h"
#include "err.h"
#include "evlog.h"   /* struct aem_rd: the bounds-checked reader */
#include "pcr.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_MAGIC "AEMF"
#define SLOT_VERSION 1
#define SLOT_F_CUR 0x2u
#define SLOT_F_NEXT 0x4u
#define BUNDLE_MAGIC "AEMP"
#define BUNDLE_VERSION 2
#define BUNDLE_HDR (8 + AEM_FRESH_TOKEN_LEN + AEM_FRESH_KEY_LEN)

/* TPM 2.0: owner-defined NV range; TPM 1.2: index without the D bit. */
#define TPM2_NV_BASE 0x0100ae00u
#define TPM12_NV_BASE 0x0000ae00u

uint32_t aem_fresh_id_index(enum aem_family f)
{
	return f == AEM_FAMILY_TPM12 ? TPM12_NV_BASE : TPM2_NV_BASE;
}

uint32_t aem_fresh_slot_index(enum aem_family f, unsigned slot)
{
	return aem_fresh_id_index(f) + 0x10u + slot;
}

int aem_fresh_slot_parse(const uint8_t *buf, size_t len, struct aem_fresh_slot *s)
{
	uint8_t flags;

	memset(s, 0, sizeof(*s));
	if (len != AEM_FRESH_NV_SIZE || memcmp(buf, SLOT_MAGIC, 4) || buf[4] != SLOT_VERSION)
		return AEM_E_FORMAT;
	flags = buf[5];
	if (flags & ~(AEM_FRESH_F_REVOKED | SLOT_F_CUR | SLOT_F_NEXT))
		return AEM_E_FORMAT;
	s->revoked = flags & AEM_FRESH_F_REVOKED;
	s->has_cur = !s->revoked && (flags & SLOT_F_CUR);
	s->has_next = !s->revoked && (flags & SLOT_F_NEXT);
	if (s->has_cur)
		memcpy(s->cur, buf + 8, AEM_FRESH_HASH_LEN);
	if (s->has_next)
		memcpy(s->next, buf + 8 + AEM_FRESH_HASH_LEN, AEM_FRESH_HASH_LEN);
	return 0;
}

void aem_fresh_slot_serialize(const struct aem_fresh_slot *s, uint8_t out[AEM_FRESH_NV_SIZE])
{
	memset(out, 0, AEM_FRESH_NV_SIZE);
	memcpy(out, SLOT_MAGIC, 4);
	out[4] = SLOT_VERSION;
	if (s->revoked) {
		out[5] = AEM_FRESH_F_REVOKED;
		return;
	}
	out[5] = (uint8_t)((s->has_cur ? SLOT_F_CUR : 0) | (s->has_next ? SLOT_F_NEXT : 0));
	if (s->has_cur)
		memcpy(out + 8, s->cur, AEM_FRESH_HASH_LEN);
	if (s->has_next)
		memcpy(out + 8 + AEM_FRESH_HASH_LEN, s->next, AEM_FRESH_HASH_LEN);
}

int aem_fresh_token_hash(const uint8_t token[AEM_FRESH_TOKEN_LEN], uint8_t out[AEM_FRESH_HASH_LEN])
{
	return aem_hash(AEM_BANK_SHA256, token, AEM_FRESH_TOKEN_LEN, out);
}

enum aem_fresh_match aem_fresh_match(const struct aem_fresh_slot *s,
				     const uint8_t token[AEM_FRESH_TOKEN_LEN])
{
	uint8_t h[AEM_FRESH_HASH_LEN];
	enum aem_fresh_match m = AEM_FRESH_NONE;

	if (s->revoked || aem_fresh_token_hash(token, h))
		return AEM_FRESH_NONE;
	if (s->has_cur && !CRYPTO_memcmp(h, s->cur, sizeof(h)))
		m = AEM_FRESH_CUR;
	else if (s->has_next && !CRYPTO_memcmp(h, s->next, sizeof(h)))
		m = AEM_FRESH_NEXT;
	return m;
}

int aem_fresh_set_next(struct aem_fresh_slot *s, const uint8_t token[AEM_FRESH_TOKEN_LEN])
{
	int rc = aem_fresh_token_hash(token, s->next);

	s->has_next = rc == 0;
	s->revoked = false;
	return rc;
}

int aem_fresh_rotate(struct aem_fresh_slot *s, enum aem_fresh_match used,
		     const uint8_t token[AEM_FRESH_TOKEN_LEN])
{
	int rc;

	if (used == AEM_FRESH_NONE || s->revoked)
		return AEM_E_INVAL;
	rc = aem_fresh_token_hash(token, s->cur);
	if (rc)
		return rc;
	s->has_cur = true;
	if (used == AEM_FRESH_NEXT) {
		s->has_next = false;
		memset(s->next, 0, sizeof(s->next));
	}
	return 0;
}

void aem_fresh_revoke(struct aem_fresh_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->revoked = true;
}

bool aem_bundle_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > AEM_BUNDLE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return false;
	return true;
}

int aem_bundle_build(const struct aem_bundle *b, uint8_t **out, size_t *len)
{
	size_t n = BUNDLE_HDR, off;
	uint8_t *p;

	*out = NULL;
	*len = 0;
	if (b->n > AEM_BUNDLE_MAX_SECRETS || b->slot >= AEM_FRESH_SLOTS)
		return AEM_E_INVAL;
	for (size_t i = 0; i < b->n; i++) {
		if (!aem_bundle_name_ok(b->item[i].name) || b->item[i].len > AEM_BUNDLE_MAX_SECRET)
			return AEM_E_INVAL;
		n += 1 + strlen(b->item[i].name) + 4 + b->item[i].len;
	}
	p = calloc(1, n);
	if (!p)
		return AEM_E_NOMEM;
	memcpy(p, BUNDLE_MAGIC, 4);
	p[4] = BUNDLE_VERSION;
	p[5] = (uint8_t)b->slot;
	p[6] = (uint8_t)b->n;
	memcpy(p + 8, b->token, AEM_FRESH_TOKEN_LEN);
	memcpy(p + 8 + AEM_FRESH_TOKEN_LEN, b->slot_key, AEM_FRESH_KEY_LEN);
	off = BUNDLE_HDR;
	for (size_t i = 0; i < b->n; i++) {
		size_t nl = strlen(b->item[i].name);
		uint32_t l = (uint32_t)b->item[i].len;

		p[off++] = (uint8_t)nl;
		memcpy(p + off, b->item[i].name, nl);
		off += nl;
		for (unsigned k = 0; k < 4; k++)
			p[off++] = (uint8_t)(l >> (8 * k));
		if (l)
			memcpy(p + off, b->item[i].data, l);
		off += l;
	}
	*out = p;
	*len = n;
	return 0;
}

static int parse_item(struct aem_rd *r, struct aem_bundle_item *it)
{
	uint8_t nl;
	uint32_t l;
	const uint8_t *d;

	if (aem_rd_u8(r, &nl) || nl == 0 || nl > AEM_BUNDLE_NAME_MAX ||
	    aem_rd_bytes(r, it->name, nl))
		return AEM_E_FORMAT;
	it->name[nl] = '\0';
	/* strlen catches a NUL inside the name: it would not build back the same. */
	if (strlen(it->name) != nl || !aem_bundle_name_ok(it->name) || aem_rd_u32(r, &l) ||
	    l > AEM_BUNDLE_MAX_SECRET)
		return AEM_E_FORMAT;
	d = aem_rd_view(r, l);
	if (!d && l)
		return AEM_E_FORMAT;
	it->data = d;
	it->len = l;
	return 0;
}

int aem_bundle_parse(const uint8_t *buf, size_t len, struct aem_bundle *b)
{
	struct aem_rd r;
	uint8_t hdr[8];

	memset(b, 0, sizeof(*b));
	aem_rd_init(&r, buf, len);
	if (aem_rd_bytes(&r, hdr, sizeof(hdr)) || memcmp(hdr, BUNDLE_MAGIC, 4))
		return AEM_E_FORMAT;
	if (hdr[4] != BUNDLE_VERSION)
		return AEM_E_VERSION;
	if (hdr[5] >= AEM_FRESH_SLOTS || hdr[6] > AEM_BUNDLE_MAX_SECRETS || hdr[7] != 0 ||
	    aem_rd_bytes(&r, b->token, AEM_FRESH_TOKEN_LEN) ||
	    aem_rd_bytes(&r, b->slot_key, AEM_FRESH_KEY_LEN))
		goto bad;
	b->slot = hdr[5];
	b->n = hdr[6];
	for (size_t i = 0; i < b->n; i++) {
		if (parse_item(&r, &b->item[i]))
			goto bad;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(b->item[k].name, b->item[i].name))
				goto bad;
	}
	if (aem_rd_left(&r) == 0)
		return 0;
bad:
	explicit_bzero(b, sizeof(*b));
	return AEM_E_FORMAT;
}

const struct aem_bundle_item *aem_bundle_get(const struct aem_bundle *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(b->item[i].name, name))
			return &b->item[i];
	return NULL;
}

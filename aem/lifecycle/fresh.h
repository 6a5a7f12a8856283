/* Freshness (anti-replay) of the AEM media. Every sealed bundle carries a
 * random token; one TPM NV slot per media suffix holds the SHA-256 of the
 * token of the current bundle and of the pending one (written by `aem update`
 * before a reboot). A bundle whose token is in neither is an old copy of the
 * media: refused. Each successful boot rotates the token, so a copy taken
 * before that boot stops working. Pure: no TPM, no files (docs/lifecycle.md). */
#ifndef AEM_FRESH_H
#define AEM_FRESH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed.h"

#define AEM_FRESH_TOKEN_LEN 32
#define AEM_FRESH_HASH_LEN 32
#define AEM_FRESH_SLOTS 16
/* NV slot: "AEMF" | version | flags | 2 reserved | cur hash | next hash. */
#define AEM_FRESH_NV_SIZE (8 + 2 * AEM_FRESH_HASH_LEN)
#define AEM_FRESH_F_REVOKED 0x1u
/* The TPM identity: random bytes in a write-once NV index. */
#define AEM_TPM_ID_LEN 20

/* NV index of the identity and of freshness slot n, per TPM family
 * (owner-defined ranges of each family). */
uint32_t aem_fresh_id_index(enum aem_family f);
uint32_t aem_fresh_slot_index(enum aem_family f, unsigned slot);

struct aem_fresh_slot {
	bool revoked;
	bool has_cur, has_next;
	uint8_t cur[AEM_FRESH_HASH_LEN];
	uint8_t next[AEM_FRESH_HASH_LEN];
};

/* 0 or AEM_E_FORMAT (wrong size, magic or version, unknown flags). */
int aem_fresh_slot_parse(const uint8_t *buf, size_t len, struct aem_fresh_slot *s);
void aem_fresh_slot_serialize(const struct aem_fresh_slot *s, uint8_t out[AEM_FRESH_NV_SIZE]);

/* SHA-256 of a token, as stored in the slot. */
int aem_fresh_token_hash(const uint8_t token[AEM_FRESH_TOKEN_LEN], uint8_t out[AEM_FRESH_HASH_LEN]);

enum aem_fresh_match { AEM_FRESH_NONE = 0, AEM_FRESH_CUR, AEM_FRESH_NEXT };
/* Which of the slot's hashes the token matches (constant-time compares);
 * NONE for a revoked slot. */
enum aem_fresh_match aem_fresh_match(const struct aem_fresh_slot *s,
				     const uint8_t token[AEM_FRESH_TOKEN_LEN]);

/* State changes. A new pending bundle: next := H(token). A boot that
 * succeeded with `used` rotates to token: cur := H(token); next is kept when
 * the boot used the current bundle (an update may still be pending) and
 * dropped when it used the pending one (it is now the current one). */
int aem_fresh_set_next(struct aem_fresh_slot *s, const uint8_t token[AEM_FRESH_TOKEN_LEN]);
int aem_fresh_rotate(struct aem_fresh_slot *s, enum aem_fresh_match used,
		     const uint8_t token[AEM_FRESH_TOKEN_LEN]);
void aem_fresh_revoke(struct aem_fresh_slot *s);

/* The sealed payload: the media's secrets, the token and the slot's key,
 * bound together so an old token cannot travel with new secrets or the
 * reverse.
 *   "AEMP" | version 2 | slot | count | 0 | token[32] | slot key[32]
 *   then count x { u8 name length (1..32) | name | le32 length | bytes }
 * The slot key is the authorization of the freshness slot's NV index (keyed
 * kind, tpm.h): only a boot that unsealed the bundle can write the slot.
 * Version 1 (no slot key) parses as AEM_E_VERSION: reseal. */
#define AEM_FRESH_KEY_LEN 32
#define AEM_BUNDLE_MAX_SECRETS 16
#define AEM_BUNDLE_NAME_MAX 32
#define AEM_BUNDLE_MAX_SECRET (1u << 20)

struct aem_bundle_item {
	char name[AEM_BUNDLE_NAME_MAX + 1];
	const uint8_t *data;     /* points into the parsed buffer (not owned) */
	size_t len;
};

struct aem_bundle {
	unsigned slot;
	uint8_t token[AEM_FRESH_TOKEN_LEN];
	uint8_t slot_key[AEM_FRESH_KEY_LEN];
	size_t n;
	struct aem_bundle_item item[AEM_BUNDLE_MAX_SECRETS];
};

/* True for a secret name: [a-z0-9_-], 1..AEM_BUNDLE_NAME_MAX chars. */
bool aem_bundle_name_ok(const char *name);
/* Serialize b into a malloc'd *out (release with aem_buf_free: it holds secrets). */
int aem_bundle_build(const struct aem_bundle *b, uint8_t **out, size_t *len);
/* Parse buf into b; b's items point into buf. 0 or AEM_E_FORMAT /
 * AEM_E_VERSION; never reads outside buf[0..len). */
int aem_bundle_parse(const uint8_t *buf, size_t len, struct aem_bundle *b);
/* The item called name, NULL when absent. */
const struct aem_bundle_item *aem_bundle_get(const struct aem_bundle *b, const char *name);

#endif

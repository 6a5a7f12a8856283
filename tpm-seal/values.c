#include "values.h"
#include "err.h"

#include <stdbool.h>
#include <string.h>
#include <json-c/json.h>

/* A value file is a few PCRs; anything bigger is not one. */
#define MAX_JSON (1u << 20)
#define JSON_DEPTH 16

static unsigned popcount(aem_pcr_mask m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Printable ASCII and white space only: binary digests essentially never are. */
static bool is_text(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(buf[i]) && (buf[i] < 0x20 || buf[i] > 0x7e))
			return false;
	return true;
}

static bool looks_json(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && is_space(buf[i]))
		i++;
	return i < len && buf[i] == '{';
}

/* "0".."23" without sign, padding or leading zeros; -1 otherwise. */
static int pcr_index(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 2 || (n == 2 && k[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (k[i] < '0' || k[i] > '9')
			return -1;
	int v = n == 1 ? k[0] - '0' : (k[0] - '0') * 10 + (k[1] - '0');
	return v < AEM_PCR_COUNT ? v : -1;
}

static int json_bank_ok(struct json_object *root, enum aem_bank bank)
{
	struct json_object *b;

	if (!json_object_object_get_ex(root, "bank", &b))
		return 0;
	if (!json_object_is_type(b, json_type_string) ||
	    aem_bank_from_name(json_object_get_string(b)) != bank)
		return AEM_E_FORMAT;
	return 0;
}

static int json_pcrs(struct json_object *root, aem_pcr_mask want, size_t dsize,
		     struct aem_pcr_values *out)
{
	struct json_object *pcrs;

	if (!json_object_object_get_ex(root, "pcrs", &pcrs) ||
	    !json_object_is_type(pcrs, json_type_object))
		return AEM_E_FORMAT;
	/* Every entry must be well-formed, wanted or not: a typo in a PCR the
	 * caller would otherwise fill from the live TPM must not go unnoticed. */
	json_object_object_foreach(pcrs, key, val) {
		uint8_t d[AEM_MAX_DIGEST];
		int i = pcr_index(key);
		if (i < 0 || !json_object_is_type(val, json_type_string) ||
		    aem_unhex(json_object_get_string(val), d, dsize)) {
			out->mask = 0;
			return AEM_E_FORMAT;
		}
		if (!aem_pcr_mask_has(want, (unsigned)i))
			continue;
		memcpy(out->v[i], d, dsize);
		out->mask |= 1u << i;
	}
	/* Only here, with every entry valid, does a partial mask mean "missing". */
	return out->mask == want ? 0 : AEM_E_FORMAT;
}

/* NULL unless buf is exactly one JSON object (trailing white space allowed). */
static struct json_object *json_from(const uint8_t *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	struct json_object *root;
	size_t end;

	if (!tok)
		return NULL;
	root = json_tokener_parse_ex(tok, (const char *)buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (root && json_tokener_get_error(tok) == json_tokener_success) {
		while (end < len && is_space(buf[end]))
			end++;
	}
	if (!root || end != len || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

static int parse_binary(const uint8_t *buf, size_t len, aem_pcr_mask want, size_t dsize,
			struct aem_pcr_values *out)
{
	size_t off = 0;

	if (len != popcount(want) * dsize)
		return AEM_E_FORMAT;
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(want, i))
			continue;
		memcpy(out->v[i], buf + off, dsize);
		off += dsize;
	}
	out->mask = want;
	return 0;
}

int aem_values_parse(const uint8_t *buf, size_t len, enum aem_bank bank, aem_pcr_mask want,
		     struct aem_pcr_values *out)
{
	size_t dsize = aem_bank_size(bank);
	struct json_object *root;
	int rc;

	if (!out || (!buf && len) || !dsize || want == 0 || want >> AEM_PCR_COUNT)
		return AEM_E_INVAL;
	memset(out, 0, sizeof(*out));
	out->bank = bank;
	if (!looks_json(buf, len))
		return parse_binary(buf, len, want, dsize, out);
	if (len > MAX_JSON)
		return AEM_E_FORMAT;
	root = json_from(buf, len);
	if (!root) {
		/* A binary digest may begin with '{' (0x7b); text that fails to parse is broken JSON. */
		return is_text(buf, len) ? AEM_E_FORMAT : parse_binary(buf, len, want, dsize, out);
	}
	rc = json_bank_ok(root, bank);
	if (!rc)
		rc = json_pcrs(root, want, dsize, out);
	json_object_put(root);
	return rc;
}

int aem_tpm_check_measured(const struct aem_pcr_values *v, unsigned *bad_pcr)
{
	size_t n = aem_bank_size(v->bank);

	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		int bad = 0;

		if (!aem_pcr_mask_has(v->mask, i))
			continue;
		if (i >= 17 && i <= 22 && aem_all_bytes(v->v[i], n, 0xff))
			bad = 1;
		if ((i == 17 || i == 18 || i == 13) && aem_all_bytes(v->v[i], n, 0x00))
			bad = 1;
		if (bad) {
			*bad_pcr = i;
			return AEM_TPM_E_UNMEASURED;
		}
	}
	return 0;
}

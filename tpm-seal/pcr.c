#include "pcr.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

static const struct {
	enum aem_bank bank;
	const char *name;
	size_t size;
} banks[] = {
	{ AEM_BANK_SHA1, "sha1", 20 },
	{ AEM_BANK_SHA256, "sha256", 32 },
	{ AEM_BANK_SHA384, "sha384", 48 },
	{ AEM_BANK_SHA512, "sha512", 64 },
};

size_t aem_bank_size(enum aem_bank bank)
{
	for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++)
		if (banks[i].bank == bank)
			return banks[i].size;
	return 0;
}

const char *aem_bank_name(enum aem_bank bank)
{
	for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++)
		if (banks[i].bank == bank)
			return banks[i].name;
	return "unknown";
}

enum aem_bank aem_bank_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(banks) / sizeof(banks[0]); i++)
		if (strcmp(banks[i].name, name) == 0)
			return banks[i].bank;
	return AEM_BANK_NONE;
}

enum aem_bank aem_bank_from_alg(uint16_t alg)
{
	return aem_bank_size((enum aem_bank)alg) ? (enum aem_bank)alg : AEM_BANK_NONE;
}

int aem_pcr_mask_parse(const char *s, aem_pcr_mask *out)
{
	aem_pcr_mask m = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	while (*p) {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*p))
			return -1;
		a = strtol(p, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -1;
			b = strtol(end + 1, &end, 10);
		}
		if (a < 0 || b >= AEM_PCR_COUNT || a > b)
			return -1;
		for (long i = a; i <= b; i++)
			m |= 1u << i;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	*out = m;
	return 0;
}

char *aem_pcr_mask_format(aem_pcr_mask m, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(m, i))
			continue;
		int n = snprintf(buf + off, len - off, "%s%u", off ? "," : "", i);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	return buf;
}

static const EVP_MD *bank_md(enum aem_bank bank)
{
	switch (bank) {
	case AEM_BANK_SHA1: return EVP_sha1();
	case AEM_BANK_SHA256: return EVP_sha256();
	case AEM_BANK_SHA384: return EVP_sha384();
	case AEM_BANK_SHA512: return EVP_sha512();
	default: return NULL;
	}
}

int aem_hash(enum aem_bank bank, const void *data, size_t len, uint8_t *out)
{
	const EVP_MD *md = bank_md(bank);
	unsigned int n = 0;

	if (!md)
		return AEM_TPM_E_INVAL;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1)
		return AEM_TPM_E_CRYPTO;
	return 0;
}

int aem_pcr_extend(enum aem_bank bank, uint8_t *pcr, const uint8_t *digest)
{
	uint8_t buf[2 * AEM_MAX_DIGEST];
	size_t n = aem_bank_size(bank);

	if (!n)
		return AEM_TPM_E_INVAL;
	memcpy(buf, pcr, n);
	memcpy(buf + n, digest, n);
	return aem_hash(bank, buf, 2 * n, pcr);
}

char *aem_hex(const uint8_t *b, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[b[i] >> 4];
		out[2 * i + 1] = x[b[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int aem_unhex(const char *s, uint8_t *out, size_t n)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

bool aem_all_bytes(const uint8_t *b, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

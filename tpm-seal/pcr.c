#include "pcr.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

static const struct {
	enum aem_bank bank;
	size_t size;
} banks[] = {
	{ AEM_BANK_SHA1, 20 },
	{ AEM_BANK_SHA256, 32 },
	{ AEM_BANK_SHA384, 48 },
	{ AEM_BANK_SHA512, 64 },
};

size_t aem_bank_size(enum aem_bank bank)
{
	for (size_t i = 0; i < sizeof(banks) / sizeof(banks[0]); i++)
		if (banks[i].bank == bank)
			return banks[i].size;
	return 0;
}

enum aem_bank aem_bank_from_alg(uint16_t alg)
{
	return aem_bank_size((enum aem_bank)alg) ? (enum aem_bank)alg : AEM_BANK_NONE;
}

const EVP_MD *aem_bank_md(enum aem_bank bank)
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
	const EVP_MD *md = aem_bank_md(bank);
	unsigned int n = 0;

	if (!md)
		return AEM_E_INVAL;
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1)
		return AEM_E_CRYPTO;
	return 0;
}

int aem_pcr_extend(enum aem_bank bank, uint8_t *pcr, const uint8_t *digest)
{
	uint8_t buf[2 * AEM_MAX_DIGEST];
	size_t n = aem_bank_size(bank);

	if (!n)
		return AEM_E_INVAL;
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

bool aem_all_bytes(const uint8_t *b, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

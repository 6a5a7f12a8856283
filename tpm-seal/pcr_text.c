/* Text forms of PCR things: bank names, PCR lists ("13,17-19"), hex input.
 * For the commands; the boot path needs none of it. */
#include "pcr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	enum aem_bank bank;
	const char *name;
} names[] = {
	{ AEM_BANK_SHA1, "sha1" },
	{ AEM_BANK_SHA256, "sha256" },
	{ AEM_BANK_SHA384, "sha384" },
	{ AEM_BANK_SHA512, "sha512" },
};

const char *aem_bank_name(enum aem_bank bank)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].bank == bank)
			return names[i].name;
	return "unknown";
}

enum aem_bank aem_bank_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].bank;
	return AEM_BANK_NONE;
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

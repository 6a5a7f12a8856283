/* base32 for TOTP secrets. The decoder maps characters arithmetically (no
 * table indexed by secret data) and checks every byte against its bounds. */
#include "base32.h"
#include "disp_err.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t aem_disp_base32_enclen(size_t n)
{
	return n / 5 * 8 + (n % 5 * 8 + 4) / 5;
}

int aem_disp_base32_encode(const uint8_t *in, size_t n, char *out, size_t outsz)
{
	size_t need = aem_disp_base32_enclen(n), o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (!out || outsz == 0 || (n && !in))
		return AEM_DISP_E_INVAL;
	out[0] = '\0';
	if (need >= outsz)
		return AEM_DISP_E_SPACE;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = alphabet[(acc >> bits) & 31];
		}
	}
	if (bits)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	acc = 0;
	return AEM_DISP_OK;
}

/* Value 0..31 of a base32 character, or -1. Branch-free on the character so
 * decoding a secret does not index memory by it. */
static int b32val(uint8_t c)
{
	int ch = c, up = ch & ~0x20, v = -1;

	/* letters: either case */
	v += ((('A' - 1 - up) & (up - ('Z' + 1))) >> 8 & 1) * (up - 'A' + 1);
	/* digits 2-7 */
	v += ((('2' - 1 - ch) & (ch - ('7' + 1))) >> 8 & 1) * (ch - '2' + 26 + 1);
	return v;
}

/* Lengths (mod 8) that a whole number of bytes can produce. */
static int valid_tail(size_t n)
{
	switch (n % 8) {
	case 0: case 2: case 4: case 5: case 7:
		return 1;
	}
	return 0;
}

static int fail(uint8_t *out, size_t outsz, size_t *outlen, int err)
{
	if (out && outsz)
		explicit_bzero(out, outsz);
	if (outlen)
		*outlen = 0;
	return err;
}

int aem_disp_base32_decode(const uint8_t *buf, size_t len, uint8_t *out, size_t outsz,
			   size_t *outlen)
{
	size_t data = len, o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if ((!buf && len) || !outlen || (!out && outsz))
		return fail(out, outsz, outlen, AEM_DISP_E_INVAL);
	while (data > 0 && buf[data - 1] == '=')
		data--;
	if (data < len && (len % 8 != 0 || len - data >= 8))
		return fail(out, outsz, outlen, AEM_DISP_E_FORMAT);
	if (!valid_tail(data))
		return fail(out, outsz, outlen, AEM_DISP_E_FORMAT);
	if (data * 5 / 8 > outsz)
		return fail(out, outsz, outlen, AEM_DISP_E_SPACE);
	for (size_t i = 0; i < data; i++) {
		int v = b32val(buf[i]);

		if (v < 0)
			return fail(out, outsz, outlen, AEM_DISP_E_FORMAT);
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1)) {
		acc = 0;
		return fail(out, outsz, outlen, AEM_DISP_E_FORMAT);
	}
	acc = 0;
	*outlen = o;
	return AEM_DISP_OK;
}

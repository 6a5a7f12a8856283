/* Kernel command line parsing for the boot path: words separated by white
 * space, a value optionally in double quotes; later aem.uuid= wins as the
 * kernel's own parameters do, rd.luks.uuid= accumulates. */
#include "boot_args.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		return AEM_E_FORMAT;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int set_uuid(char *dst, size_t size, const char *v, size_t n)
{
	if (n > 5 && !strncmp(v, "luks-", 5))
		v += 5, n -= 5;
	if (n != 36 || memchr(v, '\0', n))
		return AEM_E_FORMAT;
	for (size_t i = 0; i < n; i++)
		if (!(isxdigit((unsigned char)v[i]) || ((i == 8 || i == 13 || i == 18 || i == 23) && v[i] == '-')))
			return AEM_E_FORMAT;
	return set(dst, size, v, n);
}

static int set_timeout(unsigned *t, const char *v, size_t n)
{
	char b[12];
	char *end;
	unsigned long x;

	if (set(b, sizeof(b), v, n) || !n)
		return AEM_E_FORMAT;
	x = strtoul(b, &end, 10);
	if (*end || x == 0 || x > 3600)
		return AEM_E_FORMAT;
	*t = (unsigned)x;
	return 0;
}

/* One key=value word. Unknown keys are not ours. */
static int word(struct aem_boot_args *a, const char *k, size_t kn, const char *v, size_t vn)
{
#define KEY(s) (kn == sizeof(s) - 1 && !memcmp(k, s, kn))
	if (KEY("aem.uuid"))
		return set_uuid(a->media_uuid, sizeof(a->media_uuid), v, vn);
	if (KEY("aem.usb"))
		return set(a->usb, sizeof(a->usb), v, vn);
	if (KEY("aem.timeout"))
		return set_timeout(&a->timeout_s, v, vn);
	if (KEY("rd.luks.uuid")) {
		if (a->nluks == AEM_BOOT_MAX_LUKS)
			return AEM_E_FORMAT;
		return set_uuid(a->luks[a->nluks++], sizeof(a->luks[0]), v, vn);
	}
	return 0;
#undef KEY
}

int aem_boot_args_parse(const char *s, size_t len, struct aem_boot_args *a)
{
	size_t i = 0;

	if (!s || !a)
		return AEM_E_INVAL;
	memset(a, 0, sizeof(*a));
	a->timeout_s = AEM_BOOT_DEFAULT_TIMEOUT;
	while (i < len) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		size_t k = i, eq = 0, vs, ve;
		int quoted = 0;
		while (i < len && (quoted || !isspace((unsigned char)s[i]))) {
			if (s[i] == '"')
				quoted = !quoted;
			else if (s[i] == '=' && !eq)
				eq = i;
			i++;
		}
		if (!eq || eq == k)
			continue;
		vs = eq + 1, ve = i;
		if (ve > vs && s[vs] == '"')
			vs++;
		if (ve > vs && s[ve - 1] == '"')
			ve--;
		int err = word(a, s + k, eq - k, s + vs, ve - vs);
		if (err)
			return err;
	}
	return 0;
}

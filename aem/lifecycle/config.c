/* /etc/aem/aem.conf reader. Text, not binary: a line at a time, each value
 * checked against the same rules the command-line options use. */
#include "config.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

void aem_config_defaults(struct aem_config *c)
{
	memset(c, 0, sizeof(*c));
	c->pcrs_tpm2 = (1u << 13) | (1u << 17) | (1u << 18);
	c->pcrs_tpm12 = (1u << 13) | (1u << 17) | (1u << 18) | (1u << 19);
	c->bank_tpm2 = AEM_BANK_SHA256;
	c->display = AEM_DISPLAY_AUTO;
	snprintf(c->grub_cfg, sizeof(c->grub_cfg), "/boot/grub/grub.cfg");
	snprintf(c->boot_dir, sizeof(c->boot_dir), "/boot");
}

const char *aem_display_name(enum aem_display d)
{
	switch (d) {
	case AEM_DISPLAY_TOTP: return "totp";
	case AEM_DISPLAY_BOTH: return "both";
	case AEM_DISPLAY_TEXT: return "text";
	default: return "auto";
	}
}

const char *aem_launch_name(enum aem_launch_kind k)
{
	return k == AEM_LAUNCH_TBOOT ? "tboot" : k == AEM_LAUNCH_TRENCHBOOT ? "trenchboot" : "auto";
}

bool aem_display_wants(enum aem_display d, const char *name)
{
	bool totp = !strcmp(name, AEM_ITEM_TOTP);

	if (!strcmp(name, AEM_ITEM_LUKS_KEY))
		return true;
	return d == AEM_DISPLAY_TEXT ? !totp : d == AEM_DISPLAY_TOTP ? totp : true;
}

const char *aem_display_check(enum aem_display d, const char *const *names, size_t n)
{
	bool totp = false, text = false;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], AEM_ITEM_TOTP))
			totp = true;
		else if (strcmp(names[i], AEM_ITEM_LUKS_KEY))
			text = true;
	}
	if ((d == AEM_DISPLAY_TOTP || d == AEM_DISPLAY_BOTH) && !totp)
		return "display = totp/both, but there is no totp secret: run aem totp init "
		       "(or set display = text)";
	if ((d == AEM_DISPLAY_TEXT || d == AEM_DISPLAY_BOTH) && !text)
		return "display = text/both, but there is no text secret: run aem secret set "
		       "--text ... (or set display = totp)";
	if (!totp && !text)
		return "nothing to show at boot: the luks-key alone proves nothing; run aem secret "
		       "set --text ... or aem totp init";
	return NULL;
}

static int bad(char *err, size_t errlen, unsigned line, const char *why, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "line %u: %s%s%s", line, why, what ? ": " : "", what ? what : "");
	return AEM_E_FORMAT;
}

/* PCR 13 carries the LUKS headers and at least one DRTM PCR must be in the
 * set, or the seal would not depend on the measured launch at all. */
static int pcr_set(const char *v, aem_pcr_mask *out)
{
	aem_pcr_mask m;

	if (aem_pcr_mask_parse(v, &m) || !m)
		return -1;
	if (!(m & ((1u << 17) | (1u << 18))))
		return -1;
	*out = m;
	return 0;
}

static int path_value(const char *v, char *out, size_t len)
{
	size_t n = strlen(v);

	if (n >= len || (n && v[0] != '/'))
		return -1;
	memcpy(out, v, n + 1);
	return 0;
}

static int set_key(struct aem_config *c, const char *k, const char *v)
{
	if (!strcmp(k, "pcrs_tpm2"))
		return pcr_set(v, &c->pcrs_tpm2);
	if (!strcmp(k, "pcrs_tpm12"))
		return pcr_set(v, &c->pcrs_tpm12);
	if (!strcmp(k, "bank_tpm2")) {
		enum aem_bank b = aem_bank_from_name(v);
		if (b == AEM_BANK_NONE)
			return -1;
		c->bank_tpm2 = b;
		return 0;
	}
	if (!strcmp(k, "display")) {
		if (!strcmp(v, "auto")) c->display = AEM_DISPLAY_AUTO;
		else if (!strcmp(v, "text")) c->display = AEM_DISPLAY_TEXT;
		else if (!strcmp(v, "totp")) c->display = AEM_DISPLAY_TOTP;
		else if (!strcmp(v, "both")) c->display = AEM_DISPLAY_BOTH;
		else return -1;
		return 0;
	}
	if (!strcmp(k, "launch")) {
		if (!strcmp(v, "auto")) c->launch = AEM_LAUNCH_AUTO;
		else if (!strcmp(v, "tboot")) c->launch = AEM_LAUNCH_TBOOT;
		else if (!strcmp(v, "trenchboot")) c->launch = AEM_LAUNCH_TRENCHBOOT;
		else return -1;
		return 0;
	}
	if (!strcmp(k, "grub_cfg"))
		return path_value(v, c->grub_cfg, sizeof(c->grub_cfg));
	if (!strcmp(k, "boot_dir"))
		return path_value(v, c->boot_dir, sizeof(c->boot_dir));
	if (!strcmp(k, "event_log"))
		return path_value(v, c->event_log, sizeof(c->event_log));
	if (!strcmp(k, "grub_entry")) {
		if (strlen(v) >= sizeof(c->grub_entry))
			return -1;
		snprintf(c->grub_entry, sizeof(c->grub_entry), "%s", v);
		return 0;
	}
	return -2;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct aem_config *c, char *s, unsigned line, char *err, size_t errlen)
{
	char *eq, *k, *v;
	int rc;

	s = trim(s);
	if (!*s || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return bad(err, errlen, line, "expected key = value", NULL);
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	rc = set_key(c, k, v);
	if (rc == -2)
		return bad(err, errlen, line, "unknown key", k);
	if (rc)
		return bad(err, errlen, line, "bad value for", k);
	return 0;
}

int aem_config_parse(const char *text, size_t len, struct aem_config *c, char *err,
		     size_t errlen)
{
	char buf[LINE_MAX_LEN];
	unsigned line = 0;
	size_t i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		size_t n = 0;

		line++;
		while (i < len && text[i] != '\n') {
			if (text[i] == '\0')
				return bad(err, errlen, line, "NUL byte", NULL);
			if (n + 1 >= sizeof(buf))
				return bad(err, errlen, line, "line too long", NULL);
			buf[n++] = text[i++];
		}
		i++; /* the newline */
		buf[n] = '\0';
		rc = parse_line(c, buf, line, err, errlen);
	}
	return rc;
}

int aem_config_load(const char *path, struct aem_config *c, char *err, size_t errlen)
{
	char *text;
	size_t n;
	FILE *f;
	int rc;

	aem_config_defaults(c);
	if (!path)
		path = getenv("AEM_CONF");
	if (!path || !*path)
		path = AEM_CONF_DEFAULT;
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return AEM_E_IO;
	}
	text = malloc(AEM_CONF_MAX + 1);
	if (!text) {
		fclose(f);
		return AEM_E_NOMEM;
	}
	n = fread(text, 1, AEM_CONF_MAX + 1, f);
	rc = ferror(f) ? AEM_E_IO : n > AEM_CONF_MAX ? AEM_E_FORMAT : 0;
	fclose(f);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, rc == AEM_E_IO ? "read error" : "too large");
	else
		rc = aem_config_parse(text, n, c, err, errlen);
	free(text);
	return rc;
}

aem_pcr_mask aem_config_pcrs(const struct aem_config *c, enum aem_family f)
{
	return f == AEM_FAMILY_TPM12 ? c->pcrs_tpm12 : c->pcrs_tpm2;
}

enum aem_bank aem_config_bank(const struct aem_config *c, enum aem_family f)
{
	return f == AEM_FAMILY_TPM12 ? AEM_BANK_SHA1 : c->bank_tpm2;
}

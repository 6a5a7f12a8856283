/* xen.cfg as xen.efi reads it, and the command line Xen measures on UEFI. Rules:
 * docs/measurement.md ("TrenchBoot, UEFI: exact strings"). */
#include "trenchboot.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CFG_MAX (1u << 20)

static const char *const mod_keys[AEM_TB_XENCFG_MAX_MODULES] = {
	"kernel", "ramdisk", "xsm", "ucode",
};

struct line {
	const char *s;   /* after leading blanks, before a comment */
	size_t n;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next line of text: leading blanks dropped, cut at '#', '\r' before '\n' dropped. */
static bool next_line(const char **p, const char *end, struct line *l)
{
	const char *s = *p, *e;

	if (s >= end)
		return false;
	e = memchr(s, '\n', (size_t)(end - s));
	*p = e ? e + 1 : end;
	if (!e)
		e = end;
	if (e > s && e[-1] == '\r')
		e--;
	while (s < e && blank(*s))
		s++;
	l->s = s;
	l->n = (size_t)(e - s);
	for (size_t i = 0; i < l->n; i++)
		if (s[i] == '#') {
			l->n = i;
			break;
		}
	return true;
}

static int err_out(char *err, size_t errlen, const char *msg, const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s%s%s", msg, arg ? " " : "", arg ? arg : "");
	return AEM_E_FORMAT;
}

/* The value of key in [section] (NULL: none); a NUL byte in the text ends it. */
static char *get_value(const char *text, size_t len, const char *section, const char *key)
{
	const char *p = text, *end = text + len;
	size_t sl = strlen(section), kl = strlen(key);
	bool in = false;
	struct line l;

	while (next_line(&p, end, &l)) {
		if (l.n && l.s[0] == '[') {
			const char *c = memchr(l.s, ']', l.n);

			in = c && (size_t)(c - l.s - 1) == sl && !memcmp(l.s + 1, section, sl);
			continue;
		}
		if (in && l.n > kl && !memcmp(l.s, key, kl) && l.s[kl] == '=') {
			const char *v = l.s + kl + 1, *ve = l.s + l.n;

			while (v < ve && blank(*v))
				v++;
			return strndup(v, (size_t)(ve - v));
		}
	}
	return NULL;
}

static bool has_section(const char *text, size_t len, const char *section)
{
	const char *p = text, *end = text + len;
	size_t sl = strlen(section);
	struct line l;

	while (next_line(&p, end, &l))
		if (l.n >= sl + 2 && l.s[0] == '[' && l.s[sl + 1] == ']' &&
		    !memcmp(l.s + 1, section, sl))
			return true;
	return false;
}

/* The module string: the file name, and for kernel= a space and the rest. */
static int module_string(const char *value, bool with_args, char **file, char **string)
{
	size_t n = strcspn(value, " \t");
	const char *rest = value + n;

	while (blank(*rest))
		rest++;
	*file = strndup(value, n);
	if (with_args && *rest) {
		size_t total = n + 1 + strlen(rest) + 1;

		*string = malloc(total);
		if (*string)
			snprintf(*string, total, "%.*s %s", (int)n, value, rest);
	} else {
		*string = strndup(value, n);
	}
	return *file && *string ? 0 : AEM_E_NOMEM;
}

void aem_tb_xencfg_free(struct aem_tb_xencfg *c)
{
	if (!c)
		return;
	free(c->section);
	free(c->options);
	for (size_t i = 0; i < c->nmod; i++) {
		free(c->mod[i].file);
		free(c->mod[i].string);
	}
	memset(c, 0, sizeof(*c));
}

int aem_tb_xencfg_parse(const char *text, size_t len, const char *section,
			struct aem_tb_xencfg *out, char *err, size_t errlen)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!text || len > CFG_MAX)
		return err_out(err, errlen, "not a xen.cfg (empty or larger than 1 MiB)", NULL);
	len = strnlen(text, len);
	if (section)
		out->section = strdup(section);
	else if (!(out->section = get_value(text, len, "global", "default")) || !*out->section)
		return aem_tb_xencfg_free(out),
		       err_out(err, errlen, "xen.cfg has no default= in [global]: name the section "
			       "(--section) Xen boots", NULL);
	if (!out->section)
		return AEM_E_NOMEM;
	if (!has_section(text, len, out->section)) {
		rc = err_out(err, errlen, "xen.cfg has no section", out->section);
		aem_tb_xencfg_free(out);
		return rc;
	}
	out->options = get_value(text, len, out->section, "options");
	if (!out->options && !(out->options = strdup("")))
		return aem_tb_xencfg_free(out), AEM_E_NOMEM;
	for (size_t k = 0; k < AEM_TB_XENCFG_MAX_MODULES && rc == 0; k++) {
		char *v = get_value(text, len, out->section, mod_keys[k]);

		if (!v || !*v) {
			free(v);
			continue;
		}
		out->mod[out->nmod].key = mod_keys[k];
		rc = module_string(v, k == 0, &out->mod[out->nmod].file, &out->mod[out->nmod].string);
		out->nmod++;
		free(v);
	}
	if (rc == 0 && (out->nmod == 0 || strcmp(out->mod[0].key, "kernel")))
		rc = err_out(err, errlen, "xen.cfg section has no kernel= line:", out->section);
	if (rc)
		aem_tb_xencfg_free(out);
	return rc;
}

/* Append s[0..n) to buf (NUL kept); AEM_E_INVAL when it does not fit. */
static int put(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
	if (n >= size - *at)
		return AEM_E_INVAL;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = 0;
	return 0;
}

int aem_tb_efi_cmdline(enum aem_tb_release rel, const char *options,
		       const char *load_options, char *buf, size_t size)
{
	const char *lo = load_options ? load_options : "", *extra = NULL, *cut;
	size_t at = 0;
	int rc = 0;

	if (!buf || !size || !options)
		return AEM_E_INVAL;
	buf[0] = 0;
	for (const char *p = lo; *p; p++) /* a "--" token of the load options */
		if ((p == lo || blank(p[-1])) && p[0] == '-' && p[1] == '-' &&
		    (!p[2] || blank(p[2]))) {
			extra = p + 2;
			while (blank(*extra))
				extra++;
			break;
		}
	if (rel == AEM_TB_REL_V050) {
		const char *s = lo;
		size_t n;

		while (blank(*s))
			s++;
		n = strcspn(s, " \t");
		if (n == 0 || (n == 2 && !strncmp(s, "--", 2)))
			s = "xen", n = 3;
		rc = put(buf, size, &at, s, n);
		if (rc == 0)
			rc = put(buf, size, &at, " ", 1);
	}
	if (rc == 0)
		rc = put(buf, size, &at, options, strlen(options));
	if (rc == 0 && extra && *extra) {
		rc = put(buf, size, &at, " ", 1);
		if (rc == 0)
			rc = put(buf, size, &at, extra, strlen(extra));
	}
	if (rc == 0 && (cut = strstr(buf, " -- ")) != NULL)
		buf[cut - buf] = 0;
	return rc;
}

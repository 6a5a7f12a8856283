/* otpauth Key URI writer and parser. The parser reads untrusted text (a URI
 * pasted or scanned by a user) through a bounds-checked cursor. */
#include "otpauth.h"
#include "base32.h"
#include "disp_err.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PERIOD_MAX 86400u
/* base32 text of the longest key, plus room for '=' padding */
#define SECRET_TEXT_MAX (AEM_DISP_OTP_KEY_MAX * 8 / 5 + 8)

void aem_disp_otpauth_init(struct aem_disp_otpauth *u)
{
	memset(u, 0, sizeof(*u));
	u->type = AEM_DISP_OTP_TOTP;
	u->alg = AEM_DISP_OTP_SHA1;
	u->digits = 6;
	u->period = AEM_DISP_OTP_PERIOD;
}

void aem_disp_otpauth_wipe(struct aem_disp_otpauth *u)
{
	if (u)
		explicit_bzero(u, sizeof(*u));
}

/* Well-formed UTF-8 without C0/C1 controls or DEL: names end up on a
 * terminal, where such bytes could move the cursor or hide text. */
static int name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = (uint8_t)s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f || c == ':')
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return 0;
		if (n - i <= k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			uint8_t cc = (uint8_t)s[i + j];

			if ((cc & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (cc & 0x3f);
		}
		/* overlong, surrogate, out of range, C1 control */
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += k + 1;
	}
	return 1;
}

int aem_disp_otpauth_check(const struct aem_disp_otpauth *u)
{
	size_t il, al;

	if (!u)
		return AEM_DISP_E_INVAL;
	il = strnlen(u->issuer, sizeof(u->issuer));
	al = strnlen(u->account, sizeof(u->account));
	if (il == sizeof(u->issuer) || al == sizeof(u->account))
		return AEM_DISP_E_TOOLONG;
	/* leading spaces of an account name are dropped after "ISSUER:" */
	if (al == 0 || u->account[0] == ' ' || !name_ok(u->account, al) ||
	    !name_ok(u->issuer, il))
		return AEM_DISP_E_INVAL;
	if (u->secret_len == 0 || u->secret_len > sizeof(u->secret))
		return AEM_DISP_E_INVAL;
	if (!aem_disp_otp_alg_name(u->alg) || u->digits < AEM_DISP_OTP_DIGITS_MIN ||
	    u->digits > AEM_DISP_OTP_DIGITS_MAX)
		return AEM_DISP_E_INVAL;
	if (u->type == AEM_DISP_OTP_TOTP && (u->period == 0 || u->period > PERIOD_MAX))
		return AEM_DISP_E_INVAL;
	if (u->type != AEM_DISP_OTP_TOTP && u->type != AEM_DISP_OTP_HOTP)
		return AEM_DISP_E_INVAL;
	return AEM_DISP_OK;
}

/* ---- writer ---- */

struct out {
	char *buf;
	size_t size, pos;
	int err;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->err)
		return;
	if (n >= o->size - o->pos) {
		o->err = AEM_DISP_E_SPACE;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	o->buf[o->pos] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* RFC 3986 unreserved characters stay; '@' is legal in both path and query
 * and keeps e-mail style account names readable; everything else is %XX. */
static void put_escaped(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		uint8_t c = (uint8_t)*s;
		char e[3] = { '%', hex[c >> 4], hex[c & 15] };

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '@')
			put(o, s, 1);
		else
			put(o, e, 3);
	}
}

int aem_disp_otpauth_format(const struct aem_disp_otpauth *u, char *out, size_t outsz)
{
	char secret[SECRET_TEXT_MAX + 1], num[32];
	struct out o = { out, outsz, 0, 0 };
	int rc;

	if (!out || outsz == 0)
		return AEM_DISP_E_INVAL;
	out[0] = '\0';
	rc = aem_disp_otpauth_check(u);
	if (rc)
		return rc;
	rc = aem_disp_base32_encode(u->secret, u->secret_len, secret, sizeof(secret));
	if (rc)
		return rc;
	puts_(&o, u->type == AEM_DISP_OTP_TOTP ? "otpauth://totp/" : "otpauth://hotp/");
	if (u->issuer[0]) {
		put_escaped(&o, u->issuer);
		puts_(&o, ":");
	}
	put_escaped(&o, u->account);
	puts_(&o, "?secret=");
	puts_(&o, secret);
	explicit_bzero(secret, sizeof(secret));
	if (u->issuer[0]) {
		puts_(&o, "&issuer=");
		put_escaped(&o, u->issuer);
	}
	if (u->type == AEM_DISP_OTP_TOTP)
		snprintf(num, sizeof(num), "&period=%u", u->period);
	else
		snprintf(num, sizeof(num), "&counter=%" PRIu64, u->counter);
	puts_(&o, num);
	snprintf(num, sizeof(num), "&digits=%u", u->digits);
	puts_(&o, num);
	if (u->alg != AEM_DISP_OTP_SHA1) {
		puts_(&o, "&algorithm=");
		puts_(&o, aem_disp_otp_alg_name(u->alg));
	}
	if (o.err)
		explicit_bzero(out, outsz);
	return o.err;
}

/* ---- parser ---- */

/* A view of len bytes; every access goes through these helpers. */
struct cur {
	const uint8_t *p;
	size_t len, pos;
};

static int take_prefix(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if (c->len - c->pos < n || strncasecmp((const char *)c->p + c->pos, lit, n))
		return 0;
	c->pos += n;
	return 1;
}

/* Span up to (not including) the first byte in stops, or the end. A NUL
 * byte is data here (strchr would match the terminator). */
static struct cur span_until(struct cur *c, const char *stops)
{
	struct cur s = { c->p + c->pos, 0, 0 };

	while (c->pos < c->len && !memchr(stops, c->p[c->pos], strlen(stops)))
		c->pos++, s.len++;
	return s;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode s into out (NUL terminated). Raw bytes must be visible
 * ASCII; %00 is refused so the result is a C string of exactly *n bytes. */
static int pct_decode(struct cur s, char *out, size_t outsz, size_t *n)
{
	size_t o = 0;

	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.p[i];

		if (c <= 0x20 || c >= 0x7f)
			return AEM_DISP_E_FORMAT;
		if (c == '%') {
			int hi, lo;

			if (s.len - i < 3)
				return AEM_DISP_E_FORMAT;
			hi = hexval(s.p[i + 1]);
			lo = hexval(s.p[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return AEM_DISP_E_FORMAT;
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= outsz)
			return AEM_DISP_E_FORMAT;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*n = o;
	return AEM_DISP_OK;
}

/* Decimal without sign or leading junk, at most max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return AEM_DISP_E_FORMAT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return AEM_DISP_E_FORMAT;
		if (x > (max - (uint64_t)(*s - '0')) / 10)
			return AEM_DISP_E_FORMAT;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return AEM_DISP_OK;
}

/* Split the decoded label "ISSUER:ACCOUNT" (or "ACCOUNT"); spaces may
 * follow the colon and are not part of the account name. */
static int split_label(const char *label, struct aem_disp_otpauth *u)
{
	const char *colon = strchr(label, ':'), *acc = label;
	size_t il = 0;

	if (colon) {
		il = (size_t)(colon - label);
		if (il == 0 || il > AEM_DISP_NAME_MAX)
			return AEM_DISP_E_FORMAT;
		memcpy(u->issuer, label, il);
		u->issuer[il] = '\0';
		acc = colon + 1;
		while (*acc == ' ')
			acc++;
	}
	if (!*acc || strlen(acc) > AEM_DISP_NAME_MAX)
		return AEM_DISP_E_FORMAT;
	memcpy(u->account, acc, strlen(acc) + 1);
	if (!name_ok(u->account, strlen(u->account)) || !name_ok(u->issuer, il))
		return AEM_DISP_E_FORMAT;
	return AEM_DISP_OK;
}

enum { SEEN_SECRET = 1, SEEN_ISSUER = 2, SEEN_ALG = 4, SEEN_DIGITS = 8, SEEN_PERIOD = 16,
       SEEN_COUNTER = 32 };

static int param_secret(const char *v, struct aem_disp_otpauth *u)
{
	size_t n = strlen(v);

	if (n > SECRET_TEXT_MAX)
		return AEM_DISP_E_FORMAT;
	if (aem_disp_base32_decode((const uint8_t *)v, n, u->secret, sizeof(u->secret),
				   &u->secret_len) || u->secret_len == 0)
		return AEM_DISP_E_FORMAT;
	return AEM_DISP_OK;
}

static int param_issuer(const char *v, struct aem_disp_otpauth *u)
{
	size_t n = strlen(v);

	if (n == 0 || n > AEM_DISP_NAME_MAX || !name_ok(v, n))
		return AEM_DISP_E_FORMAT;
	/* the label's prefix, when present, must say the same */
	if (u->issuer[0] && strcmp(u->issuer, v))
		return AEM_DISP_E_FORMAT;
	memcpy(u->issuer, v, n + 1);
	return AEM_DISP_OK;
}

/* One key=value pair, value already decoded. *seen guards duplicates. */
static int apply_param(const char *key, const char *v, unsigned *seen,
		       struct aem_disp_otpauth *u)
{
	static const struct { const char *key; unsigned bit; } known[] = {
		{ "secret", SEEN_SECRET }, { "issuer", SEEN_ISSUER }, { "algorithm", SEEN_ALG },
		{ "digits", SEEN_DIGITS }, { "period", SEEN_PERIOD }, { "counter", SEEN_COUNTER },
	};
	unsigned bit = 0;
	uint64_t x;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(key, known[i].key))
			bit = known[i].bit;
	/* a counter means nothing to TOTP, a period nothing to HOTP */
	if ((bit == SEEN_COUNTER && u->type != AEM_DISP_OTP_HOTP) ||
	    (bit == SEEN_PERIOD && u->type != AEM_DISP_OTP_TOTP))
		bit = 0;
	if (!bit)
		return AEM_DISP_OK;   /* image=, and whatever apps add later */
	if (*seen & bit)
		return AEM_DISP_E_FORMAT;
	*seen |= bit;
	switch (bit) {
	case SEEN_SECRET:
		return param_secret(v, u);
	case SEEN_ISSUER:
		return param_issuer(v, u);
	case SEEN_ALG:
		return aem_disp_otp_alg_parse(v, &u->alg) ? AEM_DISP_E_FORMAT : AEM_DISP_OK;
	case SEEN_DIGITS:
		if (parse_uint(v, AEM_DISP_OTP_DIGITS_MAX, &x) || x < AEM_DISP_OTP_DIGITS_MIN)
			return AEM_DISP_E_FORMAT;
		u->digits = (unsigned)x;
		return AEM_DISP_OK;
	case SEEN_PERIOD:
		if (parse_uint(v, PERIOD_MAX, &x) || x == 0)
			return AEM_DISP_E_FORMAT;
		u->period = (unsigned)x;
		return AEM_DISP_OK;
	default:
		return parse_uint(v, UINT64_MAX, &u->counter);
	}
}

/* The query: pairs separated by '&', each "key=value". */
static int parse_query(struct cur *c, struct aem_disp_otpauth *u, unsigned *seen)
{
	char key[32], val[3 * SECRET_TEXT_MAX + 3 * AEM_DISP_NAME_MAX];
	int rc = AEM_DISP_OK;

	while (rc == 0 && c->pos < c->len) {
		struct cur k = span_until(c, "=&"), v;
		size_t n;

		if (c->pos >= c->len || c->p[c->pos] != '=' || k.len == 0)
			return AEM_DISP_E_FORMAT;
		c->pos++;
		v = span_until(c, "&");
		if (c->pos < c->len)
			c->pos++;   /* the '&' */
		if (c->pos == c->len && c->p[c->len - 1] == '&')
			rc = AEM_DISP_E_FORMAT;   /* trailing empty pair */
		if (rc == 0)
			rc = pct_decode(k, key, sizeof(key), &n);
		if (rc == 0)
			rc = pct_decode(v, val, sizeof(val), &n);
		if (rc == 0)
			rc = apply_param(key, val, seen, u);
	}
	explicit_bzero(val, sizeof(val));
	return rc;
}

static int parse_uri(struct cur *c, struct aem_disp_otpauth *u)
{
	char label[3 * AEM_DISP_NAME_MAX];
	unsigned seen = 0;
	size_t n;
	int rc;

	if (!take_prefix(c, "otpauth://"))
		return AEM_DISP_E_FORMAT;
	if (take_prefix(c, "totp/"))
		u->type = AEM_DISP_OTP_TOTP;
	else if (take_prefix(c, "hotp/"))
		u->type = AEM_DISP_OTP_HOTP;
	else
		return AEM_DISP_E_FORMAT;
	rc = pct_decode(span_until(c, "?"), label, sizeof(label), &n);
	if (rc == 0)
		rc = split_label(label, u);
	if (rc)
		return rc;
	if (c->pos >= c->len || c->p[c->pos] != '?')
		return AEM_DISP_E_FORMAT;   /* no query: no secret */
	c->pos++;
	rc = parse_query(c, u, &seen);
	if (rc)
		return rc;
	if (!(seen & SEEN_SECRET))
		return AEM_DISP_E_FORMAT;
	if (u->type == AEM_DISP_OTP_HOTP && !(seen & SEEN_COUNTER))
		return AEM_DISP_E_FORMAT;
	return aem_disp_otpauth_check(u) ? AEM_DISP_E_FORMAT : AEM_DISP_OK;
}

int aem_disp_otpauth_parse(const uint8_t *buf, size_t len, struct aem_disp_otpauth *u)
{
	struct cur c = { buf, len, 0 };
	int rc;

	if (!u)
		return AEM_DISP_E_INVAL;
	aem_disp_otpauth_init(u);
	if (!buf && len)
		return AEM_DISP_E_INVAL;
	rc = parse_uri(&c, u);
	if (rc)
		aem_disp_otpauth_wipe(u);
	return rc;
}

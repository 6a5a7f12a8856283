/* Unit tests of secret-display/otpauth.c. Expected URIs are written by hand
 * from the Key URI format and RFC 3986 percent-encoding; the secret is the
 * RFC 4648 encoding of "12345678901234567890" (RFC 4226's test key). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "disp_err.h"
#include "otpauth.h"

#define KEY "12345678901234567890"
#define KEY32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void fill(struct aem_disp_otpauth *u, const char *issuer, const char *account)
{
	aem_disp_otpauth_init(u);
	strcpy(u->issuer, issuer);
	strcpy(u->account, account);
	memcpy(u->secret, KEY, 20);
	u->secret_len = 20;
}

static void test_format_default(void **state)
{
	struct aem_disp_otpauth u;
	char uri[AEM_DISP_URI_MAX];

	(void)state;
	fill(&u, "AEM", "laptop");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://totp/AEM:laptop?secret=" KEY32
			    "&issuer=AEM&period=30&digits=6");
	aem_disp_otpauth_wipe(&u);
}

static void test_format_escaping_and_options(void **state)
{
	struct aem_disp_otpauth u;
	char uri[AEM_DISP_URI_MAX];

	(void)state;
	fill(&u, "Big Co&Sons", "alice smith@example.com/x?=+%");
	u.alg = AEM_DISP_OTP_SHA256;
	u.digits = 8;
	u.period = 60;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://totp/Big%20Co%26Sons:alice%20smith@example.com%2Fx%3F%3D%2B%25"
			    "?secret=" KEY32 "&issuer=Big%20Co%26Sons&period=60&digits=8&algorithm=SHA256");
	/* UTF-8 bytes are escaped one by one: "é" = C3 A9 */
	fill(&u, "", "caf\xc3\xa9");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://totp/caf%C3%A9?secret=" KEY32 "&period=30&digits=6");
	/* HOTP carries its counter instead of a period */
	fill(&u, "X", "y");
	u.type = AEM_DISP_OTP_HOTP;
	u.counter = 18446744073709551615ULL;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	assert_string_equal(uri, "otpauth://hotp/X:y?secret=" KEY32
			    "&issuer=X&counter=18446744073709551615&digits=6");
	aem_disp_otpauth_wipe(&u);
}

static void test_format_refuses(void **state)
{
	struct aem_disp_otpauth u;
	char uri[AEM_DISP_URI_MAX];

	(void)state;
	fill(&u, "A:B", "x");   /* the colon separates issuer from account */
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x\ny");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x\x1b[2J");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x\xc2\x9b");   /* U+009B, a C1 control (CSI) */
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "\xc3");        /* truncated UTF-8 */
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x");
	u.digits = 9;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x");
	u.secret_len = 0;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "A", "x");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, 40), AEM_DISP_E_SPACE);
	assert_int_equal(uri[0], '\0');
	/* the longest names with every byte escaped still fit AEM_DISP_URI_MAX */
	fill(&u, "", "");
	memset(u.issuer, '/', AEM_DISP_NAME_MAX);
	memset(u.account, '/', AEM_DISP_NAME_MAX);
	u.secret_len = AEM_DISP_OTP_KEY_MAX;
	u.alg = AEM_DISP_OTP_SHA512;
	u.digits = 8;
	u.period = 86400;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	aem_disp_otpauth_wipe(&u);
}

static int parse(const char *s, struct aem_disp_otpauth *u)
{
	return aem_disp_otpauth_parse((const uint8_t *)s, strlen(s), u);
}

static void test_parse_full(void **state)
{
	struct aem_disp_otpauth u;

	(void)state;
	assert_int_equal(parse("otpauth://totp/Big%20Co:alice%20smith@example.com?secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq"
			       "&issuer=Big%20Co&algorithm=SHA512&digits=8&period=60&image=https%3A%2F%2Fx", &u), 0);
	assert_int_equal(u.type, AEM_DISP_OTP_TOTP);
	assert_string_equal(u.issuer, "Big Co");
	assert_string_equal(u.account, "alice smith@example.com");
	assert_int_equal(u.secret_len, 20);
	assert_memory_equal(u.secret, KEY, 20);
	assert_int_equal(u.alg, AEM_DISP_OTP_SHA512);
	assert_int_equal(u.digits, 8);
	assert_int_equal(u.period, 60);
	/* defaults; encoded colon; spaces before the account name */
	assert_int_equal(parse("OTPAUTH://TOTP/ACME%3A%20%20bob?secret=MZXW6YQ%3D", &u), 0);
	assert_string_equal(u.issuer, "ACME");
	assert_string_equal(u.account, "bob");
	assert_int_equal(u.secret_len, 4);
	assert_int_equal(u.alg, AEM_DISP_OTP_SHA1);
	assert_int_equal(u.digits, 6);
	assert_int_equal(u.period, 30);
	/* no label prefix: the issuer comes from the parameter */
	assert_int_equal(parse("otpauth://hotp/bob?issuer=ACME&counter=42&secret=MZXW6", &u), 0);
	assert_int_equal(u.type, AEM_DISP_OTP_HOTP);
	assert_string_equal(u.issuer, "ACME");
	assert_int_equal(u.counter, 42);
	aem_disp_otpauth_wipe(&u);
}

static void test_parse_roundtrip(void **state)
{
	struct aem_disp_otpauth u, v;
	char uri[AEM_DISP_URI_MAX];

	(void)state;
	fill(&u, "Big Co&Sons %", "al:ce");
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), AEM_DISP_E_INVAL);
	fill(&u, "Big Co&Sons %", "caf\xc3\xa9 +@/");
	u.alg = AEM_DISP_OTP_SHA256;
	u.digits = 7;
	u.period = 45;
	assert_int_equal(aem_disp_otpauth_format(&u, uri, sizeof(uri)), 0);
	assert_int_equal(parse(uri, &v), 0);
	assert_memory_equal(&u, &v, sizeof(u));
	aem_disp_otpauth_wipe(&u);
	aem_disp_otpauth_wipe(&v);
}

static void reject(const char *s)
{
	struct aem_disp_otpauth u;

	memset(&u, 0x55, sizeof(u));
	assert_int_equal(parse(s, &u), AEM_DISP_E_FORMAT);
	for (size_t i = 0; i < sizeof(u); i++)   /* wiped on error */
		assert_int_equal(((uint8_t *)&u)[i], 0);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	reject("");
	reject("otpauth:/");
	reject("otpauth://totp");
	reject("http://totp/a?secret=MZXW6");
	reject("otpauth://motp/a?secret=MZXW6");
	reject("otpauth://totp/a");                       /* no query */
	reject("otpauth://totp/a?");                      /* no secret */
	reject("otpauth://totp/?secret=MZXW6");           /* no account */
	reject("otpauth://totp/A:?secret=MZXW6");
	reject("otpauth://totp/:a?secret=MZXW6");
	reject("otpauth://totp/A:b:c?secret=MZXW6");      /* two colons */
	reject("otpauth://totp/a?secret=");
	reject("otpauth://totp/a?secret=MZXW");           /* bad base32 length */
	reject("otpauth://totp/a?secret=MZXW6!");
	reject("otpauth://totp/a?secret=MZXW6&secret=MZXW6");
	reject("otpauth://totp/a?secret=MZXW6&digits=5");
	reject("otpauth://totp/a?secret=MZXW6&digits=9");
	reject("otpauth://totp/a?secret=MZXW6&digits=+6");
	reject("otpauth://totp/a?secret=MZXW6&digits=06x");
	reject("otpauth://totp/a?secret=MZXW6&digits=");
	reject("otpauth://totp/a?secret=MZXW6&period=0");
	reject("otpauth://totp/a?secret=MZXW6&period=86401");
	reject("otpauth://totp/a?secret=MZXW6&period=99999999999999999999999");
	reject("otpauth://hotp/a?secret=MZXW6");          /* HOTP needs a counter */
	reject("otpauth://hotp/a?secret=MZXW6&counter=18446744073709551616");
	reject("otpauth://totp/a?secret=MZXW6&algorithm=MD5");
	reject("otpauth://totp/A:a?secret=MZXW6&issuer=B"); /* contradicts the label */
	reject("otpauth://totp/a?secret=MZXW6&issuer=");
	reject("otpauth://totp/a?secret=MZXW6&");
	reject("otpauth://totp/a?secret=MZXW6&&digits=6");
	reject("otpauth://totp/a?secret");
	reject("otpauth://totp/a?=x&secret=MZXW6");
	reject("otpauth://totp/a%?secret=MZXW6");         /* truncated escapes */
	reject("otpauth://totp/a%4?secret=MZXW6");
	reject("otpauth://totp/a%G1?secret=MZXW6");
	reject("otpauth://totp/a%00b?secret=MZXW6");      /* NUL would cut the name */
	reject("otpauth://totp/a%0Ab?secret=MZXW6");      /* control characters */
	reject("otpauth://totp/a%1B%5B2J?secret=MZXW6");
	reject("otpauth://totp/a%C2%9B?secret=MZXW6");
	reject("otpauth://totp/a%FF?secret=MZXW6");       /* not UTF-8 */
	reject("otpauth://totp/a%C0%AF?secret=MZXW6");    /* overlong */
	reject("otpauth://totp/a%ED%A0%80?secret=MZXW6"); /* surrogate */
	reject("otpauth://totp/a b?secret=MZXW6");        /* raw space */
	reject("otpauth://totp/a\xc3\xa9?secret=MZXW6");  /* raw non-ASCII */
	reject("otpauth://totp/a?secret=MZXW6&issuer=A%3AB");
	reject("otpauth://totp/%20a?secret=MZXW6");       /* would not survive an issuer prefix */
	/* a name longer than AEM_DISP_NAME_MAX */
	{
		char s[400] = "otpauth://totp/";

		memset(s + strlen(s), 'x', AEM_DISP_NAME_MAX + 1);
		strcat(s, "?secret=MZXW6");
		reject(s);
	}
}

static void test_parse_binary_safe(void **state)
{
	static const char s[] = "otpauth://totp/a?secret=MZXW6";
	struct aem_disp_otpauth u;

	(void)state;
	/* length is taken from len, never from a NUL */
	assert_int_equal(aem_disp_otpauth_parse((const uint8_t *)s, sizeof(s) - 3, &u), AEM_DISP_E_FORMAT);
	assert_int_equal(aem_disp_otpauth_parse((const uint8_t *)s, sizeof(s) - 1, &u), 0);
	assert_int_equal(aem_disp_otpauth_parse((const uint8_t *)s, sizeof(s), &u), AEM_DISP_E_FORMAT);
	assert_int_equal(aem_disp_otpauth_parse(NULL, 0, &u), AEM_DISP_E_FORMAT);
	assert_int_equal(aem_disp_otpauth_parse(NULL, 5, &u), AEM_DISP_E_INVAL);
	aem_disp_otpauth_wipe(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_default),
		cmocka_unit_test(test_format_escaping_and_options),
		cmocka_unit_test(test_format_refuses),
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_roundtrip),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_binary_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

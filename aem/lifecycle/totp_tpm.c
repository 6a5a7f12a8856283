/* TOTP keys held by the TPM: the TOTP file and the HMAC back ends (totp_tpm.h). */
#include "totp_tpm.h"
#include "disp_err.h"
#include "err.h"
#include "fileio.h"
#include "seal.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

static const enum aem_disp_otp_alg alg_ids[] = { AEM_DISP_OTP_SHA1, AEM_DISP_OTP_SHA256,
						 AEM_DISP_OTP_SHA512 };

static int alg_to_id(enum aem_disp_otp_alg alg, uint8_t *id)
{
	for (size_t i = 0; i < sizeof(alg_ids) / sizeof(alg_ids[0]); i++)
		if (alg_ids[i] == alg) {
			*id = (uint8_t)(i + 1);
			return 0;
		}
	return AEM_E_INVAL;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The header fields and the kind's requirements on the inner file. */
static int check_fields(const struct aem_totp_file *f)
{
	uint8_t id;
	int tpm2 = f->sealed.family == AEM_FAMILY_TPM20;

	if (alg_to_id(f->alg, &id) || f->digits < AEM_DISP_OTP_DIGITS_MIN ||
	    f->digits > AEM_DISP_OTP_DIGITS_MAX || f->period == 0 ||
	    f->period > AEM_TOTP_PERIOD_MAX)
		return AEM_E_FORMAT;
	if (f->kind == AEM_TOTP_TPM2_HMAC)
		return tpm2 && f->sealed.ct_len == 0 && f->alg != AEM_DISP_OTP_SHA512 ?
			       0 : AEM_E_FORMAT;
	if (f->kind == AEM_TOTP_SEALED_KEY)
		return f->sealed.ct_len >= 1 && f->sealed.ct_len <= AEM_DISP_OTP_KEY_MAX ?
			       0 : AEM_E_FORMAT;
	return AEM_E_FORMAT;
}

int aem_totp_file_parse(const uint8_t *buf, size_t len, struct aem_totp_file *out)
{
	uint32_t inner;
	int err;

	memset(out, 0, sizeof(*out));
	if (!buf || len < AEM_TOTP_MAGIC_SIZE || memcmp(buf, AEM_TOTP_MAGIC, AEM_TOTP_MAGIC_SIZE))
		return AEM_E_NOT_AEM;
	if (len < AEM_TOTP_MAGIC_SIZE + 1)
		return AEM_E_FORMAT;
	if (buf[8] != AEM_TOTP_VERSION)
		return AEM_E_VERSION;
	if (len < AEM_TOTP_HEAD)
		return AEM_E_FORMAT;
	inner = get_u32(buf + 16);
	if (buf[10] < 1 || buf[10] > sizeof(alg_ids) / sizeof(alg_ids[0]) ||
	    inner != len - AEM_TOTP_HEAD)
		return AEM_E_FORMAT;
	out->kind = (enum aem_totp_kind)buf[9];
	out->alg = alg_ids[buf[10] - 1];
	out->digits = buf[11];
	out->period = get_u32(buf + 12);
	err = aem_sealed_parse(buf + AEM_TOTP_HEAD, inner, &out->sealed);
	if (err)
		return err == AEM_E_NOT_AEM || err == AEM_E_VERSION ? AEM_E_FORMAT : err;
	err = check_fields(out);
	if (err)
		aem_totp_file_free(out);
	return err;
}

int aem_totp_file_serialize(const struct aem_totp_file *f, uint8_t **buf, size_t *len)
{
	uint8_t *inner = NULL, *b, id = 0;
	size_t inner_len = 0;
	int err;

	*buf = NULL;
	*len = 0;
	if (check_fields(f) || alg_to_id(f->alg, &id))
		return AEM_E_INVAL;
	err = aem_sealed_serialize(&f->sealed, &inner, &inner_len);
	if (err)
		return err;
	b = malloc(AEM_TOTP_HEAD + inner_len);
	if (!b) {
		aem_buf_free(inner, inner_len);
		return AEM_E_NOMEM;
	}
	memcpy(b, AEM_TOTP_MAGIC, AEM_TOTP_MAGIC_SIZE);
	b[8] = AEM_TOTP_VERSION;
	b[9] = (uint8_t)f->kind;
	b[10] = id;
	b[11] = (uint8_t)f->digits;
	put_u32(b + 12, f->period);
	put_u32(b + 16, (uint32_t)inner_len);
	memcpy(b + AEM_TOTP_HEAD, inner, inner_len);
	aem_buf_free(inner, inner_len);
	*buf = b;
	*len = AEM_TOTP_HEAD + inner_len;
	return 0;
}

void aem_totp_file_free(struct aem_totp_file *f)
{
	aem_sealed_free(&f->sealed);
	memset(f, 0, sizeof(*f));
}

static enum aem_bank alg_bank(enum aem_disp_otp_alg alg)
{
	return alg == AEM_DISP_OTP_SHA256 ? AEM_BANK_SHA256 : AEM_BANK_SHA1;
}

/* TPM 2.0: an HMAC key object, the PIN stretched as for sealed files. */
static int create_hmac_object(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
			      size_t pin_len, const uint8_t *key, size_t key_len,
			      struct aem_totp_file *f)
{
	uint8_t auth[AEM_KDF_OUT_SIZE];
	int err = 0;

	f->kind = AEM_TOTP_TPM2_HMAC;
	f->sealed.expect = *v;
	if (pin) {
		f->sealed.flags |= AEM_SEALED_F_PIN;
		if (pin_len == 0 || RAND_bytes(f->sealed.pin_salt, AEM_SEALED_SALT_SIZE) != 1)
			err = pin_len ? AEM_E_CRYPTO : AEM_E_INVAL;
		if (!err)
			err = aem_pin_stretch(pin, pin_len, f->sealed.pin_salt, auth);
	}
	if (!err)
		err = aem_tpm_hmac_seal(t, v, pin ? auth : NULL, pin ? sizeof(auth) : 0,
					alg_bank(f->alg), key, key_len, &f->sealed);
	explicit_bzero(auth, sizeof(auth));
	return err;
}

static int create_sealed_key(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
			     size_t pin_len, const uint8_t *key, size_t key_len,
			     struct aem_totp_file *f)
{
	uint8_t *sealed = NULL;
	size_t sealed_len = 0;
	int err;

	f->kind = AEM_TOTP_SEALED_KEY;
	err = aem_tpm_seal_payload(t, v, pin, pin_len, key, key_len, &sealed, &sealed_len);
	if (!err)
		err = aem_sealed_parse(sealed, sealed_len, &f->sealed);
	aem_buf_free(sealed, sealed_len);
	return err;
}

int aem_totp_create(struct aem_tpm *t, const struct aem_pcr_values *v, const char *pin,
		    size_t pin_len, int soft, enum aem_disp_otp_alg alg, unsigned digits,
		    unsigned period, const uint8_t *key, size_t key_len, uint8_t **out,
		    size_t *out_len)
{
	struct aem_totp_file f;
	int err;

	*out = NULL;
	*out_len = 0;
	memset(&f, 0, sizeof(f));
	f.alg = alg;
	f.digits = digits;
	f.period = period;
	if (!key || key_len == 0 || key_len > AEM_DISP_OTP_KEY_MAX || !aem_disp_otp_mac_len(alg))
		return AEM_E_INVAL;
	if (aem_tpm_family(t) == AEM_FAMILY_TPM20 && !soft && alg != AEM_DISP_OTP_SHA512)
		err = create_hmac_object(t, v, pin, pin_len, key, key_len, &f);
	else
		err = create_sealed_key(t, v, pin, pin_len, key, key_len, &f);
	if (!err)
		err = aem_totp_file_serialize(&f, out, out_len);
	aem_totp_file_free(&f);
	return err;
}

int aem_totp_open(struct aem_totp *o, struct aem_tpm *t, const struct aem_totp_file *f,
		  const char *pin, size_t pin_len)
{
	uint8_t key[AEM_DISP_OTP_KEY_MAX];
	int err = 0;

	memset(o, 0, sizeof(*o));
	o->t = t;
	o->f = f;
	if ((f->sealed.flags & AEM_SEALED_F_PIN) && (!pin || pin_len == 0))
		return AEM_TPM_E_AUTH;
	if (f->kind == AEM_TOTP_TPM2_HMAC) {
		if (f->sealed.flags & AEM_SEALED_F_PIN) {
			err = aem_pin_stretch(pin, pin_len, f->sealed.pin_salt, o->auth);
			o->has_auth = !err;
		}
		return err;
	}
	err = aem_tpm_unseal_payload(t, &f->sealed, pin, pin_len, key, NULL);
	if (!err && aem_disp_softkey_init(&o->soft, key, f->sealed.ct_len))
		err = AEM_E_INVAL;
	explicit_bzero(key, sizeof(key));
	return err;
}

static int totp_hmac_fn(void *ctx, enum aem_disp_otp_alg alg, const uint8_t *msg, size_t msg_len,
			uint8_t *mac, size_t *mac_len)
{
	struct aem_totp *o = ctx;

	if (alg != o->f->alg)
		return AEM_DISP_E_INVAL;
	if (o->f->kind == AEM_TOTP_SEALED_KEY)
		return aem_disp_hmac_soft(&o->soft, alg, msg, msg_len, mac, mac_len);
	o->tpm_err = aem_tpm_hmac(o->t, &o->f->sealed, o->has_auth ? o->auth : NULL,
				  o->has_auth ? sizeof(o->auth) : 0, msg, msg_len, mac, mac_len);
	if (!o->tpm_err && *mac_len != aem_disp_otp_mac_len(alg))
		o->tpm_err = AEM_TPM_E_TPM;
	return o->tpm_err ? AEM_DISP_E_CRYPTO : 0;
}

struct aem_disp_hmac aem_totp_hmac(struct aem_totp *o)
{
	struct aem_disp_hmac h = { totp_hmac_fn, o };

	return h;
}

/* counter_mode: value is an HOTP counter, else a UNIX time. */
static int code_at(struct aem_totp *o, int counter_mode, uint64_t value, char *out, size_t outsz)
{
	struct aem_disp_hmac h = aem_totp_hmac(o);
	uint32_t code = 0;
	int err;

	o->tpm_err = 0;
	if (counter_mode)
		err = aem_disp_hotp(&h, o->f->alg, value, o->f->digits, &code);
	else
		err = aem_disp_totp(&h, o->f->alg, value, o->f->period, o->f->digits, &code);
	if (!err)
		err = aem_disp_otp_format(code, o->f->digits, out, outsz);
	code = 0;
	if (err == AEM_DISP_E_CRYPTO)
		return o->tpm_err ? o->tpm_err : AEM_E_CRYPTO;
	return err ? AEM_E_INVAL : 0;
}

int aem_totp_code(struct aem_totp *o, uint64_t unix_time, char *out, size_t outsz)
{
	return code_at(o, 0, unix_time, out, outsz);
}

int aem_totp_hotp(struct aem_totp *o, uint64_t counter, char *out, size_t outsz)
{
	return code_at(o, 1, counter, out, outsz);
}

void aem_totp_close(struct aem_totp *o)
{
	aem_disp_softkey_wipe(&o->soft);
	explicit_bzero(o->auth, sizeof(o->auth));
	memset(o, 0, sizeof(*o));
}

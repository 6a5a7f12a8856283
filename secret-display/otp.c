/* HOTP/TOTP: counter encoding, dynamic truncation, and the OpenSSL back end.
 * (The algorithm names are in otp_names.c: the boot program needs none.) */
#include "otp.h"
#include "disp_err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/mman.h>

size_t aem_disp_otp_mac_len(enum aem_disp_otp_alg alg)
{
	switch (alg) {
	case AEM_DISP_OTP_SHA1: return 20;
	case AEM_DISP_OTP_SHA256: return 32;
	case AEM_DISP_OTP_SHA512: return 64;
	}
	return 0;
}

static const uint32_t dec_pow[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
				  100000000 };

int aem_disp_hotp(const struct aem_disp_hmac *h, enum aem_disp_otp_alg alg, uint64_t counter,
		  unsigned digits, uint32_t *code)
{
	uint8_t msg[8], mac[AEM_DISP_OTP_MAC_MAX];
	size_t mac_len = 0, want = aem_disp_otp_mac_len(alg);
	uint32_t bin;
	unsigned off;
	int rc;

	if (!h || !h->fn || !code || !want || digits < AEM_DISP_OTP_DIGITS_MIN ||
	    digits > AEM_DISP_OTP_DIGITS_MAX)
		return AEM_DISP_E_INVAL;
	for (int i = 7; i >= 0; i--, counter >>= 8)   /* big-endian counter, RFC 4226 5.2 */
		msg[i] = (uint8_t)counter;
	rc = h->fn(h->ctx, alg, msg, sizeof(msg), mac, &mac_len);
	if (rc == 0 && mac_len != want)
		rc = AEM_DISP_E_CRYPTO;
	if (rc == 0) {
		/* dynamic truncation, RFC 4226 5.3: offset from the last byte's low nibble */
		off = mac[mac_len - 1] & 0x0f;
		bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
		      (uint32_t)mac[off + 2] << 8 | mac[off + 3];
		*code = bin % dec_pow[digits];
		bin = 0;
	}
	explicit_bzero(mac, sizeof(mac));
	return rc;
}

int aem_disp_totp(const struct aem_disp_hmac *h, enum aem_disp_otp_alg alg, uint64_t unix_time,
		  unsigned period, unsigned digits, uint32_t *code)
{
	if (period == 0)
		return AEM_DISP_E_INVAL;
	return aem_disp_hotp(h, alg, unix_time / period, digits, code);
}

int aem_disp_otp_format(uint32_t code, unsigned digits, char *out, size_t outsz)
{
	if (!out || digits < AEM_DISP_OTP_DIGITS_MIN || digits > AEM_DISP_OTP_DIGITS_MAX ||
	    code >= dec_pow[digits])
		return AEM_DISP_E_INVAL;
	if (outsz < digits + 1)
		return AEM_DISP_E_SPACE;
	out[digits] = '\0';
	for (unsigned i = digits; i > 0; i--, code /= 10)
		out[i - 1] = (char)('0' + code % 10);
	return AEM_DISP_OK;
}

int aem_disp_softkey_init(struct aem_disp_softkey *k, const uint8_t *key, size_t len)
{
	if (!k)
		return AEM_DISP_E_INVAL;
	memset(k, 0, sizeof(*k));
	if (!key || len == 0 || len > sizeof(k->key))
		return AEM_DISP_E_INVAL;
	/* keep the key out of swap where we can; without CAP_IPC_LOCK and a
	 * low RLIMIT_MEMLOCK this may fail, which only weakens that promise */
	k->locked = mlock(k, sizeof(*k)) == 0;
	memcpy(k->key, key, len);
	k->len = len;
	return AEM_DISP_OK;
}

void aem_disp_softkey_wipe(struct aem_disp_softkey *k)
{
	int locked;

	if (!k)
		return;
	locked = k->locked;
	explicit_bzero(k, sizeof(*k));
	if (locked)
		munlock(k, sizeof(*k));
}

static const EVP_MD *evp_of(enum aem_disp_otp_alg alg)
{
	switch (alg) {
	case AEM_DISP_OTP_SHA1: return EVP_sha1();
	case AEM_DISP_OTP_SHA256: return EVP_sha256();
	case AEM_DISP_OTP_SHA512: return EVP_sha512();
	}
	return NULL;
}

int aem_disp_hmac_soft(void *ctx, enum aem_disp_otp_alg alg, const uint8_t *msg, size_t msg_len,
		       uint8_t *mac, size_t *mac_len)
{
	const struct aem_disp_softkey *k = ctx;
	const EVP_MD *md = evp_of(alg);
	unsigned int n = 0;

	if (!k || !md || !mac || !mac_len || k->len == 0 || k->len > sizeof(k->key))
		return AEM_DISP_E_INVAL;
	if (!HMAC(md, k->key, (int)k->len, msg, msg_len, mac, &n))
		return AEM_DISP_E_CRYPTO;
	*mac_len = n;
	return AEM_DISP_OK;
}

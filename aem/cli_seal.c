/* The PCR target of the verbs that seal something of their own (aem seal, totp,
 * mfa): options, family defaults, the values they select, the mismatch report. */
#include "cli.h"
#include "err.h"
#include "fileio.h"
#include "seal.h"
#include "tpm12.h"
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

int aem_cli_sealopts_take(struct aem_cli_sealopts *o, int c, const char *arg, const char *who)
{
	switch (c) {
	case 0x300:
		if (aem_pcr_mask_parse(arg, &o->mask) || !o->mask)
			return fprintf(stderr, "%s: bad PCR list '%s'\n", who, arg), -1;
		return 1;
	case 0x301:
		o->bank = aem_bank_from_name(arg);
		if (o->bank == AEM_BANK_NONE)
			return fprintf(stderr, "%s: unknown bank '%s'\n", who, arg), -1;
		return 1;
	case 0x302: o->expect = arg; return 1;
	case 0x303: o->pin = 1; return 1;
	case 0x304: o->tcti = arg; return 1;
	case 0x305:
		if (aem_tpm_prefer_family(arg))
			return fprintf(stderr, "%s: --tpm takes 1.2 or 2.0\n", who), -1;
		return 1;
	case 0x306: o->allow_unmeasured = 1; return 1;
	default: return 0;
	}
}

void aem_cli_sealopts_defaults(struct aem_cli_sealopts *o, const struct aem_tpm *t)
{
	int tpm12 = aem_tpm_family(t) == AEM_FAMILY_TPM12;

	if (o->bank == AEM_BANK_NONE)
		o->bank = tpm12 ? AEM_BANK_SHA1 : AEM_BANK_SHA256;
	if (!o->mask)
		o->mask = (1u << 13) | (1u << 17) | (1u << 18) | (tpm12 ? 1u << 19 : 0);
}

static int fill_missing(struct aem_tpm *t, const struct aem_cli_sealopts *o,
			struct aem_pcr_values *v, const char *who)
{
	aem_pcr_mask missing = o->mask & ~v->mask;
	struct aem_pcr_values live;
	char list[80];
	int err;

	if (!missing)
		return 0;
	memset(&live, 0, sizeof(live));
	live.bank = o->bank;
	live.mask = missing;
	err = aem_tpm_pcr_read(t, &live);
	if (err)
		return err;
	fprintf(stderr, "%s: PCR %s not in %s: sealing to the current value\n", who,
		aem_pcr_mask_format(missing, list, sizeof(list)), o->expect);
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++)
		if (aem_pcr_mask_has(missing, i))
			memcpy(v->v[i], live.v[i], sizeof(v->v[i]));
	v->mask = o->mask;
	return 0;
}

static int expected_values(struct aem_tpm *t, const struct aem_cli_sealopts *o,
			   struct aem_pcr_values *v, const char *who)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	char list[80];
	int err;

	err = aem_file_read(o->expect, 1u << 20, &buf, &len);
	if (err)
		return fprintf(stderr, "%s: cannot read %s\n", who, o->expect), err;
	err = aem_values_parse(buf, len, o->bank, o->mask, v);
	if (err == AEM_E_FORMAT && v->mask && (v->mask & ~o->mask) == 0)
		err = aem_values_parse(buf, len, o->bank, v->mask, v);
	aem_buf_free(buf, len);
	if (err)
		return fprintf(stderr, "%s: %s: no usable %s values for PCRs %s\n", who, o->expect,
			       aem_bank_name(o->bank), aem_pcr_mask_format(o->mask, list, sizeof(list))),
		       err;
	return fill_missing(t, o, v, who);
}

int aem_cli_sealopts_values(struct aem_tpm *t, const struct aem_cli_sealopts *o,
			    struct aem_pcr_values *v, const char *who)
{
	unsigned bad;
	int err;

	memset(v, 0, sizeof(*v));
	v->bank = o->bank;
	v->mask = o->mask;
	err = o->expect ? expected_values(t, o, v, who) : aem_tpm_pcr_read(t, v);
	if (err)
		return err;
	if (!o->allow_unmeasured && aem_tpm_check_measured(v, &bad)) {
		fprintf(stderr, "%s: PCR %u reads all-%s: the measured launch did not happen: "
			"check TXT/SINIT (or --allow-unmeasured)\n", who, bad,
			aem_all_bytes(v->v[bad], aem_bank_size(v->bank), 0) ? "00" : "FF");
		return AEM_TPM_E_UNMEASURED;
	}
	return 0;
}

void aem_cli_report_pcr_mismatch(struct aem_tpm *t, const struct aem_pcr_values *expect,
			     const char *who)
{
	size_t n = aem_bank_size(expect->bank);
	char a[2 * AEM_MAX_DIGEST + 1], b[2 * AEM_MAX_DIGEST + 1];
	struct aem_pcr_values now;
	int shown = 0;

	memset(&now, 0, sizeof(now));
	now.bank = expect->bank;
	now.mask = expect->mask;
	if (aem_tpm_pcr_read(t, &now)) {
		fprintf(stderr, "%s: cannot read the PCRs to say which differ\n", who);
		return;
	}
	for (unsigned i = 0; i < AEM_PCR_COUNT; i++) {
		if (!aem_pcr_mask_has(expect->mask, i) || !memcmp(expect->v[i], now.v[i], n))
			continue;
		fprintf(stderr, "PCR %u differs: sealed %s, now %s\n", i, aem_hex(expect->v[i], n, a),
			aem_hex(now.v[i], n, b));
		shown++;
	}
	if (!shown)
		fprintf(stderr, "%s: the PCRs read back equal the sealed values: the TPM refused "
			"for another reason\n", who);
}

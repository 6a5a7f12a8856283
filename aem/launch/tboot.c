/* tboot's measurement rules. Facts: docs/measurement.md (tboot 1.10.x policy.c/txt.c,
 * checked against Debian's tb_polgen and lcp2_mlehash). */
#include "tboot.h"
#include "evlog.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

#define POLCTL_EXTEND_PCR17 0x1u
#define MLE_MAX (64u << 20)

/* tboot's built-in default policies (tb_policy_t, 36 bytes): version 2, continue on
 * non-fatal errors, control = EXTEND_PCR17, three "any" entries mapping the modules. */
static const uint8_t policy_tpm20[36] = {
	0x02, 0x00, 0x0b, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 0x11, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x83, 0x16, 0x00, 0x10, 0x00, 0x00, 0x40, 0x00,
};
static const uint8_t policy_tpm12[36] = {
	0x02, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 0x13, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x83, 0x16, 0x00, 0x10, 0x00, 0x00, 0x40, 0x00,
};

const uint8_t *aem_tboot_default_policy(enum aem_family f, size_t *len)
{
	*len = 36;
	return f == AEM_FAMILY_TPM12 ? policy_tpm12 : policy_tpm20;
}

enum aem_bank aem_tboot_cur_bank(const struct aem_tboot_cfg *c)
{
	if (c->family == AEM_FAMILY_TPM12 || c->extpol == AEM_EXTPOL_SHA1)
		return AEM_BANK_SHA1;
	return AEM_BANK_SHA256;
}

bool aem_tboot_extends_bank(const struct aem_tboot_cfg *c, enum aem_bank bank)
{
	if (c->family == AEM_FAMILY_TPM12)
		return bank == AEM_BANK_SHA1;
	if (c->extpol == AEM_EXTPOL_AGILE || c->extpol == AEM_EXTPOL_EMBEDDED)
		return aem_bank_size(bank) != 0;
	return bank == aem_tboot_cur_bank(c);
}

enum aem_pcr_map aem_tboot_effective_map(const struct aem_tboot_cfg *c)
{
	return c->family == AEM_FAMILY_TPM12 ? c->map : AEM_PCR_MAP_DA;
}

int aem_tboot_policy_entry(const struct aem_tboot_cfg *c, enum aem_bank bank,
			   const uint8_t *policy, size_t len, uint8_t *out)
{
	enum aem_bank cur = aem_tboot_cur_bank(c);
	uint8_t buf[4 + AEM_MAX_DIGEST] = { 0 };
	int rc;

	/* control word: after version (u8), policy_type (u8), hash_alg (u8) */
	if (!policy || len < 7 || !aem_bank_size(bank))
		return AEM_E_INVAL;
	memcpy(buf, policy + 3, 4);
	if (policy[3] & POLCTL_EXTEND_PCR17) {
		rc = aem_hash(cur, policy, len, buf + 4);
		if (rc)
			return rc;
	}
	return aem_hash(bank, buf, 4 + aem_bank_size(cur), out);
}

int aem_tboot_module_digest(enum aem_bank bank, const char *cmdline,
			    const uint8_t *image_digest, uint8_t *out)
{
	size_t n = aem_bank_size(bank);
	uint8_t buf[2 * AEM_MAX_DIGEST];
	int rc;

	if (!n || !image_digest)
		return AEM_E_INVAL;
	if (!cmdline)
		cmdline = "";
	rc = aem_hash(bank, cmdline, strlen(cmdline), buf);
	if (rc)
		return rc;
	memcpy(buf + n, image_digest, n);
	return aem_hash(bank, buf, 2 * n, out);
}

unsigned aem_tboot_policy_pcrs(const struct aem_tboot_cfg *c, unsigned pcrs[2])
{
	pcrs[0] = 17;
	if (aem_tboot_effective_map(c) == AEM_PCR_MAP_DA) {
		pcrs[1] = 18;
		return 2;
	}
	return 1;
}

unsigned aem_tboot_module_pcr(const struct aem_tboot_cfg *c, unsigned index)
{
	if (c->family != AEM_FAMILY_TPM12)
		return 17;
	if (index == 0)
		return c->map == AEM_PCR_MAP_DA ? 17 : 18;
	return 19;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool aem_tboot_is_acm(const uint8_t *buf, size_t len)
{
	/* ModuleType (u16) = 2 (chipset ACM) at 0, ModuleVendor (u32) = 0x8086 at 16 */
	return buf && len >= 20 && buf[0] == 2 && buf[1] == 0 && le32(buf + 16) == 0x8086;
}

bool aem_tboot_is_lcp_data(const uint8_t *buf, size_t len)
{
	static const char sig[] = "Intel(R) TXT LCP_POLICY_DATA";

	return buf && len >= sizeof(sig) && memcmp(buf, sig, sizeof(sig) - 1) == 0;
}

/* ---- MLE hash ---------------------------------------------------------------- */

struct seg {
	uint32_t off, filesz, memsz;
	uint64_t vstart;          /* where it lands in the expanded image */
};

struct elf_img {
	const uint8_t *buf;
	size_t len;
	unsigned n;
	struct seg s[16];
	uint64_t size;            /* expanded size */
};

static int elf_load(struct elf_img *e, const uint8_t *buf, size_t len)
{
	struct aem_rd r;
	uint32_t phoff;
	uint16_t phentsize, phnum;

	if (len < 52 || memcmp(buf, "\x7f" "ELF", 4) || buf[4] != 1 || buf[5] != 1 ||
	    buf[16] != 2 || buf[18] != 3)
		return AEM_E_FORMAT; /* tboot is an i386 little-endian ELF32 executable */
	e->buf = buf;
	e->len = len;
	phoff = le32(buf + 28);
	phentsize = (uint16_t)(buf[42] | buf[43] << 8);
	phnum = (uint16_t)(buf[44] | buf[45] << 8);
	if (phentsize < 32 || phoff > len)
		return AEM_E_FORMAT;
	for (unsigned i = 0; i < phnum; i++) {
		uint32_t type, off, filesz, memsz;

		aem_rd_init(&r, buf + phoff, len - phoff);
		if (aem_rd_bytes(&r, NULL, (size_t)i * phentsize) || aem_rd_u32(&r, &type) ||
		    aem_rd_u32(&r, &off) || aem_rd_bytes(&r, NULL, 8) ||
		    aem_rd_u32(&r, &filesz) || aem_rd_u32(&r, &memsz))
			return AEM_E_FORMAT;
		if (type != 1)  /* PT_LOAD */
			continue;
		if (e->n >= 16 || filesz > memsz || off > len || filesz > len - off)
			return AEM_E_FORMAT;
		e->s[e->n++] = (struct seg){ off, filesz, memsz, e->size };
		e->size += memsz;
	}
	return e->n ? 0 : AEM_E_FORMAT;
}

/* Copy [v, v+n) of the expanded image (file bytes, then zeros up to memsz). */
static int elf_copy(const struct elf_img *e, uint64_t v, size_t n, uint8_t *out)
{
	if (v > e->size || n > e->size - v)
		return AEM_E_FORMAT;
	memset(out, 0, n);
	for (unsigned i = 0; i < e->n; i++) {
		const struct seg *s = &e->s[i];
		uint64_t a = v > s->vstart ? v : s->vstart;
		uint64_t b = v + n < s->vstart + s->filesz ? v + n : s->vstart + s->filesz;

		if (a < b)
			memcpy(out + (a - v), e->buf + s->off + (a - s->vstart), (size_t)(b - a));
	}
	return 0;
}

static const uint8_t mle_uuid[16] = {
	0x5a, 0xac, 0x82, 0x90, 0x6f, 0x47, 0xa7, 0x74,
	0x0f, 0x5c, 0x55, 0xa2, 0xcb, 0x51, 0xb6, 0x42,
};

/* Only file-backed bytes can hold the header; search them on 16-byte boundaries of
 * the expanded image. */
static int find_mle_header(const struct elf_img *e, uint64_t *at)
{
	for (unsigned i = 0; i < e->n; i++) {
		const struct seg *s = &e->s[i];
		uint64_t v = (s->vstart + 15) & ~(uint64_t)15;

		for (; v + 52 <= s->vstart + s->filesz; v += 16)
			if (!memcmp(e->buf + s->off + (v - s->vstart), mle_uuid, 16)) {
				*at = v;
				return 0;
			}
	}
	return AEM_E_FORMAT;
}

int aem_tboot_mle_hash(const uint8_t *elf, size_t len, const char *cmdline,
		       enum aem_bank bank, uint8_t *out)
{
	struct elf_img e = { 0 };
	uint8_t hdr[52], *mle;
	uint32_t start, end, cstart, cend;
	uint64_t at;
	int rc;

	if (!aem_bank_size(bank))
		return AEM_E_INVAL;
	if (!elf)
		return AEM_E_FORMAT; /* an empty file is not a tboot image either */
	if ((rc = elf_load(&e, elf, len)) != 0 || (rc = find_mle_header(&e, &at)) != 0 ||
	    (rc = elf_copy(&e, at, sizeof(hdr), hdr)) != 0)
		return rc;
	start = le32(hdr + 32);
	end = le32(hdr + 36);
	cstart = le32(hdr + 44);
	cend = le32(hdr + 48);
	if (end <= start || end - start > MLE_MAX)
		return AEM_E_FORMAT;
	if (!(mle = malloc(end - start)))
		return AEM_E_NOMEM;
	rc = elf_copy(&e, start, end - start, mle);
	if (rc == 0 && cmdline && cend > cstart) {
		/* tboot copies its command line there before the launch: zero-filled,
		 * at most the area size minus one */
		if (cstart < start || cend > end) {
			rc = AEM_E_FORMAT;
		} else {
			size_t area = cend - cstart, n = strlen(cmdline);

			memset(mle + (cstart - start), 0, area);
			memcpy(mle + (cstart - start), cmdline, n < area - 1 ? n : area - 1);
		}
	}
	if (rc == 0)
		rc = aem_hash(bank, mle, end - start, out);
	free(mle);
	return rc;
}

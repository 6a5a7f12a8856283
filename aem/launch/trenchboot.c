/* TrenchBoot's measurement rules: the bytes each event hashes. Facts and their sources:
 * docs/measurement.md ("TrenchBoot"). xen.cfg: trenchboot_cfg.c. */
#include "trenchboot.h"
#include "err.h"
#include "rd.h"

#include <stdlib.h>
#include <string.h>

#define MLE_MAX (256u << 20)
#define IMG_MAX (512u << 20)

const char aem_tb_label_skinit[] = "SKINIT";
const char aem_tb_label_entry[] = "DLME entry offset";
const char aem_tb_label_dlme[] = "DLME";
const char aem_tb_label_mb2_module[] = "Measured MB2 module";
const char aem_tb_label_osmle[] = "Measured TXT OS-MLE data";
const char aem_tb_label_cmdline[] = "Xen's command line";
const char aem_tb_label_modstr[] = "MB module string";
const char aem_tb_label_module[] = "MB module";

static const char *const variant_names[] = {
	[AEM_TB_INTEL_MB2] = "intel-mb2", [AEM_TB_AMD_MB2] = "amd-mb2",
	[AEM_TB_INTEL_EFI] = "intel-efi", [AEM_TB_AMD_EFI] = "amd-efi",
};
static const char *const release_names[] = {
	[AEM_TB_REL_OLD] = "old", [AEM_TB_REL_V050] = "v0.5.0", [AEM_TB_REL_STAGING] = "staging",
};

bool aem_tb_variant_is_amd(enum aem_tb_variant v)
{
	return v == AEM_TB_AMD_MB2 || v == AEM_TB_AMD_EFI;
}

bool aem_tb_variant_is_efi(enum aem_tb_variant v)
{
	return v == AEM_TB_INTEL_EFI || v == AEM_TB_AMD_EFI;
}

const char *aem_tb_variant_name(enum aem_tb_variant v)
{
	return (unsigned)v < 4 ? variant_names[v] : "?";
}

int aem_tb_variant_parse(const char *s, enum aem_tb_variant *v)
{
	for (unsigned i = 0; s && i < 4; i++)
		if (!strcmp(s, variant_names[i])) {
			*v = (enum aem_tb_variant)i;
			return 0;
		}
	return AEM_E_FORMAT;
}

const char *aem_tb_release_name(enum aem_tb_release r)
{
	return (unsigned)r < 3 ? release_names[r] : "?";
}

int aem_tb_release_parse(const char *s, enum aem_tb_release *r)
{
	for (unsigned i = 0; s && i < 3; i++)
		if (!strcmp(s, release_names[i])) {
			*r = (enum aem_tb_release)i;
			return 0;
		}
	return AEM_E_FORMAT;
}

const char *aem_tb_release_refusal(enum aem_tb_release r)
{
	if (r == AEM_TB_REL_OLD)
		return "TrenchBoot releases before v0.5.0 measure with other event types and "
		       "SLRT records; aem predicts v0.5.0 and later only: update TrenchBoot, "
		       "boot it once and seal to that boot";
	return (unsigned)r < 3 ? NULL : "unknown TrenchBoot release";
}

/* ---- MLE header ---- */

static const uint8_t mle_uuid[16] = {
	0x5a, 0xac, 0x82, 0x90, 0x6f, 0x47, 0xa7, 0x74,
	0x0f, 0x5c, 0x55, 0xa2, 0xcb, 0x51, 0xb6, 0x42,
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int aem_tb_mle_parse(const uint8_t *buf, size_t len, struct aem_tb_mle *out)
{
	if (!buf || !out)
		return AEM_E_INVAL;
	for (size_t off = 0; off < AEM_TB_HDR_SEARCH && off + AEM_TB_MLE_HDR_LEN <= len;
	     off += AEM_TB_HDR_ALIGN) {
		const uint8_t *h = buf + off;

		if (memcmp(h, mle_uuid, 16))
			continue;
		out->offset = (uint32_t)off;
		out->entry = le32(h + 24);
		out->mle_start = le32(h + 32);
		out->mle_end = le32(h + 36);
		if (out->mle_end <= out->mle_start || out->mle_end - out->mle_start > MLE_MAX)
			return AEM_E_FORMAT;
		return 0;
	}
	return AEM_E_FORMAT;
}

/* ---- ELF layout ---- */

struct phdr {
	uint64_t off, paddr, filesz, memsz;
};

static int read_phdr(const uint8_t *elf, size_t len, bool is64, uint64_t phoff,
		     unsigned entsize, unsigned i, uint32_t *type, struct phdr *p)
{
	struct aem_rd r;
	uint32_t t, v32[6];
	uint64_t v64[6];

	if (phoff > len)
		return AEM_E_FORMAT;
	aem_rd_init(&r, elf + phoff, len - (size_t)phoff);
	if (aem_rd_bytes(&r, NULL, (size_t)i * entsize) || aem_rd_u32(&r, &t))
		return AEM_E_FORMAT;
	*type = t;
	if (is64) { /* type, flags, offset, vaddr, paddr, filesz, memsz */
		if (aem_rd_u32(&r, &v32[0]))
			return AEM_E_FORMAT;
		for (int k = 0; k < 5; k++)
			if (aem_rd_u64(&r, &v64[k]))
				return AEM_E_FORMAT;
		*p = (struct phdr){ v64[0], v64[2], v64[3], v64[4] };
	} else {   /* type, offset, vaddr, paddr, filesz, memsz */
		for (int k = 0; k < 5; k++)
			if (aem_rd_u32(&r, &v32[k]))
				return AEM_E_FORMAT;
		*p = (struct phdr){ v32[0], v32[2], v32[3], v32[4] };
	}
	return 0;
}

int aem_tb_elf_layout(const uint8_t *elf, size_t len, uint8_t **img, size_t *img_len)
{
	uint64_t phoff, lo = UINT64_MAX, hi = 0;
	unsigned entsize, phnum, nload = 0;
	bool is64;
	uint8_t *m;

	*img = NULL;
	*img_len = 0;
	if (!elf || len < 52 || memcmp(elf, "\x7f" "ELF", 4) || elf[5] != 1 ||
	    (elf[4] != 1 && elf[4] != 2))
		return AEM_E_FORMAT;
	is64 = elf[4] == 2;
	if (is64 && len < 64)
		return AEM_E_FORMAT;
	phoff = is64 ? (uint64_t)le32(elf + 32) | (uint64_t)le32(elf + 36) << 32 : le32(elf + 28);
	entsize = is64 ? (unsigned)(elf[54] | elf[55] << 8) : (unsigned)(elf[42] | elf[43] << 8);
	phnum = is64 ? (unsigned)(elf[56] | elf[57] << 8) : (unsigned)(elf[44] | elf[45] << 8);
	if (entsize < (is64 ? 56u : 32u))
		return AEM_E_FORMAT;
	for (unsigned i = 0; i < phnum; i++) {
		struct phdr p;
		uint32_t type;

		if (read_phdr(elf, len, is64, phoff, entsize, i, &type, &p))
			return AEM_E_FORMAT;
		if (type != 1)
			continue;
		if (p.filesz > p.memsz || p.off > len || p.filesz > len - p.off ||
		    p.memsz > IMG_MAX || p.paddr > UINT64_MAX - p.memsz)
			return AEM_E_FORMAT;
		nload++;
		if (p.paddr < lo)
			lo = p.paddr;
		if (p.paddr + p.memsz > hi)
			hi = p.paddr + p.memsz;
	}
	if (!nload || hi - lo > IMG_MAX || hi == lo)
		return AEM_E_FORMAT;
	if (!(m = calloc(1, (size_t)(hi - lo))))
		return AEM_E_NOMEM;
	for (unsigned i = 0; i < phnum; i++) {
		struct phdr p;
		uint32_t type;

		if (read_phdr(elf, len, is64, phoff, entsize, i, &type, &p) == 0 && type == 1 &&
		    p.filesz)
			memcpy(m + (p.paddr - lo), elf + p.off, (size_t)p.filesz);
	}
	*img = m;
	*img_len = (size_t)(hi - lo);
	return 0;
}

int aem_tb_dlme_elf(const uint8_t *elf, size_t len, uint8_t **img, size_t *img_len,
		    struct aem_tb_mle *mle, const uint8_t **dlme, size_t *dlme_len)
{
	int rc = aem_tb_elf_layout(elf, len, img, img_len);

	if (rc)
		return rc;
	if ((rc = aem_tb_mle_parse(*img, *img_len, mle)) != 0 ||
	    mle->mle_end - mle->mle_start > *img_len) {
		free(*img);
		*img = NULL;
		return rc ? rc : AEM_E_FORMAT;
	}
	*dlme = *img;
	*dlme_len = mle->mle_end - mle->mle_start;
	return 0;
}

/* ---- DCE ---- */

int aem_tb_skl_parse(const uint8_t *buf, size_t len, struct aem_tb_skl *out)
{
	if (!buf || !out || len < 70)
		return AEM_E_FORMAT;
	out->measured_len = (uint16_t)(buf[2] | buf[3] << 8);
	out->info_offset = (uint16_t)(buf[66] | buf[67] << 8);
	out->bootloader_data_offset = (uint16_t)(buf[68] | buf[69] << 8);
	if (out->measured_len < 70 || out->measured_len > len ||
	    out->info_offset >= out->measured_len ||
	    out->bootloader_data_offset < out->measured_len)
		return AEM_E_FORMAT;
	return 0;
}

int aem_tb_skinit_digest(const uint8_t *skl, size_t len, enum aem_bank bank, uint8_t *out)
{
	struct aem_tb_skl h;
	int rc = aem_tb_skl_parse(skl, len, &h);

	return rc ? rc : aem_hash(bank, skl, h.measured_len, out);
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void aem_tb_amd_info(uint64_t slrt_size, uint16_t psp_version, uint8_t out[AEM_TB_AMD_INFO_LEN])
{
	memset(out, 0, AEM_TB_AMD_INFO_LEN);
	put_le(out + 0, 5, 4);                      /* tag: AMD info */
	put_le(out + 4, AEM_TB_AMD_INFO_LEN, 4);    /* size */
	/* next (u64) at 8: zeroed by Xen */
	put_le(out + 16, 10, 4);                    /* type */
	put_le(out + 20, AEM_TB_AMD_INFO_LEN, 4);   /* len */
	put_le(out + 24, slrt_size, 8);
	/* slrt_base (24+8) and boot_params_base (40): zeroed by Xen */
	put_le(out + 48, psp_version, 2);
}

void aem_tb_entry_bytes(uint32_t entry, uint8_t out[4])
{
	put_le(out, entry, 4);
}

/* TrenchBoot's measurement rules (GRUB slaunch + Intel SINIT or AMD SKL, Xen as the
 * launched image): what each event of the launch hashes, per variant and release.
 * The sibling of tboot.h. Pure: every function computes from bytes handed in (no
 * files, no TPM). The rules, with their sources: docs/measurement.md. */
#ifndef AEM_TRENCHBOOT_H
#define AEM_TRENCHBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcr.h"

#define AEM_EV_SLAUNCH 0x502u    /* every event of the DCE's SKINIT record and of Xen */
#define AEM_TB_DRTM_LOCALITY 2u  /* Xen (and SKL) extend at locality 2 */

/* Intel TXT or AMD SKINIT, x legacy BIOS (multiboot2 Xen, GRUB loads the modules) or
 * UEFI (GRUB chainloads xen.efi, which reads xen.cfg and loads the modules itself). */
enum aem_tb_variant {
	AEM_TB_INTEL_MB2,
	AEM_TB_AMD_MB2,
	AEM_TB_INTEL_EFI,
	AEM_TB_AMD_EFI,
};

/* The releases whose measurements differ (docs/measurement.md, "TrenchBoot releases"). */
enum aem_tb_release {
	AEM_TB_REL_OLD = 0,    /* aem_v0.2 .. v0.4.x: other event types / SLRT info rules:
				* recognised, refused for prediction */
	AEM_TB_REL_V050,       /* v0.5.0-rc1 .. v0.5.x before aem-staging-2025-05-30: Xen's
				* EFI command line is measured with the image name in front */
	AEM_TB_REL_STAGING,    /* aem-staging-2025-05-30-v3 and later (v0.5.3-rc1 logs):
				* the EFI command line without the image name */
};
#define AEM_TB_REL_DEFAULT AEM_TB_REL_STAGING

bool aem_tb_variant_is_amd(enum aem_tb_variant v);
bool aem_tb_variant_is_efi(enum aem_tb_variant v);
/* "intel-mb2", "amd-mb2", "intel-efi", "amd-efi" (and back: 0 or AEM_E_FORMAT). */
const char *aem_tb_variant_name(enum aem_tb_variant v);
int aem_tb_variant_parse(const char *s, enum aem_tb_variant *v);
/* "v0.5.0" / "staging" / "old" (and back). */
const char *aem_tb_release_name(enum aem_tb_release r);
int aem_tb_release_parse(const char *s, enum aem_tb_release *r);
/* NULL when aem predicts launches of release r, else one English sentence why not. */
const char *aem_tb_release_refusal(enum aem_tb_release r);

/* ---- Xen's MLE header (the TXT MLE header format, also used on AMD) ---------- */

#define AEM_TB_HDR_SEARCH 0x2000u   /* GRUB looks for it in the first 8 KiB ... */
#define AEM_TB_HDR_ALIGN 0x10u      /* ... on 16-byte boundaries */
#define AEM_TB_MLE_HDR_LEN 52u

struct aem_tb_mle {
	uint32_t offset;       /* where the header was found in the searched bytes */
	uint32_t entry;        /* entry_point: the DLME entry offset SKL measures */
	uint32_t mle_start, mle_end;
};

/* Find and read the MLE header in buf (an image as GRUB searches it: the ELF as laid
 * out in memory on BIOS, the xen.efi file on UEFI). AEM_E_FORMAT when there is none
 * or it is inconsistent (mle_end <= mle_start, > 256 MiB). */
int aem_tb_mle_parse(const uint8_t *buf, size_t len, struct aem_tb_mle *out);

/* Xen's ELF image as GRUB's multiboot2 loader lays it out for slaunch: every PT_LOAD
 * segment at p_paddr - (lowest p_paddr), its file bytes then zeros up to p_memsz,
 * gaps zero. *img is malloc'd (free it), *img_len = highest p_paddr+p_memsz - lowest.
 * ELF32 or ELF64, little-endian; AEM_E_FORMAT otherwise. */
int aem_tb_elf_layout(const uint8_t *elf, size_t len, uint8_t **img, size_t *img_len);
/* The DLME (= Intel MLE) bytes of a multiboot2 Xen: the first mle_end - mle_start
 * bytes of the layout; *mle gets the header. AEM_E_FORMAT when the header is missing
 * or the MLE reaches past the loaded image. The pointer returned is inside *img. */
int aem_tb_dlme_elf(const uint8_t *elf, size_t len, uint8_t **img, size_t *img_len,
		    struct aem_tb_mle *mle, const uint8_t **dlme, size_t *dlme_len);

/* ---- the DCE ------------------------------------------------------------------- */

/* AMD: SKL's header (u16 entry, u16 measured length, ..., u16 skl_info_offset at 66,
 * u16 bootloader_data_offset at 68). The CPU measures the first measured_len bytes. */
struct aem_tb_skl {
	uint16_t measured_len;
	uint16_t info_offset;
	uint16_t bootloader_data_offset;
};
int aem_tb_skl_parse(const uint8_t *buf, size_t len, struct aem_tb_skl *out);
/* H_bank of the bytes SKINIT measures (the "SKINIT" event; the CPU's own extend). */
int aem_tb_skinit_digest(const uint8_t *skl, size_t len, enum aem_bank bank, uint8_t *out);

/* The 56-byte SLRT AMD info record Xen measures into PCR 18, with the fields that hold
 * addresses zeroed: slrt_size = 0x10000 - SKL's bootloader_data_offset. */
#define AEM_TB_AMD_INFO_LEN 56u
void aem_tb_amd_info(uint64_t slrt_size, uint16_t psp_version, uint8_t out[AEM_TB_AMD_INFO_LEN]);
/* The 4 bytes of the "DLME entry offset" event: the MLE header's entry, little-endian. */
void aem_tb_entry_bytes(uint32_t entry, uint8_t out[4]);

/* ---- xen.cfg (UEFI) ------------------------------------------------------------ */

#define AEM_TB_XENCFG_MAX_MODULES 4   /* kernel, ramdisk, xsm, ucode: Xen's order */

struct aem_tb_xencfg {
	char *section;                 /* the section used (owned) */
	char *options;                 /* options= value: leading blanks dropped (owned, "" if none) */
	size_t nmod;
	struct {
		const char *key;           /* "kernel", "ramdisk", "xsm", "ucode" */
		char *file;                /* the file name as written (owned) */
		char *string;              /* the module string Xen measures (owned) */
	} mod[AEM_TB_XENCFG_MAX_MODULES];
};

/* Parse xen.cfg text and select a section: `section`, else [global]'s default=.
 * Lines: [name], key=value, '#' starts a comment, leading blanks dropped. The module
 * string is the file name, and for kernel= a space and the rest of the value.
 * On AEM_E_FORMAT, err gets a sentence. Free with aem_tb_xencfg_free. */
int aem_tb_xencfg_parse(const char *text, size_t len, const char *section,
			struct aem_tb_xencfg *out, char *err, size_t errlen);
void aem_tb_xencfg_free(struct aem_tb_xencfg *c);

/* Xen's measured command line on UEFI into buf (NUL-terminated; AEM_E_INVAL when it
 * does not fit): options=, then the text after a "--" token of the EFI load options,
 * cut at the first " -- "; release V050 puts the image name (first token of the load
 * options, "xen" when none) and a space in front. */
int aem_tb_efi_cmdline(enum aem_tb_release rel, const char *options,
		       const char *load_options, char *buf, size_t size);

/* ---- the labels of the events (event data) --------------------------------------- */

extern const char aem_tb_label_skinit[];      /* "SKINIT" */
extern const char aem_tb_label_entry[];       /* "DLME entry offset" */
extern const char aem_tb_label_dlme[];        /* "DLME" */
extern const char aem_tb_label_mb2_module[];  /* "Measured MB2 module" */
extern const char aem_tb_label_osmle[];       /* "Measured TXT OS-MLE data" */
extern const char aem_tb_label_cmdline[];     /* "Xen's command line" */
extern const char aem_tb_label_modstr[];      /* "MB module string" */
extern const char aem_tb_label_module[];      /* "MB module" */

#endif

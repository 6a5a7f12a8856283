/* aem doctor: can this machine run Anti Evil Maid, and if not, why not?
 * Gathers facts through runtime.h only (so recorded machines replay in
 * tests), then decides a verdict: the measured launch and AEM mode the
 * machine can do and an ordered list of what to fix, most fundamental first. */
#ifndef AEM_DOCTOR_H
#define AEM_DOCTOR_H

#include "acm.h"
#include "acpi.h"
#include "txtregs.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEM_DOCTOR_MAX_ACMS 8
#define AEM_DOCTOR_MAX_FIXES 16
#define AEM_DOCTOR_MAX_BANKS 4

/* Where a fact could not be read: 0 fine, else the errno of the failure. */
struct aem_doctor_sinit {
	char path[128];
	bool parsed, sinit, matches;
	struct aem_acm acm;
};

enum aem_doctor_mode {
	AEM_MODE_NONE = 0,
	AEM_MODE_TPM12_LEGACY, /* TPM 1.2, tboot pcr_map=legacy: seal 13,17,18,19 */
	AEM_MODE_TPM20_DA,     /* TPM 2.0, details/authorities mapping: seal 13,17,18 */
	AEM_MODE_TPM12_DA,     /* TPM 1.2 under TrenchBoot (GRUB asks SINIT for D/A;
				* SKL and Xen extend 17/18 only): seal 13,17,18 */
};

/* The DRTM launch this machine can do (with the fixes listed). */
enum aem_doctor_launch {
	AEM_DLAUNCH_NONE = 0,
	AEM_DLAUNCH_TBOOT,     /* Intel TXT through tboot */
	AEM_DLAUNCH_TB_INTEL,  /* Intel TXT through GRUB's slaunch (TrenchBoot), Xen the MLE */
	AEM_DLAUNCH_TB_AMD,    /* AMD SKINIT through GRUB's slaunch and SKL (TrenchBoot) */
};

struct aem_doctor_fix {
	char id[24];    /* stable key, e.g. "txt-disabled" (docs/doctor.md lists them) */
	char text[400]; /* what is wrong and what to do, in words */
};

struct aem_doctor {
	/* CPU (/proc/cpuinfo) */
	char cpu_vendor[16], cpu_model[64];
	bool intel, amd, vmx, smx, svm, skinit, hypervisor, xen;
	/* TXT public space */
	bool txt_tried;          /* only read on Intel CPUs */
	int txt_errno;           /* why it could not be read, 0 when read */
	struct aem_txt_regs txt;
	/* TPM (sysfs) */
	bool tpm_present;
	int tpm_major;           /* 1 or 2, 0 unknown */
	char tpm_manufacturer[48];
	unsigned nbanks;
	char banks[AEM_DOCTOR_MAX_BANKS][8];
	int tpm12_enabled, tpm12_active, tpm12_owned; /* -1 when sysfs does not say */
	bool pcr17_known, pcr17_all_ff, pcr17_all_zero;
	char pcr17[129];
	/* SINIT ACMs in /boot */
	unsigned nsinit;
	struct aem_doctor_sinit sinit[AEM_DOCTOR_MAX_ACMS];
	/* IOMMU */
	bool dmar_present, ivrs_present, iommu_table_ok, iommu_active, iommu_off_cmdline;
	int iommu_errno;
	struct aem_acpi_iommu iommu;
	/* Boot, firmware, tboot */
	bool uefi, coreboot, tboot_installed, tboot_cmdline;
	unsigned tboot_entries;
	char bios_vendor[48], bios_version[64], product[64];
	/* TrenchBoot: GRUB's slaunch module, SKL (AMD's DCE), slaunch entries */
	bool slaunch_grub, skl_present;
	char slaunch_mod[64], skl_path[128];
	unsigned slaunch_entries;
	/* Verdict */
	enum aem_doctor_mode mode;
	enum aem_doctor_launch launch;
	bool ready;              /* mode possible and the last boot was a measured launch */
	unsigned nfixes;
	struct aem_doctor_fix fixes[AEM_DOCTOR_MAX_FIXES];
};

/* Gather every fact through the runtime layer (live or replayed) and decide
 * the verdict. Never fails: what cannot be read is recorded as such. */
void aem_doctor_run(struct aem_doctor *d);
/* The verdict alone, from facts already in d (unit-testable). */
void aem_doctor_decide(struct aem_doctor *d);
const char *aem_doctor_mode_name(enum aem_doctor_mode m);
/* "tboot", "trenchboot-intel", "trenchboot-amd", "none" (JSON), and words. */
const char *aem_doctor_launch_name(enum aem_doctor_launch l);
const char *aem_doctor_launch_words(enum aem_doctor_launch l);

/* Helpers shared with the tests. */
/* Parse a sysfs PCR value: hex digits, optionally space separated (TPM 1.2
 * "pcrs" lines). Returns the byte count or -1. */
int aem_doctor_parse_pcr_hex(const char *s, uint8_t *out, size_t max);

#endif

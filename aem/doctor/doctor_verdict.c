/* aem doctor: the verdict. From the gathered facts, the AEM mode this machine
 * can do and what stands in the way, most fundamental first: a fix further
 * down the list is pointless while one above it is open. */
#include "doctor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static void fix(struct aem_doctor *d, const char *id, const char *fmt, ...)
{
	struct aem_doctor_fix *f;
	va_list ap;

	if (d->nfixes >= AEM_DOCTOR_MAX_FIXES)
		return;
	f = &d->fixes[d->nfixes++];
	snprintf(f->id, sizeof(f->id), "%s", id);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

const char *aem_doctor_mode_name(enum aem_doctor_mode m)
{
	switch (m) {
	case AEM_MODE_TPM12_LEGACY: return "tpm1.2-legacy";
	case AEM_MODE_TPM20_DA: return "tpm2.0-da";
	case AEM_MODE_TPM12_DA: return "tpm1.2-da";
	default: return "none";
	}
}

const char *aem_doctor_launch_name(enum aem_doctor_launch l)
{
	switch (l) {
	case AEM_DLAUNCH_TBOOT: return "tboot";
	case AEM_DLAUNCH_TB_INTEL: return "trenchboot-intel";
	case AEM_DLAUNCH_TB_AMD: return "trenchboot-amd";
	default: return "none";
	}
}

const char *aem_doctor_launch_words(enum aem_doctor_launch l)
{
	switch (l) {
	case AEM_DLAUNCH_TBOOT: return "tboot (Intel TXT)";
	case AEM_DLAUNCH_TB_INTEL: return "TrenchBoot Intel (GRUB slaunch, Intel TXT SINIT)";
	case AEM_DLAUNCH_TB_AMD: return "TrenchBoot AMD (GRUB slaunch, SKINIT with SKL)";
	default: return "none";
	}
}

/* Blockers of the platform itself: no amount of configuration helps. */
static bool platform_blockers(struct aem_doctor *d)
{
	if (d->hypervisor && !d->xen) {
		fix(d, "virtual-machine",
		    "This is a virtual machine: a guest cannot start an Intel TXT launch. "
		    "Run aem doctor on the physical machine (or in Xen dom0).");
	}
	if (d->amd && !d->skinit) {
		/* Linux's skinit flag is CPUID 8000_0001 ECX bit 12, svm bit 2. */
		fix(d, "no-skinit", "AMD CPU without SKINIT (svm %s): %s", d->svm ? "yes" : "no",
		    d->svm ? "this CPU cannot start a TrenchBoot AMD launch; use a machine whose CPU "
			     "has SKINIT (docs/hardware.md)."
			   : "SVM (AMD-V) is off or absent: enable SVM in the firmware setup; "
			     "SKINIT is part of SVM.");
	} else if (!d->intel && !d->amd) {
		fix(d, "no-intel-cpu", "CPU vendor '%s' is neither Intel nor AMD: a DRTM launch "
		    "needs Intel TXT or AMD SKINIT.", d->cpu_vendor[0] ? d->cpu_vendor : "unknown");
	}
	return d->nfixes > 0;
}

/* TrenchBoot's pieces in /boot and GRUB, either vendor. */
static void trenchboot_fixes(struct aem_doctor *d)
{
	bool amd = d->launch == AEM_DLAUNCH_TB_AMD;

	if (!d->slaunch_grub)
		fix(d, "no-slaunch-grub", "GRUB has no slaunch module (/boot/grub/i386-pc or "
		    "x86_64-efi/slaunch.mod): install TrenchBoot's GRUB, which starts the %s launch.",
		    amd ? "SKINIT" : "TXT");
	if (amd && !d->skl_present)
		fix(d, "no-skl", "No SKL.BIN in /boot: install TrenchBoot's Secure Kernel Loader "
		    "(skl.bin), the code SKINIT measures and starts.");
	if (d->mode != AEM_MODE_NONE && d->slaunch_grub && d->slaunch_entries == 0)
		fix(d, "no-slaunch-entry", "No GRUB menu entry runs slaunch: run grub-mkconfig with "
		    "aem's grub.d script (launch = trenchboot in /etc/aem/aem.conf), or aem grub-config.");
}

static void txt_fixes(struct aem_doctor *d)
{
	char words[200];

	if (d->txt_errno) {
		fix(d, "txt-unreadable",
		    "The TXT registers at 0xFED30000 could not be read (%s): run as root; "
		    "/dev/mem must exist and kernel lockdown must not forbid it.", strerror(d->txt_errno));
	} else if (d->txt.absent) {
		fix(d, "txt-disabled",
		    "Intel TXT does not answer at 0xFED30000%s: enable Intel TXT (and VT-x, VT-d "
		    "and the TPM) in the firmware setup, or the CPU/chipset lacks TXT.",
		    d->smx ? " although the CPU reports SMX" : " and the CPU reports no SMX");
	}
	if (!d->txt_errno && !d->txt.absent && (d->txt.ests & AEM_TXT_ESTS_RESET))
		fix(d, "txt-reset-sts",
		    "TXT.ESTS has TXT_RESET.STS set: the processor refuses SENTER until the "
		    "machine is powered off completely (unplug it, remove the battery if possible).");
	if (d->tpm_present && d->launch == AEM_DLAUNCH_TBOOT && !d->tboot_installed)
		fix(d, "no-tboot", "Neither tboot nor TrenchBoot's GRUB (slaunch) is installed: "
		    "install the tboot package, or TrenchBoot's GRUB for a TrenchBoot launch.");
	if (!d->txt_errno && !d->txt.absent && d->nsinit == 0)
		fix(d, "no-sinit", "No SINIT ACM in /boot: unless the firmware supplies one, download "
		    "the one for this chipset (DIDVID 0x%016llx) from Intel and copy it to /boot.",
		    (unsigned long long)d->txt.didvid);
	if (!d->txt_errno && !d->txt.absent && d->nsinit > 0) {
		unsigned good = 0;

		for (unsigned i = 0; i < d->nsinit; i++)
			good += d->sinit[i].matches;
		if (good == 0)
			fix(d, "sinit-mismatch",
			    "Wrong SINIT: none of the %u SINIT ACM file(s) in /boot (first: %s) lists "
			    "this chipset (TXT.DIDVID 0x%016llx); get the SINIT for this platform "
			    "from Intel and remove the others.", d->nsinit, d->sinit[0].path,
			    (unsigned long long)d->txt.didvid);
	}
	if (!d->txt_errno && !d->txt.absent) {
		struct aem_txt_error e;

		aem_txt_error_decode(d->txt.errorcode, &e);
		if (e.failure)
			fix(d, "txt-launch-error",
			    "TXT.ERRORCODE: %s. Look the code up in the SINIT ACM's error table "
			    "(Intel's SINIT release notes); common causes: wrong or old SINIT, TPM "
			    "not provisioned, VT-d disabled.",
			    aem_txt_error_describe(d->txt.errorcode, words, sizeof(words)));
	}
}

static void tpm_fixes(struct aem_doctor *d)
{
	if (d->tpm_major == 1 && d->tpm12_enabled == 0)
		fix(d, "tpm-disabled", "The TPM 1.2 is disabled: enable it in the firmware setup.");
	else if (d->tpm_major == 1 && d->tpm12_active == 0)
		fix(d, "tpm-inactive", "The TPM 1.2 is deactivated: activate it in the firmware setup.");
	if (d->tpm_major == 1 && d->tpm12_owned == 0)
		fix(d, "tpm-not-owned", "The TPM 1.2 has no owner: take ownership (tpm_takeownership -z) "
		    "before sealing.");
}

static void iommu_fixes(struct aem_doctor *d)
{
	if (!d->dmar_present && !d->ivrs_present)
		fix(d, "no-iommu", "No ACPI %s table: enable %s in the firmware setup; without an "
		    "IOMMU a DMA-capable device can rewrite the measured code.",
		    d->amd ? "IVRS" : "DMAR", d->amd ? "the IOMMU (AMD-Vi)" : "VT-d");
	else if (d->iommu_errno)
		fix(d, "iommu-unreadable", "The ACPI DMAR/IVRS table could not be read (%s): run as root.",
		    strerror(d->iommu_errno));
	else if (!d->iommu_table_ok)
		fix(d, "iommu-table-bad", "The ACPI %s table is malformed or lists no remapping unit: "
		    "update the firmware.", d->dmar_present ? "DMAR" : "IVRS");
	if (d->iommu_off_cmdline)
		fix(d, "iommu-off", "The kernel command line turns the IOMMU off: remove "
		    "intel_iommu=off / amd_iommu=off / iommu=off.");
}

/* Which launch: AMD with SKINIT -> TrenchBoot AMD; Intel -> tboot when it is
 * installed, else TrenchBoot Intel when GRUB can slaunch, else tboot (the
 * fix names both). */
static enum aem_doctor_launch pick_launch(const struct aem_doctor *d)
{
	if (d->amd)
		return d->skinit ? AEM_DLAUNCH_TB_AMD : AEM_DLAUNCH_NONE;
	if (!d->intel)
		return AEM_DLAUNCH_NONE;
	return !d->tboot_installed && d->slaunch_grub ? AEM_DLAUNCH_TB_INTEL : AEM_DLAUNCH_TBOOT;
}

void aem_doctor_decide(struct aem_doctor *d)
{
	bool dce_ok, blocked, tb;

	d->nfixes = 0;
	d->mode = AEM_MODE_NONE;
	d->ready = false;
	d->launch = AEM_DLAUNCH_NONE;
	blocked = platform_blockers(d);
	if (!d->tpm_present || d->tpm_major < 1)
		fix(d, "no-tpm", "No TPM is visible (/sys/class/tpm/tpm0): enable the TPM in the "
		    "firmware setup (a DRTM launch needs a TPM 1.2 or 2.0).");
	if (blocked)
		return;
	d->launch = pick_launch(d);
	tb = d->launch == AEM_DLAUNCH_TB_INTEL || d->launch == AEM_DLAUNCH_TB_AMD;
	if (d->intel) {
		txt_fixes(d);
		dce_ok = d->txt_tried && !d->txt_errno && !d->txt.absent;
	} else {
		dce_ok = d->launch == AEM_DLAUNCH_TB_AMD;
	}
	if (!dce_ok)
		d->launch = d->intel ? d->launch : AEM_DLAUNCH_NONE;
	if (dce_ok && d->tpm_major == 1)
		d->mode = tb ? AEM_MODE_TPM12_DA : AEM_MODE_TPM12_LEGACY;
	else if (dce_ok && d->tpm_major == 2)
		d->mode = AEM_MODE_TPM20_DA;
	tpm_fixes(d);
	iommu_fixes(d);
	if (tb)
		trenchboot_fixes(d);
	else if (d->mode != AEM_MODE_NONE && d->tboot_installed && d->tboot_entries == 0)
		fix(d, "no-tboot-entry", "No GRUB menu entry boots tboot: add one (multiboot2 /tboot.gz "
		    "with the SINIT ACM as a module).");
	if (d->mode != AEM_MODE_NONE && d->pcr17_known && d->pcr17_all_ff)
		fix(d, "not-measured", "PCR 17 is all-FF: this boot was not a measured launch. Boot the "
		    "%s", tb ? "AEM TrenchBoot entry (slaunch), and check Xen's boot messages "
			       "(xl dmesg | grep -i slaunch)." :
			       "tboot entry (and check tboot's log: txt-stat).");
	if (d->mode != AEM_MODE_NONE && !d->pcr17_known && d->tpm_present)
		fix(d, "pcr17-unknown", "PCR 17 could not be read from sysfs (kernel too old?): check "
		    "it with tpm2_pcrread sha256:17 or tpm_readpcrs.");
	d->ready = d->mode != AEM_MODE_NONE && d->nfixes == 0;
}

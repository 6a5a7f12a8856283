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
	if (d->amd) {
		fix(d, "amd-cpu",
		    "AMD CPU (svm %s, skinit %s): aem measures through Intel TXT and tboot; "
		    "AMD SKINIT launches are not supported. Use an Intel TXT-capable machine "
		    "(docs/hardware.md).", d->svm ? "yes" : "no", d->skinit ? "yes" : "no");
	} else if (!d->intel) {
		fix(d, "no-intel-cpu", "CPU vendor '%s' is not Intel: Intel TXT is required.",
		    d->cpu_vendor[0] ? d->cpu_vendor : "unknown");
	}
	return d->nfixes > 0;
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
	if (d->tpm_present && !d->tboot_installed)
		fix(d, "no-tboot", "tboot is not installed in /boot: install the tboot package.");
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
		fix(d, "no-iommu", "No ACPI DMAR table: enable VT-d in the firmware setup; without an "
		    "IOMMU a DMA-capable device can rewrite the measured code.");
	else if (d->iommu_errno)
		fix(d, "iommu-unreadable", "The ACPI DMAR/IVRS table could not be read (%s): run as root.",
		    strerror(d->iommu_errno));
	else if (!d->iommu_table_ok)
		fix(d, "iommu-table-bad", "The ACPI %s table is malformed or lists no remapping unit: "
		    "update the firmware.", d->dmar_present ? "DMAR" : "IVRS");
	if (d->iommu_off_cmdline)
		fix(d, "iommu-off", "The kernel command line turns the IOMMU off: remove "
		    "intel_iommu=off / iommu=off.");
}

void aem_doctor_decide(struct aem_doctor *d)
{
	bool txt_ok, blocked;

	d->nfixes = 0;
	d->mode = AEM_MODE_NONE;
	d->ready = false;
	blocked = platform_blockers(d);
	if (!d->tpm_present || d->tpm_major < 1)
		fix(d, "no-tpm", "No TPM is visible (/sys/class/tpm/tpm0): enable the TPM in the "
		    "firmware setup (TXT needs a TPM 1.2 or 2.0).");
	if (blocked)
		return;
	txt_fixes(d);
	txt_ok = d->txt_tried && !d->txt_errno && !d->txt.absent;
	if (txt_ok && d->tpm_major == 1)
		d->mode = AEM_MODE_TPM12_LEGACY;
	else if (txt_ok && d->tpm_major == 2)
		d->mode = AEM_MODE_TPM20_DA;
	tpm_fixes(d);
	iommu_fixes(d);
	if (d->mode != AEM_MODE_NONE && d->tboot_installed && d->tboot_entries == 0)
		fix(d, "no-tboot-entry", "No GRUB menu entry boots tboot: add one (multiboot2 /tboot.gz "
		    "with the SINIT ACM as a module).");
	if (d->mode != AEM_MODE_NONE && d->pcr17_known && d->pcr17_all_ff)
		fix(d, "not-measured", "PCR 17 is all-FF: this boot was not a measured launch. Boot the "
		    "tboot entry (and check tboot's log: txt-stat).");
	if (d->mode != AEM_MODE_NONE && !d->pcr17_known && d->tpm_present)
		fix(d, "pcr17-unknown", "PCR 17 could not be read from sysfs (kernel too old?): check "
		    "it with tpm2_pcrread sha256:17 or tpm_readpcrs.");
	d->ready = d->mode != AEM_MODE_NONE && d->nfixes == 0;
}

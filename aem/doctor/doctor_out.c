/* aem doctor: the report, as text for people or JSON for tools. */
#include "doctor_out.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static void text_txt(FILE *f, const struct aem_doctor *d)
{
	struct aem_txt_didvid id;
	char words[200];

	if (!d->txt_tried) {
		fprintf(f, "TXT:        not probed (not an Intel CPU)\n");
		return;
	}
	if (d->txt_errno) {
		fprintf(f, "TXT:        registers unreadable: %s\n", strerror(d->txt_errno));
		return;
	}
	if (d->txt.absent) {
		fprintf(f, "TXT:        public space does not answer (all-FF): TXT absent or disabled\n");
		return;
	}
	aem_txt_didvid_split(d->txt.didvid, &id);
	fprintf(f, "TXT.STS:    0x%016llx (%s)\n", (unsigned long long)d->txt.sts,
		aem_txt_sts_describe(d->txt.sts, words, sizeof(words)));
	fprintf(f, "TXT.ESTS:   0x%016llx (TXT_RESET.STS %s)\n", (unsigned long long)d->txt.ests,
		yn(d->txt.ests & AEM_TXT_ESTS_RESET));
	fprintf(f, "TXT.ERRORCODE: %s\n", aem_txt_error_describe(d->txt.errorcode, words, sizeof(words)));
	fprintf(f, "TXT.DIDVID: vendor 0x%04x device 0x%04x revision 0x%04x extended 0x%04x\n",
		id.vendor, id.device, id.revision, id.extended);
	fprintf(f, "TXT heap:   base 0x%llx size 0x%llx (%s)\n", (unsigned long long)d->txt.heap_base,
		(unsigned long long)d->txt.heap_size,
		d->txt.heap_base && d->txt.heap_size ? "present" : "absent");
}

static void text_tpm(FILE *f, const struct aem_doctor *d)
{
	if (!d->tpm_present) {
		fprintf(f, "TPM:        none visible\n");
		return;
	}
	fprintf(f, "TPM:        %s%s%s\n", d->tpm_major == 2 ? "2.0" : d->tpm_major == 1 ? "1.2" : "unknown",
		d->tpm_manufacturer[0] ? ", " : "", d->tpm_manufacturer);
	fprintf(f, "TPM banks:  ");
	for (unsigned i = 0; i < d->nbanks; i++)
		fprintf(f, "%s%s", i ? " " : "", d->banks[i]);
	fprintf(f, "%s\n", d->nbanks ? "" : "unknown");
	if (d->tpm_major == 1)
		fprintf(f, "TPM state:  enabled %d active %d owned %d (-1: not told)\n", d->tpm12_enabled,
			d->tpm12_active, d->tpm12_owned);
	fprintf(f, "TPM DA lockout: not exposed by sysfs (tpm2_getcap properties-variable tells)\n");
	if (d->pcr17_known)
		fprintf(f, "PCR 17:     %s (%s)\n", d->pcr17,
			d->pcr17_all_ff ? "all-FF: last boot NOT measured" : "last boot was a measured launch");
	else
		fprintf(f, "PCR 17:     unknown\n");
}

static void text_rest(FILE *f, const struct aem_doctor *d)
{
	char date[16];

	for (unsigned i = 0; i < d->nsinit; i++) {
		const struct aem_doctor_sinit *s = &d->sinit[i];

		if (!s->parsed)
			fprintf(f, "SINIT:      %s: not a valid ACM\n", s->path);
		else
			fprintf(f, "SINIT:      %s: %s, date %s, %u chipset id(s), %s this chipset\n", s->path,
				s->sinit ? "SINIT" : "not SINIT", aem_acm_date(&s->acm, date, sizeof(date)),
				s->acm.total_ids, s->matches ? "matches" : "does NOT match");
	}
	if (d->nsinit == 0)
		fprintf(f, "SINIT:      none in /boot\n");
	if (d->dmar_present || d->ivrs_present)
		fprintf(f, "IOMMU:      ACPI %s %s, %u remapping unit(s), kernel IOMMU %s\n",
			d->dmar_present ? "DMAR" : "IVRS", d->iommu_table_ok ? "sane" : "unreadable or malformed",
			d->iommu.units, d->iommu_active ? "active" : "inactive");
	else
		fprintf(f, "IOMMU:      no ACPI DMAR/IVRS table\n");
	fprintf(f, "Boot:       %s, firmware %s %s%s\n", d->uefi ? "UEFI" : "legacy BIOS",
		d->bios_vendor[0] ? d->bios_vendor : "unknown", d->bios_version,
		d->coreboot ? " (coreboot)" : "");
	fprintf(f, "tboot:      %s, %u GRUB entr%s\n", d->tboot_installed ? "installed" : "not installed",
		d->tboot_entries, d->tboot_entries == 1 ? "y" : "ies");
	fprintf(f, "TrenchBoot: GRUB slaunch %s%s%s, SKL %s, %u GRUB entr%s with slaunch\n",
		d->slaunch_grub ? "yes (" : "no", d->slaunch_mod, d->slaunch_grub ? ")" : "",
		d->skl_present ? d->skl_path : "none in /boot", d->slaunch_entries,
		d->slaunch_entries == 1 ? "y" : "ies");
}

void aem_doctor_print_text(FILE *f, const struct aem_doctor *d)
{
	fprintf(f, "CPU:        %s %s (vmx %s, smx %s, svm %s, skinit %s%s)\n",
		d->cpu_vendor[0] ? d->cpu_vendor : "unknown", d->cpu_model, yn(d->vmx), yn(d->smx),
		yn(d->svm), yn(d->skinit), d->hypervisor ? (d->xen ? ", Xen" : ", virtual machine") : "");
	text_txt(f, d);
	text_tpm(f, d);
	text_rest(f, d);
	fprintf(f, "\nVerdict:    AEM mode %s", aem_doctor_mode_name(d->mode));
	if (d->launch != AEM_DLAUNCH_NONE)
		fprintf(f, ", launch %s", aem_doctor_launch_words(d->launch));
	if (d->ready)
		fprintf(f, ": ready (the last boot was a measured launch)\n");
	else if (d->mode == AEM_MODE_NONE)
		fprintf(f, ": AEM cannot run on this machine as it is\n");
	else
		fprintf(f, ": possible after the fixes below\n");
	for (unsigned i = 0; i < d->nfixes; i++)
		fprintf(f, "  %u. [%s] %s\n", i + 1, d->fixes[i].id, d->fixes[i].text);
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_bool(json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void add_hex(json_object *o, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016llx", (unsigned long long)v);
	add_str(o, k, buf);
}

static json_object *json_txt(const struct aem_doctor *d)
{
	json_object *t = json_object_new_object();
	char words[200];

	add_bool(t, "probed", d->txt_tried);
	add_str(t, "error", d->txt_errno ? strerror(d->txt_errno) : "");
	add_bool(t, "present", d->txt_tried && !d->txt_errno && !d->txt.absent);
	add_hex(t, "sts", d->txt.sts);
	add_hex(t, "ests", d->txt.ests);
	add_hex(t, "errorcode", d->txt.errorcode);
	add_str(t, "errorcode_text", aem_txt_error_describe(d->txt.errorcode, words, sizeof(words)));
	add_hex(t, "didvid", d->txt.didvid);
	add_bool(t, "heap", d->txt.heap_base && d->txt.heap_size);
	return t;
}

static json_object *json_tpm(const struct aem_doctor *d)
{
	json_object *t = json_object_new_object(), *banks = json_object_new_array();

	add_bool(t, "present", d->tpm_present);
	json_object_object_add(t, "family", json_object_new_int(d->tpm_major));
	add_str(t, "manufacturer", d->tpm_manufacturer);
	for (unsigned i = 0; i < d->nbanks; i++)
		json_object_array_add(banks, json_object_new_string(d->banks[i]));
	json_object_object_add(t, "banks", banks);
	add_str(t, "pcr17", d->pcr17);
	add_bool(t, "last_boot_measured", d->pcr17_known && !d->pcr17_all_ff && !d->pcr17_all_zero);
	return t;
}

static json_object *json_sinit(const struct aem_doctor *d)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < d->nsinit; i++) {
		json_object *s = json_object_new_object();

		add_str(s, "path", d->sinit[i].path);
		add_bool(s, "valid", d->sinit[i].parsed);
		add_bool(s, "sinit", d->sinit[i].sinit);
		add_bool(s, "matches", d->sinit[i].matches);
		json_object_array_add(a, s);
	}
	return a;
}

void aem_doctor_print_json(FILE *f, const struct aem_doctor *d)
{
	json_object *o = json_object_new_object(), *cpu = json_object_new_object();
	json_object *fixes = json_object_new_array(), *v = json_object_new_object();

	add_str(cpu, "vendor", d->cpu_vendor);
	add_bool(cpu, "vmx", d->vmx);
	add_bool(cpu, "smx", d->smx);
	add_bool(cpu, "svm", d->svm);
	add_bool(cpu, "skinit", d->skinit);
	add_bool(cpu, "virtual_machine", d->hypervisor && !d->xen);
	json_object_object_add(o, "cpu", cpu);
	json_object_object_add(o, "txt", json_txt(d));
	json_object_object_add(o, "tpm", json_tpm(d));
	json_object_object_add(o, "sinit", json_sinit(d));
	add_bool(o, "iommu_table", d->dmar_present || d->ivrs_present);
	add_bool(o, "iommu_active", d->iommu_active);
	add_str(o, "boot_mode", d->uefi ? "uefi" : "legacy");
	add_bool(o, "coreboot", d->coreboot);
	add_bool(o, "tboot_installed", d->tboot_installed);
	json_object_object_add(o, "tboot_entries", json_object_new_int((int)d->tboot_entries));
	{
		json_object *tb = json_object_new_object();

		add_bool(tb, "slaunch_grub", d->slaunch_grub);
		add_str(tb, "slaunch_module", d->slaunch_mod);
		add_bool(tb, "skl", d->skl_present);
		add_str(tb, "skl_path", d->skl_path);
		json_object_object_add(tb, "entries", json_object_new_int((int)d->slaunch_entries));
		json_object_object_add(o, "trenchboot", tb);
	}
	add_str(v, "mode", aem_doctor_mode_name(d->mode));
	add_str(v, "launch", aem_doctor_launch_name(d->launch));
	add_bool(v, "ready", d->ready);
	for (unsigned i = 0; i < d->nfixes; i++) {
		json_object *x = json_object_new_object();

		add_str(x, "id", d->fixes[i].id);
		add_str(x, "text", d->fixes[i].text);
		json_object_array_add(fixes, x);
	}
	json_object_object_add(v, "fixes", fixes);
	json_object_object_add(o, "verdict", v);
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

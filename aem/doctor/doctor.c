/* aem doctor: fact gathering. Every read goes through runtime.h; a missing
 * or unreadable fact is recorded, never fatal (see doctor.h). */
#include "doctor.h"
#include "runtime.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TPM_SYS "/sys/class/tpm/tpm0"

/* Is word a white-space separated token of list? */
static bool has_token(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '\t';
		bool end = p[n] == '\0' || p[n] == ' ' || p[n] == '\n' || p[n] == '\t';

		if (start && end)
			return true;
	}
	return false;
}

/* Value of the first "key<spaces>: value" line of /proc/cpuinfo-like text. */
static void field(const char *text, const char *key, char *out, size_t size)
{
	size_t n = strlen(key);

	out[0] = '\0';
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *p = l + n, *e;

		if (strncmp(l, key, n) || (*p != ' ' && *p != '\t' && *p != ':'))
			continue;
		p = strchr(l, ':');
		if (!p)
			continue;
		p++;
		while (*p == ' ')
			p++;
		e = strchr(p, '\n');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n >= size)
			n = size - 1;
		memcpy(out, p, n);
		out[n] = '\0';
		return;
	}
}

static void gather_cpu(struct aem_doctor *d)
{
	char flags[4096], hyp[16];
	uint8_t *buf;
	size_t len;

	if (aem_rt_read_file("/proc/cpuinfo", 0, &buf, &len) == 0) {
		field((char *)buf, "vendor_id", d->cpu_vendor, sizeof(d->cpu_vendor));
		field((char *)buf, "model name", d->cpu_model, sizeof(d->cpu_model));
		field((char *)buf, "flags", flags, sizeof(flags));
		free(buf);
		d->vmx = has_token(flags, "vmx");
		d->smx = has_token(flags, "smx");
		d->svm = has_token(flags, "svm");
		d->skinit = has_token(flags, "skinit");
		d->hypervisor = has_token(flags, "hypervisor");
	}
	d->intel = !strcmp(d->cpu_vendor, "GenuineIntel");
	d->amd = !strcmp(d->cpu_vendor, "AuthenticAMD");
	d->xen = aem_rt_read_text("/sys/hypervisor/type", hyp, sizeof(hyp)) == 0 && !strcmp(hyp, "xen");
}

/* Only on Intel: elsewhere nothing lives at 0xFED30000 and poking physical
 * memory of another platform helps nobody. */
static void gather_txt(struct aem_doctor *d)
{
	static uint8_t snap[AEM_TXT_PUB_SNAPSHOT];

	if (!d->intel)
		return;
	d->txt_tried = true;
	errno = 0;
	if (aem_rt_read_phys(AEM_TXT_PUB_BASE, sizeof(snap), snap) < 0) {
		d->txt_errno = errno ? errno : EIO;
		return;
	}
	aem_txt_parse(snap, sizeof(snap), &d->txt);
}

int aem_doctor_parse_pcr_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		unsigned v;

		if (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) || n >= max)
			return -1;
		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n ? (int)n : -1;
}

static void set_pcr17(struct aem_doctor *d, const char *hex)
{
	uint8_t v[64];
	int n = aem_doctor_parse_pcr_hex(hex, v, sizeof(v));
	bool ff = true, zero = true;

	if (n <= 0)
		return;
	d->pcr17_known = true;
	for (int i = 0; i < n; i++) {
		ff = ff && v[i] == 0xff;
		zero = zero && v[i] == 0;
		snprintf(d->pcr17 + 2 * i, 3, "%02x", v[i]);
	}
	d->pcr17_all_ff = ff;
	d->pcr17_all_zero = zero;
}

static int read_int(const char *path)
{
	char buf[16];

	return aem_rt_read_text(path, buf, sizeof(buf)) == 0 ? atoi(buf) : -1;
}

/* TPM 1.2 exposes "PCR-17: FF FF ..." lines and a caps file. */
static void gather_tpm12(struct aem_doctor *d)
{
	char caps[512];
	uint8_t *buf;
	size_t len;

	if (aem_rt_read_file(TPM_SYS "/device/pcrs", 0, &buf, &len) == 0) {
		const char *l = strstr((char *)buf, "PCR-17:");

		if (l) {
			char line[128];
			size_t n = strcspn(l + 7, "\n");

			snprintf(line, sizeof(line), "%.*s", (int)n, l + 7);
			set_pcr17(d, line);
		}
		free(buf);
	}
	if (aem_rt_read_file(TPM_SYS "/device/caps", 0, &buf, &len) == 0) {
		field((char *)buf, "Manufacturer", caps, sizeof(caps));
		snprintf(d->tpm_manufacturer, sizeof(d->tpm_manufacturer), "%.47s", caps);
		free(buf);
	}
	d->tpm12_enabled = read_int(TPM_SYS "/device/enabled");
	d->tpm12_active = read_int(TPM_SYS "/device/active");
	d->tpm12_owned = read_int(TPM_SYS "/device/owned");
	d->nbanks = 1;
	strcpy(d->banks[0], "sha1");
}

static void gather_tpm20(struct aem_doctor *d)
{
	char **names, hex[160], path[96];
	size_t n;

	if (aem_rt_list_dir(TPM_SYS, &names, &n) == 0) {
		for (size_t i = 0; i < n && d->nbanks < AEM_DOCTOR_MAX_BANKS; i++)
			if (!strncmp(names[i], "pcr-", 4) && strlen(names[i] + 4) < sizeof(d->banks[0]))
				strcpy(d->banks[d->nbanks++], names[i] + 4);
		aem_rt_free_list(names, n);
	}
	/* tboot extends sha256 on TPM 2.0 (extpol=sha256): that bank tells. */
	snprintf(path, sizeof(path), TPM_SYS "/pcr-%s/17", "sha256");
	if (aem_rt_read_text(path, hex, sizeof(hex)) == 0)
		set_pcr17(d, hex);
	if (aem_rt_read_text(TPM_SYS "/device/description", hex, sizeof(hex)) == 0)
		snprintf(d->tpm_manufacturer, sizeof(d->tpm_manufacturer), "%.47s", hex);
}

static void gather_tpm(struct aem_doctor *d)
{
	d->tpm12_enabled = d->tpm12_active = d->tpm12_owned = -1;
	if (!aem_rt_exists(TPM_SYS))
		return;
	d->tpm_present = true;
	d->tpm_major = read_int(TPM_SYS "/tpm_version_major");
	/* Older kernels have no tpm_version_major; only TPM 1.2 has "caps". */
	if (d->tpm_major < 1)
		d->tpm_major = aem_rt_exists(TPM_SYS "/device/caps") ? 1 : 0;
	if (d->tpm_major == 1)
		gather_tpm12(d);
	else if (d->tpm_major == 2)
		gather_tpm20(d);
}

static void gather_sinit(struct aem_doctor *d)
{
	char **names;
	size_t n;

	if (aem_rt_list_dir("/boot", &names, &n) < 0)
		return;
	for (size_t i = 0; i < n && d->nsinit < AEM_DOCTOR_MAX_ACMS; i++) {
		struct aem_doctor_sinit *s = &d->sinit[d->nsinit];
		uint8_t *buf;
		size_t len;

		if (!strcasestr(names[i], "sinit") || strlen(names[i]) > sizeof(s->path) - 7)
			continue;
		snprintf(s->path, sizeof(s->path), "/boot/%s", names[i]);
		d->nsinit++;
		if (aem_rt_read_file(s->path, 0, &buf, &len) < 0)
			continue;
		s->parsed = aem_acm_parse(buf, len, &s->acm) == 0;
		free(buf);
		s->sinit = s->parsed && aem_acm_is_sinit(&s->acm);
		s->matches = s->sinit && !d->txt.absent && d->txt_tried && !d->txt_errno &&
			     aem_acm_matches(&s->acm, d->txt.didvid);
	}
	aem_rt_free_list(names, n);
}

static void gather_iommu(struct aem_doctor *d)
{
	const char *path = "/sys/firmware/acpi/tables/DMAR";
	char cmdline[4096], **names;
	uint8_t *buf;
	size_t len, n;

	d->dmar_present = aem_rt_exists(path);
	if (!d->dmar_present) {
		path = "/sys/firmware/acpi/tables/IVRS";
		d->ivrs_present = aem_rt_exists(path);
	}
	if (d->dmar_present || d->ivrs_present) {
		errno = 0;
		if (aem_rt_read_file(path, 1u << 20, &buf, &len) == 0) {
			d->iommu_table_ok = aem_acpi_iommu_parse(buf, len, &d->iommu) == 0;
			free(buf);
		} else {
			d->iommu_errno = errno ? errno : EIO;
		}
	}
	if (aem_rt_list_dir("/sys/class/iommu", &names, &n) == 0) {
		d->iommu_active = n > 0;
		aem_rt_free_list(names, n);
	}
	if (aem_rt_read_text("/proc/cmdline", cmdline, sizeof(cmdline)) == 0)
		d->iommu_off_cmdline = has_token(cmdline, "intel_iommu=off") ||
				       has_token(cmdline, "iommu=off") ||
				       has_token(cmdline, "amd_iommu=off");
}

/* Lines whose first word is `slaunch` (one per TrenchBoot entry). */
static unsigned count_slaunch_entries(const char *cfg)
{
	unsigned k = 0;

	for (const char *l = cfg; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (!strncmp(l, "slaunch", 7) && (l[7] == '\n' || l[7] == ' ' || l[7] == '\t' ||
						  l[7] == '\0' || l[7] == ';'))
			k++;
	}
	return k;
}

static unsigned count_tboot_entries(const char *cfg)
{
	unsigned k = 0;

	for (const char *l = cfg; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t n = strcspn(l, "\n");
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), l);
		if (strstr(line, "multiboot") && strstr(line, "tboot"))
			k++;
	}
	return k;
}

static void gather_boot(struct aem_doctor *d)
{
	static const char *const cfgs[] = {
		"/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", "/boot/efi/EFI/qubes/grub.cfg",
	};
	/* GRUB's slaunch command (TrenchBoot's GRUB), BIOS and UEFI builds. */
	static const char *const slaunch_mods[] = {
		"/boot/grub/i386-pc/slaunch.mod", "/boot/grub/x86_64-efi/slaunch.mod",
		"/boot/grub2/i386-pc/slaunch.mod", "/boot/grub2/x86_64-efi/slaunch.mod",
	};
	char **names;
	size_t n;

	d->uefi = aem_rt_exists("/sys/firmware/efi");
	aem_rt_read_text("/sys/class/dmi/id/bios_vendor", d->bios_vendor, sizeof(d->bios_vendor));
	aem_rt_read_text("/sys/class/dmi/id/bios_version", d->bios_version, sizeof(d->bios_version));
	aem_rt_read_text("/sys/class/dmi/id/product_name", d->product, sizeof(d->product));
	d->coreboot = strcasestr(d->bios_vendor, "coreboot") || strcasestr(d->bios_version, "coreboot") ||
		      strcasestr(d->bios_version, "dasharo") || aem_rt_exists("/sys/bus/coreboot/devices");
	if (aem_rt_list_dir("/boot", &names, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (!strncmp(names[i], "tboot", 5) && strstr(names[i], ".gz"))
				d->tboot_installed = true;
			if (!strcasecmp(names[i], "skl.bin") && !d->skl_present) {
				d->skl_present = true;
				snprintf(d->skl_path, sizeof(d->skl_path), "/boot/%s", names[i]);
			}
		}
		aem_rt_free_list(names, n);
	}
	for (size_t i = 0; i < sizeof(slaunch_mods) / sizeof(slaunch_mods[0]); i++)
		if (!d->slaunch_grub && aem_rt_exists(slaunch_mods[i])) {
			d->slaunch_grub = true;
			snprintf(d->slaunch_mod, sizeof(d->slaunch_mod), "%s", slaunch_mods[i]);
		}
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		uint8_t *buf;
		size_t len;

		if (aem_rt_read_file(cfgs[i], 0, &buf, &len) == 0) {
			d->tboot_entries += count_tboot_entries((char *)buf);
			d->slaunch_entries += count_slaunch_entries((char *)buf);
			free(buf);
		}
	}
}

void aem_doctor_run(struct aem_doctor *d)
{
	memset(d, 0, sizeof(*d));
	gather_cpu(d);
	gather_txt(d);
	gather_tpm(d);
	gather_sinit(d);
	gather_iommu(d);
	gather_boot(d);
	aem_doctor_decide(d);
}

/* GRUB entry generator (grubgen.h). The measured command line of a
 * module is its arguments joined by single spaces, so each argument is
 * written as one GRUB word and the reader gets back the same string. */
#include "grubgen.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 4096

static bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("/._-=,:+@%^~", c);
}

int aem_grubgen_quote(const char *s, char *out, size_t len)
{
	size_t o = 0;
	bool plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = plain_char(*p);
	if (plain) {
		if (strlen(s) + 1 > len)
			return AEM_E_INVAL;
		strcpy(out, s);
		return 0;
	}
	if (len < 3)
		return AEM_E_INVAL;
	out[o++] = '\'';
	for (const char *p = s; *p; p++) {
		const char *piece = *p == '\'' ? "'\\''" : NULL;
		size_t n = piece ? 4 : 1;

		if (o + n + 2 > len)
			return AEM_E_INVAL;
		if (piece)
			memcpy(out + o, piece, n);
		else
			out[o] = *p;
		o += n;
	}
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
}

/* Print the space-separated arguments of args as GRUB words. */
static int put_args(FILE *f, const char *args)
{
	char word[WORD_MAX], q[2 * WORD_MAX + 3];
	const char *p = args ? args : "";

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		if (n >= sizeof(word))
			return AEM_E_INVAL;
		memcpy(word, p, n);
		word[n] = '\0';
		if (aem_grubgen_quote(word, q, sizeof(q)))
			return AEM_E_INVAL;
		fprintf(f, " %s", q);
		p += n;
	}
	return 0;
}

static int put_line(FILE *f, const char *cmd, const char *path, const char *pre,
		    const char *args, const char *post)
{
	char q[2 * WORD_MAX + 3];
	int rc;

	if (aem_grubgen_quote(path, q, sizeof(q)))
		return AEM_E_INVAL;
	fprintf(f, "\t%s\t%s", cmd, q);
	rc = put_args(f, pre);
	if (!rc)
		rc = put_args(f, args);
	if (!rc)
		rc = put_args(f, post);
	fputc('\n', f);
	return rc;
}

static int head(FILE *f, const struct aem_grubgen *g, const struct aem_grubgen_kernel *k,
		char *uuid, size_t ulen)
{
	char title[1024], qt[2 * 1024 + 3];
	const char *kind = g->launch == AEM_GRUBGEN_TRENCHBOOT ? (g->efi ? " (TrenchBoot, EFI)" : " (TrenchBoot)")
							       : g->efi ? " (EFI)" : "";

	snprintf(title, sizeof(title), "AEM (%s): Xen %s with Linux %s%s", g->label ? g->label : "aem",
		 g->xen_version ? g->xen_version : "", k->version ? k->version : "", kind);
	if (aem_grubgen_quote(title, qt, sizeof(qt)))
		return AEM_E_INVAL;
	if ((size_t)snprintf(uuid, ulen, "aem.uuid=%s", g->uuid) >= ulen)
		return AEM_E_INVAL;
	fprintf(f, "menuentry %s --class xen --class aem {\n", qt);
	return 0;
}

/* TrenchBoot: GRUB's slaunch makes the DCE (SINIT or SKL) launch Xen. */
static int entry_tb(FILE *f, const struct aem_grubgen *g, const struct aem_grubgen_kernel *k)
{
	char uuid[160], q[2 * WORD_MAX + 3];
	int rc = head(f, g, k, uuid, sizeof(uuid));

	if (rc)
		return rc;
	fprintf(f, "\techo\t'Enabling slaunch ...'\n\tslaunch\n");
	if (g->efi) {
		for (size_t i = 0; !rc && i < g->nsinit; i++)
			rc = put_line(f, "slaunch_module", g->sinit[i], NULL, NULL, NULL);
		if (!rc && g->esp_uuid) {
			if (aem_grubgen_quote(g->esp_uuid, q, sizeof(q)))
				return AEM_E_INVAL;
			fprintf(f, "\tsearch\t--no-floppy --fs-uuid --set=root %s\n", q);
		}
		fprintf(f, "\techo\t'Loading Xen %s ...'\n", g->xen_version ? g->xen_version : "");
		if (!rc)
			rc = put_line(f, "chainloader", g->xen_efi, k->section, NULL, NULL);
		fprintf(f, "}\n");
		return rc;
	}
	fprintf(f, "\techo\t'Loading Xen %s ...'\n", g->xen_version ? g->xen_version : "");
	rc = put_line(f, "multiboot2", g->xen, "placeholder", g->xen_args, "no-real-mode edd=off");
	if (!rc)
		rc = put_line(f, "module2", k->vmlinuz, "placeholder", g->kernel_args, uuid);
	if (!rc && k->initrd)
		rc = put_line(f, "module2", k->initrd, NULL, NULL, NULL);
	for (size_t i = 0; !rc && i < g->nsinit; i++)
		rc = put_line(f, "slaunch_module", g->sinit[i], NULL, NULL, NULL);
	fprintf(f, "}\n");
	return rc;
}

static int entry(FILE *f, const struct aem_grubgen *g, const struct aem_grubgen_kernel *k)
{
	const char *mb = g->efi ? "multiboot2" : "multiboot", *mod = g->efi ? "module2" : "module";
	char uuid[160];
	int rc;

	if (g->launch == AEM_GRUBGEN_TRENCHBOOT)
		return entry_tb(f, g, k);
	rc = head(f, g, k, uuid, sizeof(uuid));
	if (rc)
		return rc;
	fprintf(f, "\techo\t'Loading tboot ...'\n");
	rc = put_line(f, mb, g->tboot, "placeholder", g->tboot_args, NULL);
	if (!rc)
		rc = put_line(f, mod, g->xen, "placeholder", g->xen_args, NULL);
	if (!rc)
		rc = put_line(f, mod, k->vmlinuz, "placeholder", g->kernel_args, uuid);
	if (!rc && k->initrd)
		rc = put_line(f, mod, k->initrd, NULL, NULL, NULL);
	for (size_t i = 0; !rc && i < g->nsinit; i++)
		rc = put_line(f, mod, g->sinit[i], NULL, NULL, NULL);
	fprintf(f, "}\n");
	return rc;
}

static bool valid(const struct aem_grubgen *g)
{
	bool tb = g->launch == AEM_GRUBGEN_TRENCHBOOT, tb_efi = tb && g->efi;

	if (!g->uuid || !*g->uuid || (g->nk && !g->k))
		return false;
	if (tb ? (tb_efi ? !g->xen_efi : !g->xen) || !g->nsinit : !g->tboot || !g->xen)
		return false;
	for (size_t i = 0; i < g->nk; i++)
		if (!g->k[i].vmlinuz || (tb_efi && (!g->k[i].section || !g->k[i].efi_vmlinuz)))
			return false;
	return true;
}

int aem_grubgen(const struct aem_grubgen *g, char **out, size_t *len)
{
	FILE *f;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!valid(g))
		return AEM_E_INVAL;
	f = open_memstream(out, len);
	if (!f)
		return AEM_E_NOMEM;
	if (g->only_if_aem_dir)
		fprintf(f, "if [ -d /aem/ ]; then\n");
	for (size_t i = 0; i < g->nk && !rc; i++)
		rc = entry(f, g, &g->k[i]);
	if (g->only_if_aem_dir)
		fprintf(f, "fi\n");
	if (fclose(f) || rc) {
		free(*out);
		*out = NULL;
		*len = 0;
		return rc ? rc : AEM_E_NOMEM;
	}
	return 0;
}

/* One xen.cfg value: Xen's parser ends it at a newline and a '#' starts a
 * comment, so neither may be in it. */
static int cfg_value(FILE *f, const char *key, const char *const *parts, size_t n)
{
	bool first = true;

	fprintf(f, "%s=", key);
	for (size_t i = 0; i < n; i++) {
		const char *p = parts[i] ? parts[i] : "";

		if (strpbrk(p, "#\n\r"))
			return AEM_E_INVAL;
		while (*p) {
			size_t w;

			while (*p == ' ' || *p == '\t')
				p++;
			w = strcspn(p, " \t");
			if (!w)
				break;
			fprintf(f, "%s%.*s", first ? "" : " ", (int)w, p);
			first = false;
			p += w;
		}
	}
	fputc('\n', f);
	return 0;
}

int aem_grubgen_xencfg(const struct aem_grubgen *g, char **out, size_t *len)
{
	char uuid[160];
	FILE *f;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (g->launch != AEM_GRUBGEN_TRENCHBOOT || !g->efi || !g->nk || !valid(g))
		return AEM_E_INVAL;
	if ((size_t)snprintf(uuid, sizeof(uuid), "aem.uuid=%s", g->uuid) >= sizeof(uuid))
		return AEM_E_INVAL;
	f = open_memstream(out, len);
	if (!f)
		return AEM_E_NOMEM;
	fprintf(f, "# Written by aem grub-config; rewritten on every kernel or Xen update.\n");
	fprintf(f, "[global]\ndefault=%s\n", g->k[0].section);
	for (size_t i = 0; i < g->nk && !rc; i++) {
		const struct aem_grubgen_kernel *k = &g->k[i];
		const char *opt[] = { "placeholder", g->xen_args, "no-real-mode edd=off" };
		const char *ker[] = { k->efi_vmlinuz, "placeholder", g->kernel_args, uuid };

		if (strpbrk(k->section, "[]#\n") || strpbrk(k->efi_vmlinuz, " \t") ||
		    (k->efi_initrd && strpbrk(k->efi_initrd, " \t#\n"))) {
			rc = AEM_E_INVAL;
			break;
		}
		fprintf(f, "\n[%s]\n", k->section);
		rc = cfg_value(f, "options", opt, 3);
		if (!rc)
			rc = cfg_value(f, "kernel", ker, 4);
		if (!rc && k->efi_initrd)
			rc = cfg_value(f, "ramdisk", &k->efi_initrd, 1);
	}
	if (fclose(f) || rc) {
		free(*out);
		*out = NULL;
		*len = 0;
		return rc ? rc : AEM_E_NOMEM;
	}
	return 0;
}

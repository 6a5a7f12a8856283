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

static int entry(FILE *f, const struct aem_grubgen *g, const struct aem_grubgen_kernel *k)
{
	const char *mb = g->efi ? "multiboot2" : "multiboot", *mod = g->efi ? "module2" : "module";
	char title[1024], qt[2 * 1024 + 3], uuid[128] = "";
	int rc;

	snprintf(title, sizeof(title), "AEM (%s): Xen %s with Linux %s%s", g->label ? g->label : "aem",
		 g->xen_version ? g->xen_version : "", k->version ? k->version : "",
		 g->efi ? " (EFI)" : "");
	if (aem_grubgen_quote(title, qt, sizeof(qt)))
		return AEM_E_INVAL;
	if (g->uuid && *g->uuid)
		snprintf(uuid, sizeof(uuid), "aem.uuid=%s", g->uuid);
	fprintf(f, "menuentry %s --class xen --class aem {\n", qt);
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

int aem_grubgen(const struct aem_grubgen *g, char **out, size_t *len)
{
	FILE *f;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!g->tboot || !g->xen || (g->nk && !g->k))
		return AEM_E_INVAL;
	for (size_t i = 0; i < g->nk; i++)
		if (!g->k[i].vmlinuz)
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

/* aem grub-config: print the AEM menu entries for the files in /boot (what
 * the grub.d script 19_linux_xen_tboot_aem emits into grub.cfg). */
#include "cli.h"
#include "err.h"
#include "grubcfg.h"
#include "grubgen.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXF 32

static const char grub_help[] =
	"usage: aem grub-config [--boot-dir DIR] [--prefix P] [--efi] [--uuid UUID]\n"
	"                       [--kernel-args A] [--xen-args A] [--tboot-args A]\n"
	"Print GRUB menu entries booting tboot + Xen + each dom0 kernel found in DIR\n"
	"(default /boot) with aem.uuid= of the enrolled media, and every SINIT ACM there.\n"
	"P is DIR's path as GRUB sees it (\"\" when /boot is its own file system).\n"
	"Arguments default to GRUB_CMDLINE_{LINUX,LINUX_DEFAULT,XEN,XEN_DEFAULT,TBOOT}\n"
	"and GRUB_DEVICE from the environment (as grub-mkconfig exports them).\n"
	"Nothing is printed when no media is enrolled (unless --uuid is given).\n";

struct files {
	char *xen[MAXF], *vmlinuz[MAXF], *initrd[MAXF], *sinit[MAXF], *tboot;
	size_t nxen, nvm, ninit, nsinit;
};

static int newest_first(const void *a, const void *b)
{
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

static void add(char **v, size_t *n, const char *name)
{
	if (*n < MAXF && (v[*n] = strdup(name)) != NULL)
		(*n)++;
}

static bool starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static bool ends(const char *s, const char *e)
{
	size_t a = strlen(s), b = strlen(e);
	return a >= b && !strcmp(s + a - b, e);
}

static int scan(const char *dir, struct files *f)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (n[0] == '.')
			continue;
		if (!strcmp(n, "tboot.gz"))
			f->tboot = strdup(n);
		else if (starts(n, "xen") && ends(n, ".gz") && (starts(n, "xen-") || !strcmp(n, "xen.gz")))
			add(f->xen, &f->nxen, n);
		else if (starts(n, "vmlinuz"))
			add(f->vmlinuz, &f->nvm, n);
		else if (starts(n, "initrd") || starts(n, "initramfs"))
			add(f->initrd, &f->ninit, n);
		else if (aem_grubcfg_sinit_name(n) || strstr(n, "SINIT"))
			add(f->sinit, &f->nsinit, n);
	}
	closedir(d);
	qsort(f->xen, f->nxen, sizeof(char *), newest_first);
	qsort(f->vmlinuz, f->nvm, sizeof(char *), newest_first);
	qsort(f->sinit, f->nsinit, sizeof(char *), newest_first);
	return 0;
}

/* The initramfs of kernel version v (Debian, Fedora and plain names). */
static const char *initrd_for(const struct files *f, const char *v)
{
	char want[3][300];

	snprintf(want[0], sizeof(want[0]), "initrd.img%s%s", *v ? "-" : "", v);
	snprintf(want[1], sizeof(want[1]), "initramfs%s%s.img", *v ? "-" : "", v);
	snprintf(want[2], sizeof(want[2]), "initrd%s%s.img", *v ? "-" : "", v);
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < f->ninit; i++)
			if (!strcmp(f->initrd[i], want[k]))
				return f->initrd[i];
	return NULL;
}

static char *gpath(const char *prefix, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", prefix, name) < 0 ? NULL : p;
}

static char *env_join(const char *a, const char *b, const char *c)
{
	char *out = NULL;
	const char *x = getenv(a), *y = b ? getenv(b) : NULL, *z = c ? getenv(c) : NULL;

	if (asprintf(&out, "%s %s %s", x ? x : "", y ? y : "", z ? z : "") < 0)
		return NULL;
	return out;
}

struct gopts {
	const char *boot, *prefix, *uuid, *kargs, *xargs, *targs;
	bool efi;
};

static int emit(const struct gopts *o, const struct files *f, const char *uuid, const char *label,
		bool only_if)
{
	struct aem_grubgen_kernel k[MAXF];
	char *paths[3 * MAXF + 2] = { 0 }, *root = NULL, *out = NULL, xver[256];
	struct aem_grubgen g = { 0 };
	size_t np = 0, len = 0;
	int rc;

	for (size_t i = 0; i < f->nvm; i++) {
		const char *v = f->vmlinuz[i] + strlen("vmlinuz") + (f->vmlinuz[i][7] == '-');
		const char *ird = initrd_for(f, v);

		k[i].version = *v ? v : "(default)";
		k[i].vmlinuz = paths[np++] = gpath(o->prefix, f->vmlinuz[i]);
		k[i].initrd = ird ? (paths[np++] = gpath(o->prefix, ird)) : NULL;
	}
	g.tboot = paths[np++] = gpath(o->prefix, f->tboot);
	g.xen = paths[np++] = gpath(o->prefix, f->xen[0]);
	snprintf(xver, sizeof(xver), "%s", strcmp(f->xen[0], "xen.gz") ? f->xen[0] + 4 : "");
	if (ends(xver, ".gz"))
		xver[strlen(xver) - 3] = '\0';
	g.xen_version = xver;
	g.tboot_args = o->targs;
	g.xen_args = o->xargs;
	if (!o->kargs && getenv("GRUB_DEVICE") && asprintf(&root, "root=%s ro", getenv("GRUB_DEVICE")) < 0)
		root = NULL;
	{
		char *env = o->kargs ? NULL : env_join("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", NULL);
		char *all = NULL;
		if (!o->kargs && asprintf(&all, "%s %s", root ? root : "", env ? env : "") < 0)
			all = NULL;
		free(env);
		free(root);
		root = all;
	}
	g.kernel_args = o->kargs ? o->kargs : root;
	g.uuid = uuid;
	g.label = label;
	g.efi = o->efi;
	g.only_if_aem_dir = only_if;
	g.nk = f->nvm;
	g.k = k;
	g.nsinit = f->nsinit;
	char *sin[MAXF];
	for (size_t i = 0; i < f->nsinit; i++)
		sin[i] = paths[np++] = gpath(o->prefix, f->sinit[i]);
	g.sinit = (const char *const *)sin;
	rc = aem_grubgen(&g, &out, &len);
	if (!rc)
		fwrite(out, 1, len, stdout);
	free(out);
	free(root);
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	return rc;
}

static int parse(int argc, char **argv, struct gopts *o)
{
	static const struct option lo[] = {
		{ "boot-dir", required_argument, NULL, 'B' }, { "prefix", required_argument, NULL, 'p' },
		{ "efi", no_argument, NULL, 'e' }, { "uuid", required_argument, NULL, 'u' },
		{ "kernel-args", required_argument, NULL, 'k' }, { "xen-args", required_argument, NULL, 'x' },
		{ "tboot-args", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'B': o->boot = optarg; break;
		case 'p': o->prefix = optarg; break;
		case 'e': o->efi = true; break;
		case 'u': o->uuid = optarg; break;
		case 'k': o->kargs = optarg; break;
		case 'x': o->xargs = optarg; break;
		case 't': o->targs = optarg; break;
		case 'h': fputs(grub_help, stdout); return -1;
		default: fputs(grub_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	return optind == argc ? 0 : (fputs(grub_help, stderr), AEM_EXIT_USAGE);
}

/* The media whose aem.uuid= the entries carry: --uuid, else each enrolled one. */
static int for_each_media(const struct gopts *o, const struct files *f)
{
	char **list = NULL, label[40], real[4096], boot[4096];
	size_t n = 0;
	int rc = 0;

	if (o->uuid)
		return emit(o, f, o->uuid, "aem", false);
	if (aem_state_media_list(&list, &n) || !n) {
		printf("# aem: no AEM media enrolled (aem install): no entries\n");
		aem_state_free_list(list, n);
		return 0;
	}
	if (!realpath(o->boot, boot))
		boot[0] = '\0';
	for (size_t i = 0; i < n && !rc; i++) {
		struct aem_media_rec m;
		bool on_boot;

		if (aem_state_media_load(list[i], &m))
			continue;
		on_boot = m.kind == AEM_MEDIA_DIR && realpath(m.path, real) && !strcmp(real, boot);
		rc = emit(o, f, m.uuid, aem_cli_lc_label(m.suffix, label, sizeof(label)), on_boot);
	}
	aem_state_free_list(list, n);
	return rc;
}

int cmd_grub_config(int argc, char **argv)
{
	struct gopts o = { .boot = "/boot", .prefix = "" };
	struct files f;
	char *xargs = NULL, *targs = NULL;
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	memset(&f, 0, sizeof(f));
	if (scan(o.boot, &f))
		return fprintf(stderr, "aem grub-config: cannot list %s\n", o.boot), AEM_EXIT_INPUT;
	if (!f.tboot || !f.nxen || !f.nvm) {
		fprintf(stderr, "aem grub-config: %s lacks %s: no AEM entries\n", o.boot,
			!f.tboot ? "tboot.gz" : !f.nxen ? "a xen*.gz" : "a vmlinuz*");
		rc = AEM_EXIT_INPUT;
	} else {
		if (!o.xargs)
			o.xargs = xargs = env_join("GRUB_CMDLINE_XEN", "GRUB_CMDLINE_XEN_DEFAULT", NULL);
		if (!o.targs && !getenv("GRUB_CMDLINE_TBOOT"))
			o.targs = "logging=memory,serial";
		else if (!o.targs)
			o.targs = targs = env_join("GRUB_CMDLINE_TBOOT", NULL, NULL);
		rc = for_each_media(&o, &f) ? AEM_EXIT_FAIL : AEM_EXIT_OK;
	}
	free(xargs);
	free(targs);
	for (size_t i = 0; i < f.nxen; i++) free(f.xen[i]);
	for (size_t i = 0; i < f.nvm; i++) free(f.vmlinuz[i]);
	for (size_t i = 0; i < f.ninit; i++) free(f.initrd[i]);
	for (size_t i = 0; i < f.nsinit; i++) free(f.sinit[i]);
	free(f.tboot);
	return rc;
}

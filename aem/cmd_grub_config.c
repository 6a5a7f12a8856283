/* aem grub-config: print the AEM menu entries for the files in /boot (what
 * the grub.d script 19_linux_xen_tboot_aem emits into grub.cfg), for the
 * launch aem.conf names (`launch =`) or the one /boot is set up for. */
#include "cli.h"
#include "config.h"
#include "err.h"
#include "fileio.h"
#include "grubcfg.h"
#include "grubgen.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAXF 32
#define COPY_MAX (512u << 20)

static const char grub_help[] =
	"usage: aem grub-config [--boot-dir DIR] [--prefix P] [--efi] [--uuid UUID]\n"
	"                       [--kernel-args A] [--xen-args A] [--tboot-args A]\n"
	"                       [--launch tboot|trenchboot] [--config FILE]\n"
	"                       [--esp-dir D] [--esp-path P] [--esp-uuid U] [--write-esp | --xen-cfg]\n"
	"Print GRUB menu entries booting Xen + each dom0 kernel found in DIR (default\n"
	"/boot) with aem.uuid= of the enrolled media, for the measured launch chosen by\n"
	"--launch, else aem.conf's `launch =`, else detected (tboot.gz in DIR: tboot;\n"
	"else SKL.BIN or GRUB's slaunch module: TrenchBoot).\n"
	"tboot: tboot.gz, Xen, kernel, initramfs and every SINIT ACM as modules.\n"
	"TrenchBoot: slaunch, Xen (multiboot2), kernel and initramfs (module2), and a\n"
	"slaunch_module line per *SINIT*.BIN / SKL.BIN in DIR. With --efi, TrenchBoot\n"
	"entries chainload xen.efi (the newest xen*.efi in D, default DIR/efi/EFI/qubes,\n"
	"seen by GRUB as P, default /EFI/qubes, on the file system with UUID U) with its\n"
	"own xen.cfg: --xen-cfg prints that file, --write-esp copies xen.efi (as\n"
	"<media label>-xen-<ver>.efi), the kernels and initramfs images (as aem-<name>)\n"
	"into D and writes <media label>-xen-<ver>.cfg there (for other launches\n"
	"--write-esp does nothing, so the grub.d hook can always pass it).\n"
	"P (--prefix) is DIR's path as GRUB sees it (\"\" when /boot is its own file system).\n"
	"Arguments default to GRUB_CMDLINE_{LINUX,LINUX_DEFAULT,XEN,XEN_DEFAULT,TBOOT}\n"
	"and GRUB_DEVICE from the environment (as grub-mkconfig exports them).\n"
	"Nothing is printed when no media is enrolled (unless --uuid is given).\n";

struct files {
	char *xen[MAXF], *vmlinuz[MAXF], *initrd[MAXF], *sinit[MAXF], *dce[MAXF], *tboot;
	char *xen_efi[MAXF];
	size_t nxen, nvm, ninit, nsinit, ndce, nxefi;
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

/* TrenchBoot's DCE files: *SINIT*.BIN and SKL.BIN, any case. */
static bool dce_name(const char *n)
{
	size_t l = strlen(n);

	if (l < 4 || strcasecmp(n + l - 4, ".bin"))
		return false;
	return strcasestr(n, "sinit") || !strcasecmp(n, "skl.bin");
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
		if (dce_name(n))
			add(f->dce, &f->ndce, n);
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
	qsort(f->dce, f->ndce, sizeof(char *), newest_first);
	return 0;
}

static void scan_esp(const char *dir, struct files *f)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) != NULL)
		if (starts(de->d_name, "xen") && ends(de->d_name, ".efi"))
			add(f->xen_efi, &f->nxefi, de->d_name);
	closedir(d);
	qsort(f->xen_efi, f->nxefi, sizeof(char *), newest_first);
}

/* A GRUB that can slaunch: its slaunch module in one of the usual places. */
static bool slaunch_grub(const char *boot)
{
	static const char *const mods[] = {
		"grub/i386-pc/slaunch.mod", "grub/x86_64-efi/slaunch.mod",
		"grub2/i386-pc/slaunch.mod", "grub2/x86_64-efi/slaunch.mod",
	};
	char p[4096];

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", boot, mods[i]);
		if (!access(p, R_OK))
			return true;
	}
	return false;
}

static enum aem_launch_kind detect(const char *boot, const struct files *f)
{
	bool skl = false;

	for (size_t i = 0; i < f->ndce; i++)
		skl = skl || !strcasecmp(f->dce[i], "skl.bin");
	if (f->tboot)
		return AEM_LAUNCH_TBOOT;
	return skl || slaunch_grub(boot) ? AEM_LAUNCH_TRENCHBOOT : AEM_LAUNCH_TBOOT;
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
	const char *boot, *prefix, *uuid, *kargs, *xargs, *targs, *conf;
	const char *esp_dir, *esp_path, *esp_uuid;
	char esp_dir_buf[4096];
	enum aem_launch_kind launch;
	bool efi, write_esp, xen_cfg;
};

/* Copy src to dst atomically (the ESP copies GRUB's chainloaded Xen reads). */
static int copy_file(const char *src, const char *dst)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = aem_file_read(src, COPY_MAX, &buf, &len);

	if (!rc)
		rc = aem_file_write_atomic(dst, buf, len, 0644);
	if (rc)
		fprintf(stderr, "aem grub-config: cannot copy %s to %s\n", src, dst);
	free(buf);
	return rc;
}

static char *ver_of(const char *name, const char *pre, const char *suf, char *buf, size_t len)
{
	snprintf(buf, len, "%s", starts(name, pre) ? name + strlen(pre) : "");
	if (ends(buf, suf))
		buf[strlen(buf) - strlen(suf)] = '\0';
	return buf;
}

/* TrenchBoot on UEFI: the files Xen's EFI loader reads, beside aem-xen*.efi. */
static int write_esp(const struct gopts *o, const struct files *f, const struct aem_grubgen *g,
		     const char *efi_cfg_name, const char *efi_xen_name)
{
	char src[4096], dst[4096], *out = NULL;
	size_t len = 0;
	int rc;

	snprintf(src, sizeof(src), "%s/%s", o->esp_dir, f->xen_efi[0]);
	snprintf(dst, sizeof(dst), "%s/%s", o->esp_dir, efi_xen_name);
	rc = copy_file(src, dst);
	for (size_t i = 0; !rc && i < g->nk; i++) {
		snprintf(src, sizeof(src), "%s/%s", o->boot, f->vmlinuz[i]);
		snprintf(dst, sizeof(dst), "%s/%s", o->esp_dir, g->k[i].efi_vmlinuz);
		rc = copy_file(src, dst);
		if (!rc && g->k[i].efi_initrd) {
			snprintf(src, sizeof(src), "%s/%s", o->boot, g->k[i].efi_initrd + 4);
			snprintf(dst, sizeof(dst), "%s/%s", o->esp_dir, g->k[i].efi_initrd);
			rc = copy_file(src, dst);
		}
	}
	if (!rc)
		rc = aem_grubgen_xencfg(g, &out, &len);
	if (!rc) {
		snprintf(dst, sizeof(dst), "%s/%s", o->esp_dir, efi_cfg_name);
		rc = aem_file_write_atomic(dst, (const uint8_t *)out, len, 0644);
		if (rc)
			fprintf(stderr, "aem grub-config: cannot write %s\n", dst);
	}
	free(out);
	return rc;
}

static char *kernel_args(const struct gopts *o)
{
	char *env, *all = NULL, *root = NULL;

	if (o->kargs)
		return strdup(o->kargs);
	if (getenv("GRUB_DEVICE") && asprintf(&root, "root=%s ro", getenv("GRUB_DEVICE")) < 0)
		root = NULL;
	env = env_join("GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", NULL);
	if (asprintf(&all, "%s %s", root ? root : "", env ? env : "") < 0)
		all = NULL;
	free(env);
	free(root);
	return all;
}

static int emit(const struct gopts *o, const struct files *f, const char *uuid, const char *label,
		bool only_if)
{
	struct aem_grubgen_kernel k[MAXF];
	char *paths[6 * MAXF + 4] = { 0 }, *out = NULL, xver[256], exen[300], ecfg[300];
	const char *sin[MAXF];
	struct aem_grubgen g = { 0 };
	bool tb = o->launch == AEM_LAUNCH_TRENCHBOOT, tb_efi = tb && o->efi;
	size_t np = 0, len = 0;
	int rc;

	if (tb_efi)
		ver_of(f->xen_efi[0], "xen-", ".efi", xver, sizeof(xver));
	else
		ver_of(f->xen[0], "xen-", ".gz", xver, sizeof(xver));
	/* One Xen image and xen.cfg per media: each carries its own aem.uuid=. */
	snprintf(exen, sizeof(exen), "%s-xen%s%s.efi", label, *xver ? "-" : "", xver);
	snprintf(ecfg, sizeof(ecfg), "%s-xen%s%s.cfg", label, *xver ? "-" : "", xver);
	for (size_t i = 0; i < f->nvm; i++) {
		const char *v = f->vmlinuz[i] + strlen("vmlinuz") + (f->vmlinuz[i][7] == '-');
		const char *ird = initrd_for(f, v);

		memset(&k[i], 0, sizeof(k[i]));
		k[i].version = *v ? v : "(default)";
		k[i].vmlinuz = paths[np++] = gpath(o->prefix, f->vmlinuz[i]);
		k[i].initrd = ird ? (paths[np++] = gpath(o->prefix, ird)) : NULL;
		k[i].section = f->vmlinuz[i];
		if (asprintf(&paths[np], "aem-%s", f->vmlinuz[i]) >= 0)
			k[i].efi_vmlinuz = paths[np++];
		if (ird && asprintf(&paths[np], "aem-%s", ird) >= 0)
			k[i].efi_initrd = paths[np++];
	}
	g.launch = tb ? AEM_GRUBGEN_TRENCHBOOT : AEM_GRUBGEN_TBOOT;
	g.tboot = f->tboot ? (paths[np++] = gpath(o->prefix, f->tboot)) : NULL;
	g.xen = f->nxen ? (paths[np++] = gpath(o->prefix, f->xen[0])) : NULL;
	g.xen_efi = tb_efi ? (paths[np++] = gpath(o->esp_path, exen)) : NULL;
	g.esp_uuid = o->esp_uuid;
	g.xen_version = xver;
	g.tboot_args = o->targs;
	g.xen_args = o->xargs;
	g.kernel_args = paths[np++] = kernel_args(o);
	g.uuid = uuid;
	g.label = label;
	g.efi = o->efi;
	g.only_if_aem_dir = only_if;
	g.nk = f->nvm;
	g.k = k;
	g.nsinit = tb ? f->ndce : f->nsinit;
	for (size_t i = 0; i < g.nsinit; i++)
		sin[i] = paths[np++] = gpath(o->prefix, tb ? f->dce[i] : f->sinit[i]);
	g.sinit = sin;
	if (tb_efi && o->xen_cfg)
		rc = aem_grubgen_xencfg(&g, &out, &len);
	else
		rc = aem_grubgen(&g, &out, &len);
	if (!rc && tb_efi && o->write_esp)
		rc = write_esp(o, f, &g, ecfg, exen);
	if (!rc)
		fwrite(out, 1, len, stdout);
	if (rc == AEM_E_INVAL)
		fprintf(stderr, "aem grub-config: an entry cannot be written (a missing file, no "
			"aem.uuid, or an argument a xen.cfg line cannot hold: '#' or a newline)\n");
	free(out);
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
		{ "launch", required_argument, NULL, 'L' }, { "config", required_argument, NULL, 'c' },
		{ "esp-dir", required_argument, NULL, 'D' }, { "esp-path", required_argument, NULL, 'P' },
		{ "esp-uuid", required_argument, NULL, 'U' }, { "write-esp", no_argument, NULL, 'W' },
		{ "xen-cfg", no_argument, NULL, 'X' },
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
		case 'c': o->conf = optarg; break;
		case 'D': o->esp_dir = optarg; break;
		case 'P': o->esp_path = optarg; break;
		case 'U': o->esp_uuid = optarg; break;
		case 'W': o->write_esp = true; break;
		case 'X': o->xen_cfg = true; break;
		case 'L':
			if (!strcmp(optarg, "tboot"))
				o->launch = AEM_LAUNCH_TBOOT;
			else if (!strcmp(optarg, "trenchboot"))
				o->launch = AEM_LAUNCH_TRENCHBOOT;
			else
				return fprintf(stderr, "aem grub-config: --launch is tboot or trenchboot, "
					       "not '%s'\n", optarg), AEM_EXIT_USAGE;
			break;
		case 'h': fputs(grub_help, stdout); return -1;
		default: fputs(grub_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (o->write_esp && o->xen_cfg)
		return fputs("aem grub-config: --write-esp and --xen-cfg exclude each other\n", stderr),
		       AEM_EXIT_USAGE;
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

/* What the chosen launch needs in /boot (and on the ESP); NULL when it is there. */
static const char *lacking(const struct gopts *o, const struct files *f)
{
	if (!f->nvm)
		return "a vmlinuz*";
	if (o->launch == AEM_LAUNCH_TBOOT)
		return !f->tboot ? "tboot.gz" : !f->nxen ? "a xen*.gz" : NULL;
	if (!f->ndce)
		return "a TrenchBoot DCE file (*SINIT*.BIN for Intel, SKL.BIN for AMD)";
	if (o->efi)
		return f->nxefi ? NULL : "a xen*.efi in the ESP directory (--esp-dir)";
	return f->nxen ? NULL : "a xen*.gz";
}

static void free_files(struct files *f)
{
	char **lists[] = { f->xen, f->vmlinuz, f->initrd, f->sinit, f->dce, f->xen_efi };
	size_t ns[] = { f->nxen, f->nvm, f->ninit, f->nsinit, f->ndce, f->nxefi };

	for (size_t l = 0; l < sizeof(ns) / sizeof(ns[0]); l++)
		for (size_t i = 0; i < ns[l]; i++)
			free(lists[l][i]);
	free(f->tboot);
}

int cmd_grub_config(int argc, char **argv)
{
	struct gopts o = { .boot = "/boot", .prefix = "", .esp_path = "/EFI/qubes",
			   .launch = AEM_LAUNCH_AUTO };
	struct aem_config conf;
	struct files f;
	char *xargs = NULL, *targs = NULL, err[300] = "";
	const char *why;
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc < 0 ? AEM_EXIT_OK : rc;
	if (o.launch == AEM_LAUNCH_AUTO) {
		if (aem_config_load(o.conf, &conf, err, sizeof(err)))
			return fprintf(stderr, "aem grub-config: %s\n", err), AEM_EXIT_INPUT;
		o.launch = conf.launch;
	}
	memset(&f, 0, sizeof(f));
	if (scan(o.boot, &f))
		return fprintf(stderr, "aem grub-config: cannot list %s\n", o.boot), AEM_EXIT_INPUT;
	if (!o.esp_dir) {
		snprintf(o.esp_dir_buf, sizeof(o.esp_dir_buf), "%s/efi/EFI/qubes", o.boot);
		o.esp_dir = o.esp_dir_buf;
	}
	scan_esp(o.esp_dir, &f);
	if (o.launch == AEM_LAUNCH_AUTO)
		o.launch = detect(o.boot, &f);
	why = lacking(&o, &f);
	if (why) {
		fprintf(stderr, "aem grub-config: %s lacks %s: no AEM entries for a %s launch\n", o.boot,
			why, o.launch == AEM_LAUNCH_TBOOT ? "tboot" : "TrenchBoot");
		rc = AEM_EXIT_INPUT;
	} else if (o.xen_cfg && (o.launch != AEM_LAUNCH_TRENCHBOOT || !o.efi)) {
		fprintf(stderr, "aem grub-config: --xen-cfg is for TrenchBoot on UEFI (--efi, launch "
			"trenchboot) only\n");
		rc = AEM_EXIT_USAGE;
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
	free_files(&f);
	return rc;
}

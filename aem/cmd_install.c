/* aem install: enrol an AEM media for this TPM. A block device becomes an
 * ext4 file system labelled aem<suffix> (only with --format); a directory
 * (tests, /boot installs) is used as it is. Either way the sealed files go to
 * <media>/aem/<tpm-id>/ and the record to $AEM_STATE_DIR/media/. */
#include "cli.h"
#include "err.h"
#include "media.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char install_help[] =
	"usage: aem install [--suffix S] [--uuid UUID] [--format] [--tcti SPEC] DEVICE|DIR\n"
	"Enrol AEM media for this TPM. DEVICE is formatted as ext4 labelled aem<S> (needs\n"
	"--format: everything on it is lost); DIR is used as it is (e.g. /boot). Refused when\n"
	"another device has the same label or UUID.\n";

/* Run argv, first line of its stdout into out (may be NULL). Exit status or -1. */
static int run(char *const argv[], char *out, size_t len)
{
	int p[2], st = 0;
	pid_t pid;
	ssize_t n = 0;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return close(p[0]), close(p[1]), -1;
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (out && len) {
		size_t got = 0;
		while (got + 1 < len && (n = read(p[0], out + got, len - 1 - got)) > 0)
			got += (size_t)n;
		out[got] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	close(p[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Another device carrying tag=value (blkid -t) than dev: refuse. */
static int unique_tag(const char *tag, const char *value, const char *dev)
{
	char t[256], out[4096], real[4096], mine[4096];
	char *argv[] = { "blkid", "-o", "device", "-t", t, NULL };

	snprintf(t, sizeof(t), "%s=%s", tag, value);
	if (run(argv, out, sizeof(out)) != 0 || !out[0])
		return 0; /* blkid exits 2 when nothing carries it */
	if (dev && realpath(out, real) && realpath(dev, mine) && !strcmp(real, mine))
		return 0;
	fprintf(stderr, "aem install: %s already carries %s: refusing a duplicate (the boot "
		"path could pick either)\n", out, t);
	return -1;
}

static int format_device(const char *dev, const char *label, struct aem_media_rec *m)
{
	char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-L", (char *)label, (char *)dev, NULL };
	char *uuid[] = { "blkid", "-s", "UUID", "-o", "value", (char *)dev, NULL };
	struct aem_usb_id usb;
	char name[AEM_STATE_PATH_MAX];

	if (unique_tag("LABEL", label, dev))
		return AEM_EXIT_INPUT;
	if (run(mkfs, NULL, 0) != 0)
		return fprintf(stderr, "aem install: mkfs.ext4 %s failed\n", dev), AEM_EXIT_IO;
	if (run(uuid, m->uuid, sizeof(m->uuid)) != 0 || strlen(m->uuid) != 36)
		return fprintf(stderr, "aem install: no UUID on %s after mkfs\n", dev), AEM_EXIT_IO;
	if (unique_tag("UUID", m->uuid, dev))
		return AEM_EXIT_INPUT;
	snprintf(name, sizeof(name), "%s", dev);
	if (aem_media_usb_id("/sys", basename(name), &usb) == 0)
		snprintf(m->usb, sizeof(m->usb), "%04x:%04x:%s", usb.vendor, usb.product, usb.serial);
	return AEM_EXIT_OK;
}

/* Create <root>/aem/<id>; a device is mounted on a private directory for it. */
static int make_layout(const struct aem_media_rec *m, const char *id_hex)
{
	char tmpl[] = "/tmp/aem-install.XXXXXX", dir[AEM_STATE_PATH_MAX + 64];
	const char *root = m->path;
	int rc = AEM_EXIT_OK;

	if (m->kind == AEM_MEDIA_DEVICE) {
		char *mnt[] = { "mount", "-t", "ext4", (char *)m->path, tmpl, NULL };
		if (!mkdtemp(tmpl) || run(mnt, NULL, 0) != 0)
			return fprintf(stderr, "aem install: cannot mount %s\n", m->path), AEM_EXIT_IO;
		root = tmpl;
	}
	snprintf(dir, sizeof(dir), "%s/aem/%s", root, id_hex);
	if (aem_state_mkdirs(dir, 0700)) {
		fprintf(stderr, "aem install: cannot create %s: %s\n", dir, strerror(errno));
		rc = AEM_EXIT_IO;
	}
	if (m->kind == AEM_MEDIA_DEVICE) {
		char *um[] = { "umount", tmpl, NULL };
		if (run(um, NULL, 0) != 0)
			rc = AEM_EXIT_IO;
		rmdir(tmpl);
	}
	return rc;
}

/* The lowest slot no enrolled media uses; -1 when all are taken. */
static int free_slot(void)
{
	unsigned used = 0;
	char **list = NULL;
	size_t n = 0;

	if (aem_state_media_list(&list, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct aem_media_rec m;
		if (!aem_state_media_load(list[i], &m))
			used |= 1u << m.slot;
	}
	aem_state_free_list(list, n);
	for (int s = 0; s < AEM_FRESH_SLOTS; s++)
		if (!(used & (1u << s)))
			return s;
	return -1;
}

static int uuid_taken(const char *uuid, const char *suffix)
{
	char **list = NULL;
	size_t n = 0;
	int taken = 0;

	if (!*uuid || aem_state_media_list(&list, &n))
		return 0;
	for (size_t i = 0; i < n && !taken; i++) {
		struct aem_media_rec m;
		taken = !aem_state_media_load(list[i], &m) && !strcmp(m.uuid, uuid) &&
			strcmp(m.suffix, suffix);
	}
	aem_state_free_list(list, n);
	return taken;
}

static int target(struct aem_media_rec *m, const char *path, const char *uuid, int format,
		  const char *label)
{
	char *fm[] = { "findmnt", "-n", "-o", "UUID", "--target", (char *)path, NULL };
	struct stat st;

	if (stat(path, &st))
		return fprintf(stderr, "aem install: %s: %s\n", path, strerror(errno)), AEM_EXIT_INPUT;
	char real[4096];

	if (!realpath(path, real) || strlen(real) >= sizeof(m->path))
		return AEM_EXIT_INPUT;
	strcpy(m->path, real);
	if (S_ISBLK(st.st_mode)) {
		m->kind = AEM_MEDIA_DEVICE;
		if (!format)
			return fprintf(stderr, "aem install: %s is a device: add --format to make it "
				       "ext4 '%s' (erases it)\n", path, label), AEM_EXIT_USAGE;
		return format_device(m->path, label, m);
	}
	if (!S_ISDIR(st.st_mode))
		return fprintf(stderr, "aem install: %s is neither a directory nor a block device\n",
			       path), AEM_EXIT_INPUT;
	m->kind = AEM_MEDIA_DIR;
	if (uuid)
		snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	else if (run(fm, m->uuid, sizeof(m->uuid)) != 0)
		m->uuid[0] = '\0';
	return AEM_EXIT_OK;
}

static int enrol(struct aem_lc *lc, struct aem_media_rec *m, const char *path, const char *uuid,
		 int format)
{
	char label[40];
	int slot = free_slot(), rc, err;

	aem_cli_lc_label(m->suffix, label, sizeof(label));
	if (!aem_state_media_load(m->suffix, &(struct aem_media_rec){ 0 }))
		return fprintf(stderr, "aem install: %s is already enrolled (aem revoke '%s' first)\n",
			       label, m->suffix), AEM_EXIT_INPUT;
	if (slot < 0)
		return fprintf(stderr, "aem install: all %d freshness slots are in use\n",
			       AEM_FRESH_SLOTS), AEM_EXIT_UNSUPPORTED;
	if ((rc = target(m, path, uuid, format, label)) != 0)
		return rc;
	if (uuid_taken(m->uuid, m->suffix))
		return fprintf(stderr, "aem install: UUID %s is already enrolled as other media\n",
			       m->uuid), AEM_EXIT_INPUT;
	m->slot = (unsigned)slot;
	m->family = lc->family;
	snprintf(m->tpm_id, sizeof(m->tpm_id), "%s", lc->id_hex);
	if ((rc = make_layout(m, lc->id_hex)) != 0)
		return rc;
	/* A fresh slot, its NV index defined anew with a new key: forgets any
	 * revocation of an earlier media in it. */
	err = aem_lc_slot_define(lc, m->slot, m->slot_key);
	m->has_slot_key = err == 0;
	if (!err)
		err = aem_state_media_save(m);
	if (err)
		return fprintf(stderr, "aem install: %s\n", aem_strerror(err)), aem_cli_exit(err);
	printf("installed %s at %s (freshness slot %u)%s%s\n", label, m->path, m->slot,
	       m->uuid[0] ? ", aem.uuid=" : "", m->uuid);
	if (m->usb[0])
		printf("USB identity %s\n", m->usb);
	printf("next: aem secret set --text ...; then aem reseal (this boot) or aem update\n");
	return AEM_EXIT_OK;
}

int cmd_install(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "suffix", required_argument, NULL, 's' }, { "uuid", required_argument, NULL, 'u' },
		{ "format", no_argument, NULL, 'f' }, { "tcti", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *suffix = "", *uuid = NULL, *tcti = NULL;
	struct aem_media_rec m;
	struct aem_lc lc;
	int c, format = 0, rc;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's': suffix = optarg; break;
		case 'u': uuid = optarg; break;
		case 'f': format = 1; break;
		case 'T': tcti = optarg; break;
		case 'h': fputs(install_help, stdout); return AEM_EXIT_OK;
		default: fputs(install_help, stderr); return AEM_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !aem_state_suffix_ok(suffix))
		return fputs(install_help, stderr), AEM_EXIT_USAGE;
	memset(&m, 0, sizeof(m));
	snprintf(m.suffix, sizeof(m.suffix), "%s", suffix);
	if ((rc = aem_cli_lc_open(&lc, "install", NULL, tcti, true)) != 0)
		return rc;
	rc = enrol(&lc, &m, argv[optind], uuid, format);
	aem_lc_close(&lc);
	return rc;
}

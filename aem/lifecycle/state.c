/* The lifecycle's files: state directory, media records, sealed-file names. */
#include "state.h"
#include "media.h"
#include "err.h"
#include "fileio.h"
#include "runtime.h"
#include "sealed.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC_MAX 8192

const char *aem_state_dir(void)
{
	const char *d = getenv("AEM_STATE_DIR");

	return d && *d ? d : AEM_STATE_DEFAULT;
}

int aem_state_path(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out, len, "%s/", aem_state_dir());

	if (n < 0 || (size_t)n >= len)
		return AEM_E_INVAL;
	va_start(ap, fmt);
	n += vsnprintf(out + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return (size_t)n < len ? 0 : AEM_E_INVAL;
}

int aem_state_mkdirs(const char *path, unsigned mode)
{
	char buf[AEM_STATE_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf) || !n)
		return AEM_E_INVAL;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, (mode_t)mode) && errno != EEXIST)
				return AEM_E_IO;
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

bool aem_state_suffix_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > AEM_SUFFIX_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

/* "" is a real suffix (label "aem"); its record is media/@.conf. */
static int rec_path(const char *suffix, char *out, size_t len)
{
	if (!aem_state_suffix_ok(suffix))
		return AEM_E_INVAL;
	return aem_state_path(out, len, "media/%s.conf", *suffix ? suffix : "@");
}

static int copy_field(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -1;
	strcpy(dst, v);
	return 0;
}

static int rec_field(struct aem_media_rec *m, const char *k, const char *v)
{
	char *end;

	if (!strcmp(k, "suffix"))
		return copy_field(m->suffix, sizeof(m->suffix), v) || !aem_state_suffix_ok(v);
	if (!strcmp(k, "kind")) {
		m->kind = !strcmp(v, "dir") ? AEM_MEDIA_DIR : !strcmp(v, "device") ? AEM_MEDIA_DEVICE : 0;
		return m->kind == 0;
	}
	if (!strcmp(k, "path"))
		return copy_field(m->path, sizeof(m->path), v);
	if (!strcmp(k, "uuid"))
		return copy_field(m->uuid, sizeof(m->uuid), v);
	if (!strcmp(k, "usb"))
		return copy_field(m->usb, sizeof(m->usb), v);
	if (!strcmp(k, "tpm_id"))
		return copy_field(m->tpm_id, sizeof(m->tpm_id), v);
	if (!strcmp(k, "family")) {
		m->family = !strcmp(v, "1.2") ? AEM_FAMILY_TPM12 : !strcmp(v, "2.0") ? AEM_FAMILY_TPM20 : 0;
		return m->family == 0;
	}
	if (!strcmp(k, "slot_key")) {
		m->has_slot_key = strlen(v) == 2 * sizeof(m->slot_key) &&
				  !aem_unhex(v, m->slot_key, sizeof(m->slot_key));
		return !m->has_slot_key;
	}
	if (!strcmp(k, "slot")) {
		unsigned long s = strtoul(v, &end, 10);
		m->slot = (unsigned)s;
		return !*v || *end || s >= AEM_FRESH_SLOTS;
	}
	return 0; /* newer keys are ignored: records stay readable across versions */
}

static int rec_parse(char *text, struct aem_media_rec *m)
{
	char *save = NULL;

	memset(m, 0, sizeof(*m));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (!eq)
			return AEM_E_FORMAT;
		*eq = '\0';
		if (rec_field(m, l, eq + 1))
			return AEM_E_FORMAT;
	}
	if (!m->kind || !m->path[0] || strlen(m->tpm_id) != 2 * AEM_TPM_ID_LEN || !m->family)
		return AEM_E_FORMAT;
	return 0;
}

int aem_state_media_load(const char *suffix, struct aem_media_rec *m)
{
	char path[AEM_STATE_PATH_MAX];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc = rec_path(suffix, path, sizeof(path));

	if (!rc)
		rc = aem_file_read(path, REC_MAX, &buf, &len);
	if (!rc) {
		char *text = malloc(len + 1);
		if (!text) {
			rc = AEM_E_NOMEM;
		} else {
			memcpy(text, buf, len);
			text[len] = '\0';
			rc = rec_parse(text, m);
			free(text);
		}
	}
	aem_buf_free(buf, len);
	if (!rc && strcmp(m->suffix, suffix))
		rc = AEM_E_FORMAT;
	return rc;
}

int aem_state_media_save(const struct aem_media_rec *m)
{
	char path[AEM_STATE_PATH_MAX], dir[AEM_STATE_PATH_MAX], text[REC_MAX];
	int n, rc = rec_path(m->suffix, path, sizeof(path));

	if (rc || (rc = aem_state_path(dir, sizeof(dir), "media")) != 0)
		return rc;
	if ((rc = aem_state_mkdirs(dir, 0700)) != 0)
		return rc;
	char key[2 * sizeof(m->slot_key) + 1] = "";

	if (m->has_slot_key)
		aem_hex(m->slot_key, sizeof(m->slot_key), key);
	n = snprintf(text, sizeof(text),
		     "suffix=%s\nkind=%s\npath=%s\nuuid=%s\nusb=%s\nslot=%u\ntpm_id=%s\nfamily=%s\n"
		     "%s%s%s",
		     m->suffix, m->kind == AEM_MEDIA_DIR ? "dir" : "device", m->path, m->uuid, m->usb,
		     m->slot, m->tpm_id, m->family == AEM_FAMILY_TPM12 ? "1.2" : "2.0",
		     m->has_slot_key ? "slot_key=" : "", key, m->has_slot_key ? "\n" : "");
	explicit_bzero(key, sizeof(key));
	if (n < 0 || (size_t)n >= sizeof(text)) {
		explicit_bzero(text, sizeof(text));
		return AEM_E_INVAL;
	}
	rc = aem_file_write_atomic(path, (const uint8_t *)text, (size_t)n, 0600);
	explicit_bzero(text, sizeof(text));
	return rc;
}

int aem_state_media_remove(const char *suffix)
{
	char path[AEM_STATE_PATH_MAX];
	int rc = rec_path(suffix, path, sizeof(path));

	if (!rc && unlink(path) && errno != ENOENT)
		rc = AEM_E_IO;
	return rc;
}

void aem_state_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir ending in ext (ext cut off), sorted. A missing dir is empty. */
static int list_names(const char *sub, const char *ext, char ***out, size_t *n)
{
	char dir[AEM_STATE_PATH_MAX];
	size_t el = strlen(ext);
	struct dirent *de;
	char **v = NULL;
	DIR *d;
	int rc = aem_state_path(dir, sizeof(dir), "%s", sub);

	*out = NULL;
	*n = 0;
	if (rc)
		return rc;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : AEM_E_IO;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (de->d_name[0] == '.' || l < el || strcmp(de->d_name + l - el, ext))
			continue;
		nv = realloc(v, (*n + 1) * sizeof(*v));
		if (!nv || !(nv[*n] = strndup(de->d_name, l - el))) {
			v = nv ? nv : v;
			rc = AEM_E_NOMEM;
			break;
		}
		v = nv;
		if (!strcmp(v[*n], "@"))
			v[*n][0] = '\0';
		(*n)++;
	}
	closedir(d);
	if (rc) {
		aem_state_free_list(v, *n);
		*n = 0;
		return rc;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

int aem_state_media_list(char ***suffixes, size_t *n)
{
	return list_names("media", ".conf", suffixes, n);
}

/* Without udev's links: the one block device whose ext4 UUID it is. Loop
 * devices count (an image file is valid media on an installed system); two
 * devices carrying the UUID are refused, as the boot path refuses them. */
static int device_of(const char *uuid, char *out, size_t len)
{
	int count = 0;
	int rc = aem_rt_block_find(uuid, AEM_RT_BLOCK_LOOP, aem_media_ext4_uuid, NULL, out, len,
				   &count);

	if (!rc && count == 1)
		return 0;
	errno = !rc && count > 1 ? EEXIST : ENODEV;
	return AEM_E_IO;
}

/* The mount point of the device holding uuid: match /proc/self/mounts
 * against the real path of /dev/disk/by-uuid/UUID (or of the one device
 * carrying the UUID), all read through the runtime, so a replayed machine
 * (AEM_ROOT) answers from its own files. */
static int mount_of(const char *uuid, char *out, size_t len)
{
	char link[128], dev[PATH_MAX], a[AEM_STATE_PATH_MAX], b[AEM_STATE_PATH_MAX];
	uint8_t *buf = NULL;
	size_t n = 0;
	int rc = AEM_E_IO;

	snprintf(link, sizeof(link), "/dev/disk/by-uuid/%s", uuid);
	if (!*uuid) {
		errno = ENODEV;
		return AEM_E_IO;
	}
	if (aem_rt_realpath(link, dev, sizeof(dev)) && device_of(uuid, dev, sizeof(dev)))
		return AEM_E_IO;
	if (aem_rt_read_file("/proc/self/mounts", 0, &buf, &n))
		return AEM_E_IO;
	for (char *l = (char *)buf, *next; l && *l; l = next) {
		char real[PATH_MAX];

		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(l, "%1023s %1023s", a, b) != 2)
			continue;
		/* The mount point, below the root when replaying. */
		if (!aem_rt_realpath(a, real, sizeof(real)) && !strcmp(real, dev) &&
		    strlen(aem_rt_root()) + strlen(b) < len) {
			snprintf(out, len, "%s%s", aem_rt_root(), b);
			rc = 0;
			break;
		}
	}
	free(buf);
	if (rc)
		errno = ENODEV;
	return rc;
}

int aem_state_media_root(const struct aem_media_rec *m, char *out, size_t len)
{
	struct stat st;

	if (m->kind == AEM_MEDIA_DEVICE) {
		int rc = mount_of(m->uuid, out, len);
		if (rc)
			return rc;
	} else {
		if (strlen(m->path) >= len)
			return AEM_E_INVAL;
		strcpy(out, m->path);
	}
	if (stat(out, &st) || !S_ISDIR(st.st_mode)) {
		errno = ENODEV;
		return AEM_E_IO;
	}
	return 0;
}

int aem_state_secret_write(const char *name, const uint8_t *buf, size_t len)
{
	char dir[AEM_STATE_PATH_MAX], path[AEM_STATE_PATH_MAX];
	int rc;

	if (!aem_bundle_name_ok(name))
		return AEM_E_INVAL;
	if ((rc = aem_state_path(dir, sizeof(dir), "secrets")) != 0 ||
	    (rc = aem_state_path(path, sizeof(path), "secrets/%s", name)) != 0)
		return rc;
	if ((rc = aem_state_mkdirs(dir, 0700)) != 0)
		return rc;
	return aem_file_write_atomic(path, buf, len, 0600);
}

int aem_state_secret_list(char ***names, size_t *n)
{
	char **v;
	size_t k = 0;
	int rc = list_names("secrets", "", names, n);

	if (rc)
		return rc;
	/* Only names that are secret names: temp files of an interrupted write are not. */
	v = *names;
	for (size_t i = 0; i < *n; i++) {
		if (aem_bundle_name_ok(v[i]))
			v[k++] = v[i];
		else
			free(v[i]);
	}
	*n = k;
	return 0;
}

int aem_state_secret_read(const char *name, uint8_t **buf, size_t *len)
{
	char path[AEM_STATE_PATH_MAX];
	int rc;

	if (!aem_bundle_name_ok(name))
		return AEM_E_INVAL;
	rc = aem_state_path(path, sizeof(path), "secrets/%s", name);
	return rc ? rc : aem_file_read(path, AEM_BUNDLE_MAX_SECRET, buf, len);
}

int aem_state_secret_remove(const char *name)
{
	char path[AEM_STATE_PATH_MAX];
	int rc;

	if (!aem_bundle_name_ok(name))
		return AEM_E_INVAL;
	rc = aem_state_path(path, sizeof(path), "secrets/%s", name);
	if (!rc && unlink(path) && errno != ENOENT)
		rc = AEM_E_IO;
	return rc;
}

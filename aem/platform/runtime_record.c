/* Recording a machine (aem_rt_record_to): what the runtime layer read is
 * copied into a directory with the same layout, a fixture that replays the
 * same answers. Linked only into programs that record (aem doctor --record). */
#include "runtime.h"
#include "runtime_priv.h"
#include "err.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char g_rec[PATH_MAX];

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];
	size_t n = strlen(dir);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return (mkdir(tmp, 0755) < 0 && errno != EEXIST) ? -1 : 0;
}

/* Best effort: a recording that misses a file replays as "absent", which the
 * doctor reports; it never changes what the live run answers. */
static void record_file(const char *path, const uint8_t *buf, size_t len)
{
	char dst[PATH_MAX], dir[PATH_MAX];
	char *slash;
	FILE *f;
	int saved = errno;

	if (aem_rt_join(g_rec, path, dst, sizeof(dst)) < 0)
		return;
	strcpy(dir, dst);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		mkdir_p(dir);
	}
	f = fopen(dst, "wb");
	if (f) {
		if (len)
			fwrite(buf, 1, len, f);
		fclose(f);
	}
	errno = saved;
}

/* A recording must also answer "does it exist" and "what is in this
 * directory": directories are created, files only seen get an empty
 * placeholder (a real read later fills it; an earlier one is kept). */
static void record_presence(const char *path, bool dir)
{
	char dst[PATH_MAX];
	struct stat st;

	if (aem_rt_join(g_rec, path, dst, sizeof(dst)) < 0)
		return;
	if (dir)
		mkdir_p(dst);
	else if (stat(dst, &st) < 0)
		record_file(path, NULL, 0);
}

/* A listed directory: itself, and each entry as present (subdirectories
 * created, files as placeholders). */
static void record_dir(const char *path, char *const *v, size_t k)
{
	char rec[PATH_MAX];

	if (aem_rt_join(g_rec, path, rec, sizeof(rec)) < 0)
		return;
	mkdir_p(rec);
	for (size_t i = 0; i < k; i++) {
		char sub[PATH_MAX], subfull[PATH_MAX];
		struct stat st;

		if (snprintf(sub, sizeof(sub), "%s/%s", path, v[i]) >= (int)sizeof(sub) ||
		    aem_rt_resolve(sub, subfull, sizeof(subfull)) < 0 || stat(subfull, &st) < 0)
			continue;
		record_presence(sub, S_ISDIR(st.st_mode));
	}
}

static const struct aem_rt_recorder recorder = { record_file, record_presence, record_dir };

int aem_rt_record_to(const char *dir)
{
	if (!dir) {
		g_rec[0] = '\0';
		aem_rt_rec = NULL;
		return 0;
	}
	if (strlen(dir) >= sizeof(g_rec) - 1 || !*dir)
		return AEM_E_INVAL;
	strcpy(g_rec, dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return AEM_E_IO;
	aem_rt_rec = &recorder;
	return 0;
}


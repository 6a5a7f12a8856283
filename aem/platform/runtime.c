/* The runtime layer's core: the root (live system or a recorded machine),
 * directory listings, real paths and the block-device scan (runtime.h). Reads
 * of files, of physical memory and the recorder live beside it, so a program
 * links only what it uses. */
#include "runtime.h"
#include "runtime_priv.h"
#include "err.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char g_root[PATH_MAX];
static bool g_root_set;
const struct aem_rt_recorder *aem_rt_rec;

int aem_rt_set_root(const char *dir)
{
	size_t n;

	g_root_set = true;
	g_root[0] = '\0';
	if (!dir || !*dir || !strcmp(dir, "/"))
		return 0;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n >= sizeof(g_root))
		return AEM_E_INVAL;
	memcpy(g_root, dir, n);
	g_root[n] = '\0';
	return 0;
}

const char *aem_rt_root(void)
{
	/* AEM_ROOT applies only when nobody chose a root: the CLI option wins. */
	if (!g_root_set) {
		const char *env = getenv("AEM_ROOT");

		if (aem_rt_set_root(env) < 0)
			g_root[0] = '\0';
	}
	return g_root;
}

bool aem_rt_replaying(void)
{
	return aem_rt_root()[0] != '\0';
}

/* Paths come from code, but directory entries of a fixture are joined to them:
 * refuse anything that could climb out of the root. */
int aem_rt_join(const char *base, const char *path, char *out, size_t size)
{
	size_t len = strlen(path);
	int n;

	if (path[0] != '/' || strstr(path, "/../") || (len >= 3 && !strcmp(path + len - 3, "/..")))
		return AEM_E_INVAL;
	n = snprintf(out, size, "%s%s", base, path);
	if (n < 0 || (size_t)n >= size)
		return AEM_E_INVAL;
	return 0;
}

int aem_rt_resolve(const char *path, char *out, size_t size)
{
	return aem_rt_join(aem_rt_root(), path, out, size);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void aem_rt_free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int aem_rt_list_dir(const char *path, char ***names, size_t *n)
{
	char full[PATH_MAX];
	struct dirent *de;
	size_t cap = 0, k = 0;
	char **v = NULL;
	DIR *d;
	int rc;

	*names = NULL;
	*n = 0;
	rc = aem_rt_resolve(path, full, sizeof(full));
	if (rc < 0)
		return rc;
	d = opendir(full);
	if (!d)
		return AEM_E_IO;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (k == cap) {
			char **nv = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));

			if (!nv)
				goto nomem;
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		v[k] = strdup(de->d_name);
		if (!v[k])
			goto nomem;
		k++;
	}
	closedir(d);
	if (k)
		qsort(v, k, sizeof(*v), cmp_names);
	if (aem_rt_rec)
		aem_rt_rec->dir(path, v, k);
	*names = v;
	*n = k;
	return 0;
nomem:
	closedir(d);
	aem_rt_free_list(v, k);
	return AEM_E_NOMEM;
}

/* Block devices never worth opening: RAM disks, floppies (a read of an empty
 * QEMU floppy stalls for seconds), loop devices unless asked for. */
static bool block_skip(const char *name, unsigned flags)
{
	static const char *const pfx[] = { "ram", "zram", "fd", "loop" };

	if (name[0] == '.')
		return true;
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t n = strlen(pfx[i]);

		if (!strncmp(name, pfx[i], n) && isdigit((unsigned char)name[n]))
			return !(flags & AEM_RT_BLOCK_LOOP) || strcmp(pfx[i], "loop");
	}
	return false;
}

int aem_rt_block_find(const char *uuid, unsigned flags, aem_rt_uuid_of uuid_of, void *ctx,
		      char *path, size_t len, int *count)
{
	char **names;
	size_t n;
	int rc = 0;

	if (!uuid || !*uuid || !uuid_of || !path || !len || !count)
		return AEM_E_INVAL;
	*count = 0;
	if (aem_rt_list_dir("/sys/class/block", &names, &n) < 0)
		return AEM_E_IO;
	for (size_t i = 0; i < n && !rc; i++) {
		char dev[PATH_MAX], full[PATH_MAX], u[64] = "";

		if (block_skip(names[i], flags) ||
		    snprintf(dev, sizeof(dev), "/dev/%s", names[i]) >= (int)sizeof(dev) ||
		    aem_rt_resolve(dev, full, sizeof(full)) < 0)
			continue;
		if (uuid_of(full, u, sizeof(u), ctx) != 0)
			continue;
		u[sizeof(u) - 1] = '\0';
		if (strcasecmp(u, uuid) || (*count)++)
			continue;
		if (strlen(full) >= len)
			rc = AEM_E_INVAL;
		else
			strcpy(path, full);
	}
	aem_rt_free_list(names, n);
	return rc;
}


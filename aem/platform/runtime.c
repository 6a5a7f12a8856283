/* The runtime layer: live reads of the running system, or replay of a recorded
 * one (see runtime.h). Kept small on purpose: every other module asks here. */
#include "runtime.h"
#include "err.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_root[PATH_MAX];
static bool g_root_set;
static char g_rec[PATH_MAX];

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

int aem_rt_record_to(const char *dir)
{
	if (!dir) {
		g_rec[0] = '\0';
		return 0;
	}
	if (strlen(dir) >= sizeof(g_rec) - 1 || !*dir)
		return AEM_E_INVAL;
	strcpy(g_rec, dir);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return AEM_E_IO;
	return 0;
}

/* Paths come from code, but directory entries of a fixture are joined to them:
 * refuse anything that could climb out of the root. */
static int join(const char *base, const char *path, char *out, size_t size)
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

static int resolve(const char *path, char *out, size_t size)
{
	return join(aem_rt_root(), path, out, size);
}

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

	if (!g_rec[0] || join(g_rec, path, dst, sizeof(dst)) < 0)
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

int aem_rt_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	char full[PATH_MAX];
	size_t cap = 4096, n = 0;
	uint8_t *b;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	if (max == 0 || max > AEM_RT_MAX_FILE)
		max = AEM_RT_MAX_FILE;
	rc = resolve(path, full, sizeof(full));
	if (rc < 0)
		return rc;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return AEM_E_NOMEM;
	}
	/* sysfs reports a size of 4096 whatever it holds: read to EOF. */
	for (;;) {
		ssize_t r;

		if (n == cap) {
			uint8_t *nb;

			if (cap > max) {
				free(b);
				close(fd);
				return AEM_E_FORMAT;
			}
			cap *= 2;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				close(fd);
				return AEM_E_NOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			free(b);
			close(fd);
			errno = saved;
			return AEM_E_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(b);
		return AEM_E_FORMAT;
	}
	b[n] = '\0';
	record_file(path, b, n);
	*buf = b;
	*len = n;
	return 0;
}

int aem_rt_read_text(const char *path, char *buf, size_t size)
{
	uint8_t *b;
	size_t n;
	int rc;

	if (size == 0)
		return AEM_E_INVAL;
	rc = aem_rt_read_file(path, 1u << 20, &b, &n);
	if (rc < 0)
		return rc;
	while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == ' ' || b[n - 1] == '\t' ||
			 b[n - 1] == '\r' || b[n - 1] == '\0'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
	free(b);
	return 0;
}

/* A recording must also answer "does it exist" and "what is in this
 * directory": directories are created, files only seen get an empty
 * placeholder (a real read later fills it; an earlier one is kept). */
static void record_presence(const char *path, bool dir)
{
	char dst[PATH_MAX];
	struct stat st;

	if (!g_rec[0] || join(g_rec, path, dst, sizeof(dst)) < 0)
		return;
	if (dir)
		mkdir_p(dst);
	else if (stat(dst, &st) < 0)
		record_file(path, NULL, 0);
}

bool aem_rt_exists(const char *path)
{
	char full[PATH_MAX];
	struct stat st;
	int saved = errno;

	if (resolve(path, full, sizeof(full)) < 0 || stat(full, &st) < 0)
		return false;
	record_presence(path, S_ISDIR(st.st_mode));
	errno = saved;
	return true;
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
	char full[PATH_MAX], rec[PATH_MAX];
	struct dirent *de;
	size_t cap = 0, k = 0;
	char **v = NULL;
	DIR *d;
	int rc;

	*names = NULL;
	*n = 0;
	rc = resolve(path, full, sizeof(full));
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
	if (g_rec[0] && join(g_rec, path, rec, sizeof(rec)) == 0) {
		mkdir_p(rec);
		for (size_t i = 0; i < k; i++) {
			char sub[PATH_MAX], subfull[PATH_MAX];
			struct stat st;

			if (snprintf(sub, sizeof(sub), "%s/%s", path, v[i]) >= (int)sizeof(sub) ||
			    resolve(sub, subfull, sizeof(subfull)) < 0 || stat(subfull, &st) < 0)
				continue;
			record_presence(sub, S_ISDIR(st.st_mode));
		}
	}
	*names = v;
	*n = k;
	return 0;
nomem:
	closedir(d);
	aem_rt_free_list(v, k);
	return AEM_E_NOMEM;
}

int aem_rt_realpath(const char *path, char *out, size_t len)
{
	char full[PATH_MAX], real[PATH_MAX];
	int rc = resolve(path, full, sizeof(full));

	if (rc < 0)
		return rc;
	if (!realpath(full, real))
		return AEM_E_IO;
	if (strlen(real) >= len)
		return AEM_E_INVAL;
	strcpy(out, real);
	return 0;
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
		    resolve(dev, full, sizeof(full)) < 0)
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

/* Replay: the fixture's phys/<hex base>.bin that holds [addr, addr+len). */
static int replay_phys(uint64_t addr, size_t len, uint8_t *out)
{
	char **names;
	size_t n;
	int rc = AEM_E_IO;

	if (aem_rt_list_dir("/phys", &names, &n) < 0) {
		errno = ENOENT;
		return AEM_E_IO;
	}
	errno = ENOENT;
	for (size_t i = 0; i < n && rc < 0; i++) {
		char path[PATH_MAX], full[PATH_MAX], *end;
		unsigned long long base = strtoull(names[i], &end, 16);
		struct stat st;
		int fd;

		if (end == names[i] || strcmp(end, ".bin") || addr < base)
			continue;
		snprintf(path, sizeof(path), "/phys/%s", names[i]);
		if (resolve(path, full, sizeof(full)) < 0 || stat(full, &st) < 0)
			continue;
		if (addr - base > (uint64_t)st.st_size || len > (uint64_t)st.st_size - (addr - base))
			continue;
		fd = open(full, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (pread(fd, out, len, (off_t)(addr - base)) == (ssize_t)len)
			rc = 0;
		close(fd);
	}
	aem_rt_free_list(names, n);
	return rc;
}

/* Live: map the pages uncached and copy with aligned 32-bit loads; registers
 * in the TXT space are not meant to be read byte by byte. */
static int live_phys(uint64_t addr, size_t len, uint8_t *out)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t start = addr & ~(uint64_t)(pg - 1);
	size_t maplen = (size_t)(addr - start) + len;
	volatile const uint8_t *m;
	void *map;
	int fd, saved;

	maplen = (maplen + (size_t)pg - 1) & ~((size_t)pg - 1);
	fd = open("/dev/mem", O_RDONLY | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return AEM_E_IO;
	map = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, (off_t)start);
	saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = saved;
		return AEM_E_IO;
	}
	m = (volatile const uint8_t *)map + (addr - start);
	for (size_t i = 0; i < len;) {
		if (((uintptr_t)(m + i) & 3) == 0 && len - i >= 4) {
			uint32_t w = *(volatile const uint32_t *)(const volatile void *)(m + i);

			memcpy(out + i, &w, 4);
			i += 4;
		} else {
			out[i] = m[i];
			i++;
		}
	}
	munmap(map, maplen);
	return 0;
}

int aem_rt_read_phys(uint64_t addr, size_t len, uint8_t *out)
{
	int rc;

	if (len == 0 || len > AEM_RT_MAX_PHYS || addr > UINT64_MAX - len)
		return AEM_E_INVAL;
	rc = aem_rt_replaying() ? replay_phys(addr, len, out) : live_phys(addr, len, out);
	if (rc == 0 && g_rec[0]) {
		char path[64];

		snprintf(path, sizeof(path), "/phys/%" PRIx64 ".bin", addr);
		record_file(path, out, len);
	}
	return rc;
}

int aem_rt_rtc_is_local(void)
{
	char text[512];
	char *line3;

	/* adjtime(5): line 3 is "UTC" or "LOCAL"; a missing file means UTC. */
	if (aem_rt_read_text("/etc/adjtime", text, sizeof(text)))
		return 0;
	line3 = strchr(text, '\n');
	line3 = line3 ? strchr(line3 + 1, '\n') : NULL;
	return line3 && !strncmp(line3 + 1, "LOCAL", 5);
}
